from __future__ import annotations

from collections.abc import Iterator
from datetime import time, timedelta
from typing import Any, ClassVar, TypedDict
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_stubs_ext import WithAnnotations

from solidaria.core.admin import staff_user
from solidaria.core.privacy.audit import audit_log
from solidaria.core.rendering.csvstream import csv_lines
from solidaria.core.rendering.i18n import I18nModelForm, language_codes, show_languages
from solidaria.core.rendering.worldmap import world_map_svg
from solidaria.core.web.middleware import private_response
from solidaria.organisations.admin_scoping import OrganisationScopedAdmin

from .forms import zone_choices
from .models import Cosponsor, DayOfAction, Event, Rsvp
from .services import (
    cosponsor_decide,
    event_cancel,
    event_update,
    proposal_decide,
    rsvp_mark_attendance,
)
from .zones import local_to_utc

# Any: Django's form hooks take their options as **kwargs and clean() returns each
# field's own type, as Django's signatures say.


class _DayCounts(TypedDict):
    """What DayOfActionAdmin's queryset adds to each day."""

    published_actions: int
    waiting: int


class _CountryRow(TypedDict):
    country: str
    actions: int
    registered: int
    attended: int


class EventAdminForm(I18nModelForm[Event]):
    """Times as the organisers think of them: a date and clock times in the event's zone."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}))
    timezone = forms.ChoiceField(label=_("Time zone"), choices=zone_choices)
    online_url = forms.URLField(
        label=_("link to join"),
        required=False,
        assume_scheme="https",
        help_text=_("Shown only to registered attendees, never on the public page."),
    )

    class Meta:
        model = Event
        fields = [
            "campaign",
            "day_of_action",
            "slug",
            "title",
            "description",
            "kind",
            "date",
            "start",
            "end",
            "timezone",
            "venue",
            "address",
            "city",
            "country",
            "latitude",
            "longitude",
            "capacity",
            "online_url",
            "host",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        show_languages(
            self.fields, self.instance.campaign.languages if self.instance.pk else language_codes()
        )
        if self.instance.pk:
            start, end = self.instance.local_start, self.instance.local_end
            self.initial.update(
                date=start.date(),
                start=start.time().replace(tzinfo=None),
                end=end.time().replace(tzinfo=None),
                timezone=self.instance.timezone,
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, start, end, zone = (cleaned.get(k) for k in ("date", "start", "end", "timezone"))
        if day and isinstance(start, time) and isinstance(end, time) and zone:
            try:
                starts_at = local_to_utc(day, start, zone)
                # An end earlier on the clock than the start is the next morning.
                end_day = day + timedelta(days=1) if end < start else day
                ends_at = local_to_utc(end_day, end, zone)
            except ValidationError as exc:
                self.add_error("start", exc)
                return cleaned
            if ends_at <= starts_at:
                self.add_error("end", _("The end must come after the start."))
            is_new = self.instance.pk is None
            moved = not is_new and starts_at != self.instance.starts_at
            if (is_new or moved) and starts_at <= timezone.now():
                self.add_error("date", _("A new event cannot be in the past."))
            self.instance.starts_at, self.instance.ends_at = starts_at, ends_at
            self.instance.timezone = zone
        if cleaned.get("kind") == Event.Kind.IN_PERSON and not cleaned.get("city"):
            self.add_error("city", _("Where does it happen? Give at least the city."))
        capacity = cleaned.get("capacity")
        if capacity is not None and self.instance.pk and capacity < self.instance.seats_taken:
            self.add_error(
                "capacity",
                _("%(taken)s places are already taken: the capacity cannot be lower.")
                % {"taken": self.instance.seats_taken},
            )
        return cleaned


class CosponsorInline(admin.TabularInline[Cosponsor, Event]):
    model = Cosponsor
    extra = 0
    fields = ["name", "country", "website", "status", "created_at"]
    readonly_fields = ["name", "country", "website", "status", "created_at"]
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Event | None = None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(OrganisationScopedAdmin[Event]):
    form = EventAdminForm
    inlines = [CosponsorInline]
    organisation_lookup = "campaign__owner"
    scoped_foreign_keys: ClassVar[dict[str, str]] = {
        "campaign": "owner",
        "day_of_action": "campaign__owner",
    }
    list_display = [
        "__str__",
        "when",
        "city",
        "country",
        "status",
        "registered",
        "waiting",
        "tools",
    ]
    list_filter = [
        "status",
        "kind",
        ("day_of_action", admin.RelatedOnlyFieldListFilter),
        ("campaign", admin.RelatedOnlyFieldListFilter),
        "country",
    ]
    list_select_related = ["campaign"]
    search_fields = ["slug", "city", "venue"]
    date_hierarchy = "starts_at"
    actions = ["approve_proposals", "approve_and_trust", "decline_proposals", "cancel_events"]
    readonly_fields = ["personal_data_retention"]

    def save_model(
        self, request: HttpRequest, obj: Event, form: EventAdminForm, change: bool
    ) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        update = event_update(event=obj, actor=request.user)
        if update.told:
            self.message_user(
                request,
                ngettext(
                    "%(count)d person registered was told the new time.",
                    "%(count)d people registered were told the new time.",
                    update.told,
                )
                % {"count": update.told},
            )
        if update.promoted:
            self.message_user(
                request,
                ngettext(
                    "%(count)d person moved from the waiting list to a place.",
                    "%(count)d people moved from the waiting list to a place.",
                    len(update.promoted),
                )
                % {"count": len(update.promoted)},
            )

    @admin.display(description=_("when"), ordering="starts_at")
    def when(self, event: Event) -> str:
        start = event.local_start
        return f"{start:%Y-%m-%d %H:%M} {event.timezone}"

    @admin.display(description=_("personal data"))
    def personal_data_retention(self, event: Event) -> str:
        if event.pk is None:
            return str(
                _(
                    "Attendees' and the host's personal data will be erased when the "
                    "campaign's retention period after the event ends is over."
                )
            )
        months = event.campaign.retention_months
        erased_at = event.personal_data_erased_at
        if erased_at is not None and event.personal_data_erased:
            message = ngettext(
                "Attendees' and the host's personal data was erased on %(date)s "
                "(%(months)d month after the event ended).",
                "Attendees' and the host's personal data was erased on %(date)s "
                "(%(months)d months after the event ended).",
                months,
            )
            when = erased_at
        else:
            message = ngettext(
                "Attendees' and the host's personal data will be erased on %(date)s "
                "(%(months)d month after the event ends).",
                "Attendees' and the host's personal data will be erased on %(date)s "
                "(%(months)d months after the event ends).",
                months,
            )
            when = event.personal_data_kept_until
        return message % {"date": formats.date_format(timezone.localtime(when)), "months": months}

    @admin.display(description=_("places taken"))
    def registered(self, event: Event) -> str:
        return f"{event.seats_taken}/{event.capacity}" if event.capacity else str(event.seats_taken)

    @admin.display(description=_("tools"))
    def tools(self, event: Event) -> str:
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:events_event_checkin", args=[event.pk]),
            _("check-in"),
            reverse("admin:events_rsvp_changelist") + f"?event__id__exact={event.pk}",
            _("attendance list"),
            reverse("admin:events_event_export", args=[event.pk]),
            _("CSV"),
        )

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/checkin/", view(self.checkin_view), name="events_event_checkin"),
            path("<int:pk>/export.csv", view(self.export_view), name="events_event_export"),
            *super().get_urls(),
        ]

    def _event(self, request: HttpRequest, pk: int, *, change: bool) -> Event:
        return self.object_for(request, pk, change=change, related="campaign__owner")

    def checkin_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """For the day itself, on a phone: search a name, mark attended or no-show."""
        event = self._event(request, pk, change=request.method == "POST")
        if request.method == "POST":
            rsvp_id = request.POST.get("rsvp", "")
            if not rsvp_id.isdigit():
                raise Http404
            rsvp = get_object_or_404(Rsvp, pk=int(rsvp_id), event=event)
            choice = request.POST.get("attended")
            rsvp_mark_attendance(
                rsvp=rsvp,
                attended={"yes": True, "no": False}.get(choice or ""),
                actor=request.user,
            )
            query = request.POST.get("q", "")
            return HttpResponseRedirect(
                f"{request.path}?{urlencode({'q': query})}" if query else request.path
            )
        query = request.GET.get("q", "").strip().casefold()
        rsvps = [
            rsvp
            for rsvp in Rsvp.objects.filter(event=event, status=Rsvp.Status.CONFIRMED).order_by(
                "pk"
            )
            if not query or query in rsvp.name.casefold()
        ]
        rsvps.sort(key=lambda rsvp: rsvp.name.casefold())
        context = {
            **self.admin_site.each_context(request),
            "title": _("Check-in: %(event)s") % {"event": event},
            "event": event,
            "rsvps": rsvps,
            "query": request.GET.get("q", ""),
            "present": sum(r.seats for r in rsvps if r.attended),
            "opts": self.model._meta,
        }
        return render(request, "admin/events/checkin.html", context)

    def export_view(self, request: HttpRequest, pk: int) -> StreamingHttpResponse:
        event = self._event(request, pk, change=True)
        audit_log(
            action="rsvps.exported",
            actor=request.user,
            obj=event,
            organisation=event.campaign.owner,
        )
        response = StreamingHttpResponse(
            rsvp_csv_rows(Rsvp.objects.filter(event=event).order_by("pk")),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{event.slug}-attendees.csv"'
        return private_response(response)

    def _decide(
        self, request: HttpRequest, queryset: QuerySet[Event], *, approve: bool, trust: bool
    ) -> None:
        done = sum(
            1
            for event in queryset.filter(status=Event.Status.PROPOSED)
            if self.has_change_permission(request, event)
            and proposal_decide(
                event=event, approve=approve, trust=trust, actor=staff_user(request)
            )
        )
        self.message_user(
            request,
            ngettext("%(count)d proposal decided.", "%(count)d proposals decided.", done)
            % {"count": done},
        )

    @admin.action(description=_("Publish selected proposals"))
    def approve_proposals(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        self._decide(request, queryset, approve=True, trust=False)

    @admin.action(description=_("Publish selected proposals and trust their hosts next time"))
    def approve_and_trust(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        self._decide(request, queryset, approve=True, trust=True)

    @admin.action(description=_("Decline selected proposals"))
    def decline_proposals(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        self._decide(request, queryset, approve=False, trust=False)

    @admin.action(description=_("Cancel selected events and tell everyone registered"))
    def cancel_events(self, request: HttpRequest, queryset: QuerySet[Event]) -> None:
        told = sum(
            event_cancel(event=event, actor=request.user)
            for event in queryset
            if self.has_change_permission(request, event)
        )
        self.message_user(
            request,
            ngettext("%(count)d person told.", "%(count)d people told.", told) % {"count": told},
            messages.WARNING,
        )


RSVP_CSV_HEADER = ["name", "email", "phone", "guests", "status", "attended", "registered_at"]


def rsvp_csv_rows(queryset: QuerySet[Rsvp]) -> Iterator[str]:
    return csv_lines(
        RSVP_CSV_HEADER,
        (
            [
                rsvp.name,
                rsvp.email,
                rsvp.phone,
                rsvp.guests,
                rsvp.status,
                {True: "yes", False: "no"}.get(rsvp.attended, ""),  # type: ignore[arg-type]  # None: ""
                rsvp.created_at.isoformat(),
            ]
            for rsvp in queryset.iterator(chunk_size=2000)
        ),
    )


@admin.register(Rsvp)
class RsvpAdmin(OrganisationScopedAdmin[Rsvp]):
    organisation_lookup = "event__campaign__owner"
    list_display = ["name", "event", "status", "guests", "attended", "created_at"]
    list_filter = ["status", "attended", ("event", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["event__campaign"]
    actions = ["mark_attended", "mark_no_show"]
    fields = ["event", "status", "name", "email", "phone", "guests", "attended", "created_at"]
    readonly_fields = ["event", "status", "name", "email", "phone", "guests", "created_at"]

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Rsvp | None = None) -> bool:
        return False

    def _mark(self, request: HttpRequest, queryset: QuerySet[Rsvp], attended: bool) -> None:
        done = 0
        for rsvp in queryset.select_related("event__campaign__owner"):
            if self.has_change_permission(request, rsvp):
                rsvp_mark_attendance(rsvp=rsvp, attended=attended, actor=request.user)
                done += 1
        self.message_user(
            request,
            ngettext("%(count)d registration marked.", "%(count)d registrations marked.", done)
            % {"count": done},
        )

    @admin.action(description=_("Mark selected as attended"))
    def mark_attended(self, request: HttpRequest, queryset: QuerySet[Rsvp]) -> None:
        self._mark(request, queryset, True)

    @admin.action(description=_("Mark selected as no-show"))
    def mark_no_show(self, request: HttpRequest, queryset: QuerySet[Rsvp]) -> None:
        self._mark(request, queryset, False)


@admin.register(Cosponsor)
class CosponsorAdmin(OrganisationScopedAdmin[Cosponsor]):
    organisation_lookup = "event__campaign__owner"
    list_display = ["name", "country", "event", "status", "created_at"]
    list_select_related = ["event__campaign"]
    list_filter = ["status", ("event", admin.RelatedOnlyFieldListFilter)]
    fields = readonly_fields = (
        "event",
        "name",
        "country",
        "website",
        "contact_name",
        "contact_email",
        "status",
    )
    actions = ["approve", "decline"]

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False

    def _decide(self, request: HttpRequest, queryset: QuerySet[Cosponsor], approve: bool) -> None:
        done = sum(
            1
            for cosponsor in queryset.select_related("event__campaign__owner")
            if self.has_change_permission(request, cosponsor)
            and cosponsor_decide(cosponsor=cosponsor, approve=approve, actor=request.user)
        )
        self.message_user(
            request,
            ngettext("%(count)d request decided.", "%(count)d requests decided.", done)
            % {"count": done},
        )

    @admin.action(description=_("Approve selected co-sponsors"))
    def approve(self, request: HttpRequest, queryset: QuerySet[Cosponsor]) -> None:
        self._decide(request, queryset, True)

    @admin.action(description=_("Decline selected co-sponsors"))
    def decline(self, request: HttpRequest, queryset: QuerySet[Cosponsor]) -> None:
        self._decide(request, queryset, False)


class DayOfActionForm(I18nModelForm[DayOfAction]):
    class Meta:
        model = DayOfAction
        fields = [
            "campaign",
            "slug",
            "title",
            "description",
            "date",
            "takes_proposals",
            "published",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        show_languages(
            self.fields, self.instance.campaign.languages if self.instance.pk else language_codes()
        )


@admin.register(DayOfAction)
class DayOfActionAdmin(OrganisationScopedAdmin[DayOfAction]):
    form = DayOfActionForm
    organisation_lookup = "campaign__owner"
    scoped_foreign_keys: ClassVar[dict[str, str]] = {"campaign": "owner"}
    list_display = ["__str__", "date", "campaign", "actions_published", "proposals", "report"]
    list_select_related = ["campaign"]
    list_filter = [("campaign", admin.RelatedOnlyFieldListFilter)]

    def get_queryset(self, request: HttpRequest) -> QuerySet[DayOfAction]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                published_actions=Count("events", filter=Q(events__status=Event.Status.PUBLISHED)),
                waiting=Count("events", filter=Q(events__status=Event.Status.PROPOSED)),
            )
        )

    @admin.display(description=_("actions"))
    def actions_published(self, day: WithAnnotations[DayOfAction, _DayCounts]) -> int:
        return int(day.published_actions)

    @admin.display(description=_("waiting for moderation"))
    def proposals(self, day: WithAnnotations[DayOfAction, _DayCounts]) -> str:
        url = reverse("admin:events_event_changelist")
        return format_html(
            '<a href="{}?day_of_action__id__exact={}&status__exact=proposed">{}</a>',
            url,
            day.pk,
            day.waiting,
        )

    @admin.display(description=_("report"))
    def report(self, day: DayOfAction) -> str:
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:events_dayofaction_report", args=[day.pk]),
            _("counts"),
        )

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/report/", view(self.report_view), name="events_dayofaction_report"),
            *super().get_urls(),
        ]

    def report_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Actions, registrations and attendance per country for one day."""
        day = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_view_permission(request, day):
            raise PermissionDenied
        published = Event.objects.filter(day_of_action=day, status=Event.Status.PUBLISHED)
        rows = (
            published.values("country")
            .annotate(actions=Count("pk"), registered=Sum("seats_taken"))
            .order_by("-actions", "country")
        )
        # Counted apart: joining registrations would multiply the sums above.
        attended = dict(
            Rsvp.objects.filter(event__in=published, attended=True)
            .values("event__country")
            .annotate(people=Sum(F("guests") + 1))
            .values_list("event__country", "people")
        )
        by_country: list[_CountryRow] = [
            {
                **row,
                "registered": row["registered"] or 0,
                "attended": attended.get(row["country"], 0),
            }
            for row in rows
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("Day of action: %(day)s") % {"day": day},
            "day": day,
            "rows": by_country,
            "world_map": world_map_svg(
                {row["country"]: row["actions"] for row in by_country if row["country"]},
                label=str(_("Actions by country")),
            ),
            "opts": self.model._meta,
        }
        return render(request, "admin/events/day_report.html", context)
