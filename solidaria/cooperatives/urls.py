from django.urls import path

from . import directory_views

app_name = "cooperatives"
urlpatterns = [
    # The directory of cooperatives and each cooperative's page (directory_views.py).
    path("cooperatives/", directory_views.directory, name="directory"),
    path("cooperatives/<slug:slug>/", directory_views.cooperative_detail, name="detail"),
]
