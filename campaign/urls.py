from django.urls import path

from . import views

app_name = "campaign"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_edit, name="create"),
    path("switch/", views.campaign_switch, name="switch"),
    path("<uuid:pk>/", views.campaign_detail, name="detail"),
    path("<uuid:pk>/edit/", views.campaign_edit, name="edit"),
    path("<uuid:pk>/stage/", views.campaign_stage, name="stage"),
]
