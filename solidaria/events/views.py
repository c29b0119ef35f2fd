from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from solidaria.campaigns.models import Campaign
from solidaria.core.rendering.gazetteer import city_coordinates
from solidaria.core.rendering.gazetteer import index_path as gazetteer_index_path
from solidaria.core.rendering.i18n import localize
from solidaria.core.rendering.worldmap import MapPoint, world_map_svg
from solidaria.core.web.decorators import public_form_post
from solidaria.core.web.formguard import cross_site_refusal, form_token, form_token_refusal
from solidaria.core.web.formviews import form_page, refusal_as_form_error
from solidaria.core.web.middleware import private_page, private_response, public_page
from solidaria.core.web.query import SEARCH_MAX_LENGTH
from solidaria.organisations.models import Organisation
from solidaria.supporters.services import consent_text_current

from .calendars import ics
from .exceptions import EventError
from .forms import CosponsorForm, HostMessageForm, ProposalForm, RsvpForm, zone_choices
from .models import Event, Rsvp
from .selectors import (
    day_of_action_events,
    day_of_action_get_public,
    event_cosponsors_public,
    event_get_public,
    events_calendar_feed,
    host_is_trusted,
)
from .services import (
    cosponsor_request,
    event_for_host_token,
    event_propose,
    event_publish_by_trusted_host,
    host_message_send,
    rsvp_cancel,
    rsvp_create,
    rsvp_for_token,
)
from .zones import validate_zone


def _token_scope(event: Event) -> str:
    return f"rsvp:{event.pk}"


def _viewer_zone(request: HttpRequest) -> str:
    """The zone a visitor chose (the selector works without JavaScript)."""
    requested = request.GET.get("tz", "")
    try:
        validate_zone(requested)
    except ValidationError:
        return ""
    return requested


def _event_context(request: HttpRequest, event: Event, form: RsvpForm) -> dict[str, object]:
    viewer_zone = _viewer_zone(request)
    return {
        "event": event,
        "campaign": event.campaign,
        "form": form,
        "viewer_zone": viewer_zone,
        "zones": zone_choices(),
        "cosponsors": event_cosponsors_public(event=event),
        "open": event.status == Event.Status.PUBLISHED and not event.is_past,
        "consent_owner_text": localize(
            consent_text_current(event.campaign.owner).text, languages=event.campaign.languages
        ),
    }


@public_page
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get_public(slug=slug)
    form = RsvpForm(initial={"form_token": form_token(_token_scope(event))})
    return render(request, "events/event_detail.html", _event_context(request, event, form))


@public_form_post("events:detail", anchor="rsvp-heading")
def event_rsvp(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get_public(slug=slug)
    form = RsvpForm(request.POST)
    if form.is_valid():
        cleaned = form.cleaned_data
        if refusal := form_token_refusal(_token_scope(event), cleaned["form_token"]):
            form.add_error(None, refusal)
        elif cleaned["website"]:
            return redirect("events:registered", slug=event.slug)  # a bot: nothing stored
        else:
            with refusal_as_form_error(form, EventError):
                rsvp_create(
                    event=event,
                    name=cleaned["name"],
                    email=cleaned["email"],
                    phone=cleaned["phone"],
                    guests=cleaned["guests"],
                    consent_owner=cleaned["consent_owner"],
                    language=request.LANGUAGE_CODE,
                )
                return redirect("events:registered", slug=event.slug)
    data = request.POST.copy()
    data["form_token"] = form_token(_token_scope(event))
    form.data = data
    return private_response(
        render(
            request, "events/event_detail.html", _event_context(request, event, form), status=400
        )
    )


@private_page
def event_registered(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get_public(slug=slug)
    return private_response(render(request, "events/registered.html", {"event": event}))


def _invalid_link(request: HttpRequest) -> HttpResponse:
    return private_response(
        render(
            request,
            "events/link_invalid.html",
            {"reason": _("This link is not valid any more.")},
            status=404,
        )
    )


@private_page
def attendee_page(request: HttpRequest, token: str) -> HttpResponse:
    """An attendee's own page: their place, the link of an online event, cancelling."""
    rsvp = rsvp_for_token(token)
    if rsvp is None:
        return _invalid_link(request)
    if request.method == "POST" and request.POST.get("action") == "cancel":
        if (refusal := cross_site_refusal(request)) is not None:
            return refusal
        if rsvp.event.is_past:
            messages.error(request, _("This event is over."))
            return redirect(request.path)
        rsvp_cancel(rsvp=rsvp)
        messages.success(request, _("Your registration is cancelled. Thank you for telling us."))
        return redirect(request.path)
    rsvp.refresh_from_db()
    event = rsvp.event
    return private_response(
        render(
            request,
            "events/attendee.html",
            {
                "rsvp": rsvp,
                "event": event,
                "token": token,
                "online_url": event.online_url
                if rsvp.status == Rsvp.Status.CONFIRMED and event.status == Event.Status.PUBLISHED
                else "",
            },
        )
    )


@private_page
def attendee_calendar(request: HttpRequest, token: str) -> HttpResponse:
    rsvp = rsvp_for_token(token)
    if rsvp is None or rsvp.status != Rsvp.Status.CONFIRMED:
        return _invalid_link(request)
    private = settings.SITE_URL.rstrip("/") + request.path.rsplit("event.ics", 1)[0]
    return _calendar_response(
        ics([rsvp.event], name=str(rsvp.event), language=rsvp.language, private_url=private),
        "event.ics",
        private=True,
    )


def _calendar_response(body: bytes, filename: str, *, private: bool = False) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return private_response(response) if private else response


def event_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get_public(slug=slug)
    return _calendar_response(
        ics([event], name=str(event), language=request.LANGUAGE_CODE), f"{event.slug}.ics"
    )


def campaign_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign.objects.public(), slug=slug)
    events = events_calendar_feed(campaign=campaign)
    return _calendar_response(
        ics(events, name=str(campaign), language=request.LANGUAGE_CODE), f"{campaign.slug}.ics"
    )


def organisation_calendar(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    events = events_calendar_feed(host=organisation)
    return _calendar_response(
        ics(events, name=organisation.name, language=request.LANGUAGE_CODE),
        f"{organisation.slug}.ics",
    )


@private_page
def cosponsor_view(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get_public(slug=slug)
    form = CosponsorForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        with refusal_as_form_error(form, EventError):
            cosponsor_request(
                event=event,
                language=request.LANGUAGE_CODE,
                **{key: form.cleaned_data[key] for key in form.fields},
            )
            messages.success(
                request, _("Thank you. The organisers will look at your request and write to you.")
            )
            return redirect(event.get_absolute_url())
    return form_page(request, "events/cosponsor.html", form, {"event": event})


@public_page
def day_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The day's actions on a map and by country and city, with a search."""
    day = day_of_action_get_public(slug=slug)
    query = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    listing = day_of_action_events(day=day, query=query)
    return render(
        request,
        "events/day_detail.html",
        {
            "day": day,
            "campaign": day.campaign,
            "groups": listing.groups,
            "query": query,
            "count": listing.count,
            "country_count": len(listing.country_counts),
            "map_table": listing.map_table,
            "world_map": world_map_svg(
                listing.country_counts,
                label=_("Actions by country"),
                points=_map_points(listing.events),
            ),
        },
    )


def _map_points(events: list[Event]) -> list[MapPoint]:
    """A dot per city. Actions entered without coordinates (by organisers, or the demo) are
    placed at their city from the gazetteer, if its index is written: a page never waits
    for it to be built. The rest are counted in the table, not placed."""
    places: dict[tuple[str, str], list[tuple[Event, float, float]]] = defaultdict(list)
    gazetteer = gazetteer_index_path().exists()
    looked_up: dict[tuple[str, str], tuple[Decimal, Decimal] | None] = {}
    for event in events:
        key = (str(event.country), event.city.casefold() or f"#{event.pk}")  # no city: its own
        if event.latitude is not None and event.longitude is not None:
            places[key].append((event, float(event.longitude), float(event.latitude)))
        elif gazetteer and event.city and event.country:
            if key not in looked_up:
                looked_up[key] = city_coordinates(event.city, str(event.country))
            found = looked_up[key]
            if found is not None:
                places[key].append((event, float(found[1]), float(found[0])))
    points = []
    for place in places.values():
        first, count = place[0][0], len(place)
        name = str(first.city or first.venue or first.text.title)
        points.append(
            MapPoint(
                longitude=sum(longitude for _e, longitude, _lat in place) / count,
                latitude=sum(latitude for _e, _lon, latitude in place) / count,
                label=name,
                # The page's own counter, so that every language already has it.
                title=f"{name}: "
                + ngettext("%(counter)s action", "%(counter)s actions", count) % {"counter": count},
                count=count,
            )
        )
    return points


@private_page
def day_propose(request: HttpRequest, slug: str) -> HttpResponse:
    day = day_of_action_get_public(slug=slug)
    if not day.takes_proposals:
        raise Http404
    form = ProposalForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        cleaned = form.cleaned_data
        if cleaned["website"]:
            return redirect("events:proposal-sent", slug=day.slug)  # a bot: nothing stored
        with refusal_as_form_error(form, EventError, ValidationError):
            event_propose(
                day=day,
                title=cleaned["title"],
                description=cleaned["description"],
                venue=cleaned["venue"],
                address=cleaned["address"],
                city=cleaned["city"],
                country=cleaned["country"],
                latitude=cleaned["latitude"],
                longitude=cleaned["longitude"],
                starts_at=cleaned["starts_at"],
                ends_at=cleaned["ends_at"],
                zone_name=cleaned["timezone"],
                host_name=cleaned["host_name"],
                host_email=cleaned["host_email"],
                language=request.LANGUAGE_CODE,
            )
            # The host's page is reached only from the email: the address is theirs.
            return redirect("events:proposal-sent", slug=day.slug)
    return form_page(request, "events/propose.html", form, {"day": day})


@private_page
def proposal_sent(request: HttpRequest, slug: str) -> HttpResponse:
    day = day_of_action_get_public(slug=slug)
    return private_response(render(request, "events/proposal_sent.html", {"day": day}))


@private_page
def host_page(request: HttpRequest, token: str) -> HttpResponse:
    """A supporter host's private page: their action's status, who comes, a message to them."""
    event = event_for_host_token(token)
    if event is None:
        return _invalid_link(request)
    form = HostMessageForm()
    if request.method == "POST":
        # Mail scanners and link previews open the emailed link: only this POST changes anything.
        if (refusal := cross_site_refusal(request)) is not None:
            return refusal
        if request.POST.get("action") == "publish":
            if event_publish_by_trusted_host(event=event):
                messages.success(request, _("Your action is published."))
            return redirect(request.path)
        form = HostMessageForm(request.POST)
        if event.status != Event.Status.PUBLISHED:
            form.add_error(None, _("You can write to attendees once your action is published."))
        elif form.is_valid():
            with refusal_as_form_error(form, EventError):
                sent = host_message_send(
                    event=event,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                )
                messages.success(
                    request,
                    _("Your message is on its way to %(count)s people.") % {"count": sent},
                )
                return redirect(request.path)
    attendees = Rsvp.objects.filter(event=event).exclude(status=Rsvp.Status.CANCELLED)
    return form_page(
        request,
        "events/host.html",
        form,
        {
            "event": event,
            "attendees": attendees,
            "now": datetime.now(UTC),
            "can_publish": event.status == Event.Status.PROPOSED and host_is_trusted(event=event),
        },
    )
