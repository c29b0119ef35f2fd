from django.urls import path

from . import contact_views, views

app_name = "committee"
urlpatterns = [
    # The public pages: the committee with its join form, and its proposals.
    path("committees/confirm/<str:token>/", views.member_confirm_view, name="confirm"),
    path("committees/<slug:slug>/", views.committee_detail, name="detail"),
    path("committees/<slug:slug>/join/", views.committee_join, name="join"),
    path("committees/<slug:slug>/joined/", views.committee_joined, name="joined"),
    path("committees/<slug:slug>/proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path(
        "committees/<slug:slug>/proposals/<int:pk>/support/",
        views.proposal_support_view,
        name="support",
    ),
    path(
        "committees/<slug:slug>/proposals/<int:pk>/comment/",
        views.proposal_comment_view,
        name="comment",
    ),
    path(
        "committees/<slug:slug>/proposals/<int:pk>/withdraw/",
        views.proposal_withdraw_view,
        name="withdraw",
    ),
    # The member's own page, beside the supporter's (supporters.access).
    path("my/committees/", views.member_page, name="member"),
    path("my/committees/<slug:slug>/edit/", views.member_update_view, name="member-update"),
    path("my/committees/<slug:slug>/propose/", views.member_propose, name="propose"),
    path("my/committees/<slug:slug>/leave/", views.member_leave_view, name="leave"),
    # Writing to an organisation in one's language (contact.py).
    path("organisations/<slug:slug>/contact/", contact_views.contact_page, name="contact"),
    path(
        "organisations/<slug:slug>/contact/send/", contact_views.contact_send, name="contact-send"
    ),
    path(
        "organisations/<slug:slug>/contact/sent/", contact_views.contact_sent, name="contact-sent"
    ),
]
