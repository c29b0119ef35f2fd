"""Organisers' view of their people: who acted on their campaigns or agreed to hear
from them, and nobody else's.

The list reads one indexed table (`OrganisationSupporter`), counts at most
10,000 rows per page view (`CappedPaginator`) and decrypts only the names on the
page shown. A person is found by their exact address through its blind index;
a name is looked for among the most recent people only, since names are
encrypted and cannot be searched in SQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.helpers import ActionForm
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries import countries

from solidaria.core.console.paginator import CappedPaginator
from solidaria.core.privacy import pii
from solidaria.core.privacy.audit import audit_log
from solidaria.core.rendering.csvstream import csv_lines
from solidaria.core.web.middleware import private_response
from solidaria.organisations.admin_scoping import OrganisationScopedAdmin, organisation_ids
from solidaria.organisations.models import Organisation
from solidaria.organisations.selectors import EDIT_ROLES, organisations_for_user

from .exceptions import SupporterError
from .models import OrganisationSupporter, Segment, Supporter, Tag
from .registry import registered
from .selectors import PEOPLE_CRITERIA, people_filtered, person_of, segment_people
from .services import people_tag, person_record_update, segment_save

# Any: Django's admin hooks pass their querysets and forms untyped.

NAME_SEARCH_WINDOW = 1000  # the most recent people a name is looked for among


def _organisation_ids(request: HttpRequest) -> list[int]:
    return sorted(organisation_ids(request))


class OrganisationFilter(admin.SimpleListFilter):
    """For staff of several organisations: each keeps its own list of people."""

    title = _("organisation")
    parameter_name = "organisation"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        organisations = organisations_for_user(request.user).order_by("name")
        return [(str(o.pk), o.name) for o in organisations[:100]]

    def has_output(self) -> bool:
        return len(self.lookup_choices) > 1

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        return queryset.filter(organisation_id=int(value)) if value.isdigit() else queryset.none()


class ConsentFilter(admin.SimpleListFilter):
    title = _("agreed to hear from us")
    parameter_name = "agreed"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return people_filtered(queryset, {self.parameter_name: self.value() or ""})


class TookPartFilter(admin.SimpleListFilter):
    """Signed petition X, gave to fund Y, registered for event Z: from every app."""

    title = _("took part in")
    parameter_name = "took_part"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        ids = _organisation_ids(request)
        return [
            (f"{entry.app_label}:{key}", label)
            for entry in registered()
            if entry.took_part_choices is not None
            for key, label in entry.took_part_choices(ids)
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return people_filtered(queryset, {self.parameter_name: self.value() or ""})


class TagFilter(admin.SimpleListFilter):
    title = _("tag")
    parameter_name = "tag"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        tags = Tag.objects.filter(organisation_id__in=_organisation_ids(request))
        return [(str(tag.pk), tag.name) for tag in tags[:200]]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return people_filtered(queryset, {self.parameter_name: self.value() or ""})


class CountryFilter(admin.SimpleListFilter):
    title = _("country")
    parameter_name = "country"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        ids = _organisation_ids(request)
        key = "people-countries:" + ",".join(map(str, ids))
        present = cache.get(key)
        if present is None:  # a DISTINCT over every person: at most every 10 minutes
            present = list(
                OrganisationSupporter.objects.filter(organisation_id__in=ids)
                .exclude(supporter__country="")
                .values_list("supporter__country", flat=True)
                .order_by()
                .distinct()[:250]
            )
            cache.set(key, present, 600)
        return sorted(((code, countries.name(code)) for code in present), key=lambda c: c[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return people_filtered(queryset, {self.parameter_name: self.value() or ""})


class TagActionForm(ActionForm):
    tag = forms.CharField(label=_("Tag"), max_length=60, required=False)


class PersonForm(forms.ModelForm[OrganisationSupporter]):
    class Meta:
        model = OrganisationSupporter
        fields = ["tags", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}


@admin.register(OrganisationSupporter)
class OrganisationSupporterAdmin(OrganisationScopedAdmin[OrganisationSupporter]):
    form = PersonForm
    action_form = TagActionForm
    paginator = CappedPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER  # a count per filter choice, over a million rows
    list_per_page = 50
    list_display = [
        "name",
        "organisation",
        "country",
        "language",
        "first_seen",
        "last_action_at",
        "actions",
        "consent_since",
        "tag_names",
    ]
    list_display_links = ["name"]
    list_select_related = ["supporter", "organisation"]
    list_filter = [
        OrganisationFilter,
        ConsentFilter,
        TookPartFilter,
        TagFilter,
        CountryFilter,
        "supporter__language",
        ("last_action_at", admin.DateFieldListFilter),
    ]
    search_fields = ["supporter__email_index"]  # see get_search_results
    search_help_text = _(
        "An exact email address, or a name among the 1,000 people who acted most recently."
    )
    ordering = ["-last_action_at", "-id"]
    fields = ["person", "timeline", "tags", "notes"]
    readonly_fields = ["person", "timeline"]
    filter_horizontal = ["tags"]
    actions = ["add_tag", "remove_tag", "export_csv", "export_csv_agreed"]

    change_list_template = "admin/supporters/people_change_list.html"

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path("save-segment/", view(self.save_segment_view), name="supporters_save_segment"),
            *super().get_urls(),
        ]

    def save_segment_view(self, request: HttpRequest) -> HttpResponse:
        """The people list's filters, saved under a name for one of the staff member's
        organisations (the ones they may edit)."""
        organisations = organisations_for_user(request.user, roles=EDIT_ROLES)
        if not organisations.exists():
            raise PermissionDenied
        source = request.POST if request.method == "POST" else request.GET
        query = {name: source.get(name, "") for name in PEOPLE_CRITERIA}
        form = SaveSegmentForm(request.POST if request.method == "POST" else None)
        choices = cast(forms.ModelChoiceField[Organisation], form.fields["organisation"])
        choices.queryset = organisations
        if source.get("organisation", "").isdigit():
            form.fields["organisation"].initial = int(source["organisation"])
        if request.method == "POST" and form.is_valid():
            try:
                segment = segment_save(
                    organisation=form.cleaned_data["organisation"],
                    name=form.cleaned_data["name"],
                    query=query,
                    actor=request.user,
                )
            except SupporterError as exc:
                form.add_error(None, str(exc))
            else:
                count = segment_people(segment).count()
                if count:
                    self.message_user(
                        request,
                        ngettext(
                            "Segment saved: %(count)d person now.",
                            "Segment saved: %(count)d people now.",
                            count,
                        )
                        % {"count": count},
                        messages.SUCCESS,
                    )
                else:
                    self.message_user(
                        request,
                        _("Segment saved. It holds nobody yet: people join it as they act."),
                        messages.WARNING,
                    )
                return redirect("admin:supporters_segment_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": _("Save these filters as a segment"),
            "form": form,
            "query": {name: value for name, value in query.items() if value},
            "criteria_text": _criteria_text({k: v for k, v in query.items() if v}),
            "opts": self.model._meta,
        }
        return render(
            request,
            "admin/supporters/save_segment.html",
            context,
            status=400 if form.is_bound and form.errors else 200,
        )

    def get_queryset(self, request: HttpRequest) -> QuerySet[OrganisationSupporter]:
        # Not the scoped admin's DISTINCT: one row per person and organisation already,
        # and DISTINCT would stop the database from walking the list's index.
        # The organisations as values, not a subquery: with one organisation the
        # database walks its index in the list's order and stops after a page.
        # No join to the supporter either: erasure deletes a person's records, so
        # counting a page walks this table's index alone.
        people = OrganisationSupporter.objects.all()
        if not request.user.is_superuser:
            ids = _organisation_ids(request)
            people = (
                people.filter(organisation_id=ids[0])
                if len(ids) == 1
                else people.filter(organisation_id__in=ids)
            )
        return people.prefetch_related("tags")

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: OrganisationSupporter | None = None
    ) -> bool:
        return False  # erasure belongs to the person, or to the data protection role

    def _may_edit(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser or organisation_ids(request, EDIT_ROLES))

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        if not self._may_edit(request):  # viewers neither tag nor export
            return {}
        return actions

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[OrganisationSupporter], search_term: str
    ) -> tuple[QuerySet[OrganisationSupporter], bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        if "@" in term:
            # The person first (one row, by its unique index), then their records:
            # the database never has to choose between two indexes of a million rows.
            found_ids = list(
                Supporter.objects.filter(email_index__in=pii.email_indexes(term)).values_list(
                    "pk", flat=True
                )
            )
            return queryset.filter(supporter_id__in=found_ids), False
        wanted = term.casefold()
        recent = queryset.order_by("-last_action_at", "-id")[:NAME_SEARCH_WINDOW]
        found = [r.pk for r in recent if wanted in (r.supporter.name or "").casefold()]
        return queryset.filter(pk__in=found), False

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "tags":
            kwargs["queryset"] = Tag.objects.filter(organisation_id__in=_organisation_ids(request))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: OrganisationSupporter, form: Any, change: bool
    ) -> None:
        pass  # saved with its tags in save_related, through the service

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        try:
            person_record_update(
                record=form.instance,
                tags=list(form.cleaned_data["tags"]),
                notes=form.cleaned_data["notes"],
                actor=request.user,
            )
        except SupporterError as exc:
            raise PermissionDenied(str(exc)) from exc

    # Columns

    @admin.display(description=mark_safe('<input type="checkbox" id="action-toggle">'))
    def action_checkbox(self, obj: OrganisationSupporter) -> SafeString:
        # The admin's own renders a form widget through the template engine for
        # every row, a fifth of the page's time; this is the same markup.
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            _("Select this object for an action - {}").format(obj),
        )

    @admin.display(description=_("name"))
    def name(self, obj: OrganisationSupporter) -> str:
        return obj.supporter.name or "—"

    @admin.display(description=_("country"))
    def country(self, obj: OrganisationSupporter) -> str:
        return str(obj.supporter.country.name) if obj.supporter.country else ""

    @admin.display(description=_("language"))
    def language(self, obj: OrganisationSupporter) -> str:
        return obj.supporter.language

    @admin.display(description=_("tags"))
    def tag_names(self, obj: OrganisationSupporter) -> str:
        return ", ".join(tag.name for tag in obj.tags.all())

    @admin.display(description=_("person"))
    def person(self, obj: OrganisationSupporter) -> str:
        supporter = obj.supporter
        shown = format_html(
            "{}<br>{}<br>{} · {}",
            supporter.name or "—",
            supporter.email,
            str(supporter.country.name) if supporter.country else "—",
            supporter.language,
        )
        if supporter.undeliverable_since is None:
            return shown
        return format_html(
            "{}<br><strong>{}</strong><br><span class='help'>{}</span>",
            shown,
            _("Undeliverable since %(date)s (%(reason)s)")
            % {
                "date": timezone.localtime(supporter.undeliverable_since).strftime("%Y-%m-%d"),
                "reason": supporter.get_undeliverable_reason_display(),
            },
            _("No mailing reaches this person until they confirm their address on their own page."),
        )

    @admin.display(description=_("what they did with us"))
    def timeline(self, obj: OrganisationSupporter) -> str:
        person = person_of(obj.supporter)
        actions = sorted(
            (
                action
                for entry in registered()
                for action in entry.actions(person)
                if action.organisation_id == obj.organisation_id
            ),
            key=lambda action: action.at,
            reverse=True,
        )
        consents = obj.supporter.consents.filter(organisation_id=obj.organisation_id)
        rows = [(a.at, a.what, a.status) for a in actions] + [
            (
                c.given_at,
                _("Agreed to hear from us (wording v%(version)s)")
                % {"version": c.consent_text.version},
                _("withdrawn %(date)s") % {"date": c.withdrawn_at.date()} if c.withdrawn_at else "",
            )
            for c in consents.select_related("consent_text")
        ]
        if not rows:
            return str(_("Nothing yet."))
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} · {} <span class='meta'>{}</span></li>",
                (
                    (timezone.localtime(at).strftime("%Y-%m-%d"), what, status)
                    for at, what, status in sorted(rows, key=lambda row: row[0], reverse=True)
                ),
            ),
        )

    # Actions

    def _editable(
        self, request: HttpRequest, queryset: QuerySet[OrganisationSupporter]
    ) -> QuerySet[OrganisationSupporter]:
        if request.user.is_superuser:
            return queryset
        return queryset.filter(organisation_id__in=organisation_ids(request, EDIT_ROLES))

    def _tag(self, request: HttpRequest, queryset: QuerySet[Any], *, add: bool) -> None:
        name = request.POST.get("tag", "")
        try:
            changed = people_tag(
                people=self._editable(request, queryset), name=name, add=add, actor=request.user
            )
        except SupporterError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(
            request,
            ngettext("%(count)d person changed.", "%(count)d people changed.", changed)
            % {"count": changed},
            messages.SUCCESS,
        )

    @admin.action(description=_("Add the tag typed beside to the selected people"))
    def add_tag(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._tag(request, queryset, add=True)

    @admin.action(description=_("Remove the tag typed beside from the selected people"))
    def remove_tag(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        self._tag(request, queryset, add=False)

    def _export(self, request: HttpRequest, queryset: QuerySet[Any]) -> StreamingHttpResponse:
        people = self._editable(request, queryset).select_related("supporter", "organisation")
        organisations = Organisation.objects.filter(
            pk__in=people.values("organisation_id").distinct()
        )
        for organisation in organisations:
            audit_log(
                action="people.exported",
                actor=request.user,
                organisation=organisation,
                data={"people": people.filter(organisation=organisation).count()},
            )
        response = StreamingHttpResponse(
            csv_lines(EXPORT_HEADER, _export_rows(people)),
            content_type="text/csv; charset=utf-8",
        )
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="people-{stamp}.csv"'
        return private_response(response)

    @admin.action(description=_("Export the selected people (CSV)"))
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Any]) -> StreamingHttpResponse:
        return self._export(request, queryset)

    @admin.action(description=_("Export those who agreed to hear from us (CSV)"))
    def export_csv_agreed(
        self, request: HttpRequest, queryset: QuerySet[Any]
    ) -> StreamingHttpResponse:
        return self._export(request, queryset.filter(consent_since__isnull=False))


EXPORT_HEADER = [
    "organisation",
    "name",
    "email",
    "country",
    "language",
    "first_seen",
    "last_action",
    "actions",
    "agreed_to_hear_from_us_since",
    "tags",
]


def _export_rows(people: QuerySet[OrganisationSupporter]) -> Iterator[list[object]]:
    for record in people.prefetch_related("tags").iterator(chunk_size=2000):
        supporter = record.supporter
        yield [
            record.organisation.name,
            supporter.name,
            supporter.email,
            str(supporter.country),
            supporter.language,
            record.first_seen.isoformat(),
            record.last_action_at.isoformat() if record.last_action_at else "",
            record.actions,
            record.consent_since.isoformat() if record.consent_since else "",
            ", ".join(tag.name for tag in record.tags.all()),
        ]


@admin.register(Tag)
class TagAdmin(OrganisationScopedAdmin[Tag]):
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["name"]


class SaveSegmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )


def _criteria_text(criteria: dict[str, str]) -> str:
    if not criteria:
        return str(_("everyone"))
    return "; ".join(
        f"{name.replace('supporter__', '').replace('_', ' ')}: {value}"
        for name, value in sorted(criteria.items())
    )


@admin.register(Segment)
class SegmentAdmin(OrganisationScopedAdmin[Segment]):
    """Saved choices of people. Made from the people list ("Save these filters as a
    segment"); here they are renamed, counted and opened."""

    list_display = ["name", "organisation", "people_count", "criteria_text", "people_link"]
    list_filter = ["organisation"]
    fields = ["name", "organisation", "criteria_text", "people_count", "people_link"]
    readonly_fields = ["organisation", "criteria_text", "people_count", "people_link"]

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False

    @admin.display(description=_("people now"))
    def people_count(self, obj: Segment) -> str:
        capped = segment_people(obj)[: CappedPaginator.CAP + 1].count()
        return f"{CappedPaginator.CAP:,}+" if capped > CappedPaginator.CAP else f"{capped:,}"

    @admin.display(description=_("criteria"))
    def criteria_text(self, obj: Segment) -> str:
        return _criteria_text(obj.criteria)

    @admin.display(description=_("list"))
    def people_link(self, obj: Segment) -> str:
        query = urlencode({**obj.criteria, "organisation": obj.organisation_id})
        url = reverse("admin:supporters_organisationsupporter_changelist")
        return format_html('<a href="{}?{}">{}</a>', url, query, _("See them"))
