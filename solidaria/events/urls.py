from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("events/me/<str:token>/", views.attendee_page, name="attendee"),
    path("events/me/<str:token>/event.ics", views.attendee_calendar, name="attendee-calendar"),
    path("events/host/<str:token>/", views.host_page, name="host"),
    path("events/<slug:slug>/", views.event_detail, name="detail"),
    path("events/<slug:slug>/register/", views.event_rsvp, name="rsvp"),
    path("events/<slug:slug>/registered/", views.event_registered, name="registered"),
    path("events/<slug:slug>/event.ics", views.event_calendar, name="calendar"),
    path("events/<slug:slug>/co-sponsor/", views.cosponsor_view, name="cosponsor"),
    path("days/<slug:slug>/", views.day_detail, name="day"),
    path("days/<slug:slug>/host/", views.day_propose, name="propose"),
    path("days/<slug:slug>/host/sent/", views.proposal_sent, name="proposal-sent"),
    path("campaigns/<slug:slug>/events.ics", views.campaign_calendar, name="campaign-calendar"),
    path(
        "organisations/<slug:slug>/events.ics",
        views.organisation_calendar,
        name="organisation-calendar",
    ),
]
