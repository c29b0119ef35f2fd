from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("campaigns/<slug:slug>/", views.campaign_detail, name="detail"),
    path("share/mastodon/", views.share_mastodon, name="share-mastodon"),
]
