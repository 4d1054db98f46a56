"""URLs of the city's and the province's workspaces (mounted at /review/)."""

app_name = "review"

urlpatterns = []
