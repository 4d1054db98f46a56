"""URLs of the city's and the province's workspaces (mounted at /review/)."""

from django.urls import path

from . import views, views_decide

app_name = "review"

urlpatterns = [
    # The read side (review.views): the workspaces of the city and the province.
    path("city/", views.workspace, {"level": "city"}, name="city"),
    path("city/export/", views.workspace_export, {"level": "city"}, name="city_export"),
    path("city/compare/", views.workspace_compare, {"level": "city"}, name="city_compare"),
    path("province/", views.workspace, {"level": "province"}, name="province"),
    path("province/export/", views.workspace_export, {"level": "province"}, name="province_export"),
    path("province/compare/", views.workspace_compare, {"level": "province"}, name="province_compare"),
    # The write side (views_decide): one version's decision page, its decision and recommendation.
    path("submissions/<uuid:pk>/", views_decide.submission, name="submission"),
    path("submissions/<uuid:pk>/decide/", views_decide.decide, name="decide"),
    path("submissions/<uuid:pk>/recommend/", views_decide.recommend, name="recommend"),
    path("submissions/<uuid:pk>/package/", views_decide.package, name="package"),
    path("campaigns/<uuid:campaign>/versions/", views_decide.versions, name="versions"),
    path("recommendations/", views_decide.recommendations, name="recommendations"),
    path("letters/new/", views_decide.letter_new, name="letter_new"),
    path("letters/<uuid:pk>/", views_decide.letter, name="letter"),
    path("letters/<uuid:pk>/pdf/", views_decide.letter_download, {"kind": "recommendation_pdf"}, name="letter_pdf"),
    path("letters/<uuid:pk>/docx/", views_decide.letter_download, {"kind": "recommendation_docx"}, name="letter_docx"),
    # The county office's side: the city's return comments to work through.
    path("comments/", views_decide.comments, name="comments"),
    path("comments/<uuid:pk>/done/", views_decide.comment_done_view, name="comment_done"),
]
