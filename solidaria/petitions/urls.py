from django.urls import path

from . import views

app_name = "petitions"
urlpatterns = [
    path("petitions/", views.petition_list_redirect, name="list"),
    path("petitions/check/challenge/", views.pow_challenge, name="pow-challenge"),
    path("petitions/confirm/<str:token>/", views.signature_confirm_view, name="confirm"),
    path("petitions/withdraw/<str:token>/", views.signature_withdraw_view, name="withdraw"),
    path("petitions/<slug:slug>/", views.petition_detail, name="detail"),
    path("petitions/<slug:slug>/sign/", views.petition_sign, name="sign"),
    path("petitions/<slug:slug>/thanks/<str:code>/", views.petition_thanks, name="thanks"),
    path("petitions/<slug:slug>/organisations/", views.organisation_sign, name="organisation-sign"),
]
