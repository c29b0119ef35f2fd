from django.urls import path

from . import views

app_name = "fundraising"
urlpatterns = [
    path("funds/manage/<str:token>/", views.monthly_manage, name="manage"),
    path("funds/<slug:slug>/", views.fund_detail, name="detail"),
    path("funds/<slug:slug>/give/", views.fund_give, name="give"),
    path("funds/<slug:slug>/pledge/<str:token>/", views.pledge_detail, name="pledge"),
    path("funds/<slug:slug>/thanks/", views.checkout_return, name="thanks"),
    path("funds/<slug:slug>/ledger/", views.fund_ledger, name="ledger"),
]
