from django.urls import path

from . import views

app_name = "supporters"

urlpatterns = [
    path("my/", views.access_request, name="request"),
    path("my/open/<str:token>/", views.access_open, name="open"),
    path("my/page/", views.my_page, name="page"),
    path(
        "my/consents/<int:organisation_id>/withdraw/",
        views.withdraw_consent,
        name="consent-withdraw",
    ),
    path("my/language/", views.language_set, name="language"),
    path("my/address/confirm/", views.address_confirm, name="address-confirm"),
    path("my/actions/end/", views.action_end, name="action-end"),
    path("my/download.json", views.download_json, name="download-json"),
    path("my/download/", views.download_page, name="download-page"),
    path("my/erase/", views.erase, name="erase"),
    path("my/leave/", views.leave, name="leave"),
]
