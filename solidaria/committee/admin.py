"""Organisers' console for committees: the committee and its list of skills, its
members (filters, an audited export), proposals (moderation buttons on the
proposal's own page, publishing in bulk) and their comments; the contact inbox
is in admin_inbox.py.

Every change to members, proposals and comments goes through the services, which
check the role and write the audit entries; the pages here only ask, call one
service and say what happened. Staff see their own organisations' committees
only; viewers read and never moderate. Members' names, addresses and cities are
decrypted on a member's own page only, never in a list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django.contrib import admin, messages
from django.db.models import Count, ForeignKey, Model, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.forms import ModelChoiceField
from django.forms.models import BaseInlineFormSet, ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.template.defaultfilters import linebreaksbr
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_countries import countries
from i18nfield.fields import I18nCharField
from i18nfield.forms import I18nTextInput

from solidaria.campaigns.models import Campaign
from solidaria.core.admin import staff_user
from solidaria.core.privacy import pii
from solidaria.core.privacy.audit import audit_log
from solidaria.core.rendering.csvstream import csv_lines
from solidaria.core.rendering.i18n import I18nModelForm, language_codes, localize, show_languages
from solidaria.core.web.middleware import private_response
from solidaria.organisations.admin_scoping import OrganisationScopedAdmin, organisation_ids
from solidaria.organisations.selectors import EDIT_ROLES, organisations_for_user

from . import admin_inbox  # noqa: F401
from .exceptions import CommitteeError
from .languages import SPOKEN_LANGUAGES, spoken_language_choices, spoken_language_name
from .models import Comment, Committee, Member, Proposal, Skill
from .selectors import committee_countries
from .services import (
    comment_hide,
    comment_show,
    proposal_accept,
    proposal_decline,
    proposal_make_draft,
    proposal_publish,
)

# Any: Django's admin hooks pass their forms, formsets and options untyped, and a
# foreign key's form field is one to any model; these overrides keep its signatures.

_ModelT = TypeVar("_ModelT", bound=Model)

SAVE_BUTTONS_HIDDEN = {
    "show_save": False,
    "show_save_and_continue": False,
    "show_save_and_add_another": False,
    "show_delete": False,
}


def _may_edit(request: HttpRequest, organisation_id: int | None = None) -> bool:
    """Owners and organisers of the organisation (of any of the staff member's, when
    None), and superusers; never viewers."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    allowed = organisation_ids(request, EDIT_ROLES)
    return bool(allowed) if organisation_id is None else organisation_id in allowed


def _committees_for(request: HttpRequest) -> QuerySet[Committee]:
    """The committees whose organisation the staff member belongs to (any role)."""
    committees = Committee.objects.all()
    if request.user.is_superuser:
        return committees
    return committees.filter(organisation_id__in=sorted(organisation_ids(request)))


def _committee_column_if_several(request: HttpRequest, columns: Any) -> list[str]:
    """Committee names are long: their column only for staff who see several
    (asked once per request: the admin asks for the columns more than once)."""
    several = request.__dict__.get("_several_committees")
    if several is None:
        several = request.__dict__["_several_committees"] = _committees_for(request)[:2].count() > 1
    if not several:
        return [name for name in columns if name != "committee"]
    return list(columns)


def _admin_link(obj: Model | None, text: object) -> SafeString | str:
    if obj is None:
        return "—"
    meta = obj._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, text)


class _ReadOnlyPage(OrganisationScopedAdmin[_ModelT]):
    """An object's page that shows, and whose buttons call services: it saves
    nothing itself, so a POST to it (a stale form, a hand-made request) only
    leads back to it."""

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method == "POST":
            return HttpResponseRedirect(request.path)
        extra = {**SAVE_BUTTONS_HIDDEN, **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra)


# --- committees -------------------------------------------------------------------------


class CommitteeAdminForm(I18nModelForm[Committee]):
    class Meta:
        model = Committee
        fields = ["name", "slug", "campaign", "organisation", "is_open", "description", "aims"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        show_languages(
            self.fields, self.instance.campaign.languages if self.instance.pk else language_codes()
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        campaign, organisation = cleaned.get("campaign"), cleaned.get("organisation")
        if (
            campaign is not None
            and organisation is not None
            and organisation.pk != campaign.owner_id
            and not campaign.partners.filter(pk=organisation.pk).exists()
        ):
            self.add_error(
                "organisation",
                _("The committee's organisation must run the campaign or be one of its partners."),
            )
        return cleaned


class SkillInline(admin.TabularInline[Skill, Committee]):
    """The ways members can say they help, in the order the join form lists them.
    Seen by every role, changed by organisers and owners of the committee's
    organisation (the inline asks them, not Django's model permissions)."""

    model = Skill
    extra = 0
    fields = ["key", "label", "position"]
    # Inlines are not i18nfield's admin: its per-language boxes are asked for here.
    formfield_overrides = {I18nCharField: {"widget": I18nTextInput}}

    def get_formset(
        self, request: HttpRequest, obj: Committee | None = None, **kwargs: Any
    ) -> type[BaseInlineFormSet[Skill, Committee, ModelForm[Skill]]]:
        formset = super().get_formset(request, obj, **kwargs)
        show_languages(
            formset.form.base_fields,
            obj.campaign.languages if obj is not None else language_codes(),
        )
        return formset

    def _may_edit(self, request: HttpRequest, obj: Committee | None) -> bool:
        return _may_edit(request, obj.organisation_id if obj is not None else None)

    def has_view_permission(self, request: HttpRequest, obj: Committee | None = None) -> bool:
        return True  # shown only on the page of a committee its reader may see

    def has_add_permission(self, request: HttpRequest, obj: Committee | None = None) -> bool:
        return self._may_edit(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Committee | None = None) -> bool:
        return self._may_edit(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Committee | None = None) -> bool:
        return self._may_edit(request, obj)


@admin.register(Committee)
class CommitteeAdmin(OrganisationScopedAdmin[Committee]):
    form = CommitteeAdminForm
    inlines = [SkillInline]
    list_display = [
        "__str__",
        "campaign",
        "organisation",
        "is_open",
        "members_count",
        "waiting",
        "open_proposals",
    ]
    list_filter = ["is_open", ("organisation", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["campaign", "organisation"]
    search_fields = ["slug"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "campaign", "organisation", "is_open"]}),
        (_("Text"), {"fields": ["description", "aims"]}),
        (_("In numbers"), {"fields": ["members_count", "countries", "proposals", "created_at"]}),
    ]
    readonly_fields = ["members_count", "countries", "proposals", "created_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Committee]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                proposals_waiting=Count(
                    "proposals", filter=Q(proposals__status=Proposal.Status.SUBMITTED)
                ),
                proposals_open=Count("proposals", filter=Q(proposals__status=Proposal.Status.OPEN)),
            )
        )

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField[Any] | None:
        # A committee runs for a campaign its organisation owns or is a partner of.
        if db_field.name == "campaign" and not request.user.is_superuser:
            ours = organisations_for_user(request.user, roles=EDIT_ROLES)
            kwargs["queryset"] = Campaign.objects.filter(
                Q(owner__in=ours) | Q(partners__in=ours)
            ).distinct()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("waiting for moderation"), ordering="proposals_waiting")
    def waiting(self, committee: Committee) -> SafeString:
        url = reverse("admin:committee_proposal_changelist")
        return format_html(
            '<a href="{}?committee__id__exact={}&amp;status__exact=submitted">{}</a>',
            url,
            committee.pk,
            getattr(committee, "proposals_waiting", 0),
        )

    @admin.display(description=_("open for support"), ordering="proposals_open")
    def open_proposals(self, committee: Committee) -> int:
        return int(getattr(committee, "proposals_open", 0))

    @admin.display(description=_("countries"))
    def countries(self, committee: Committee) -> str:
        if committee.pk is None:
            return "—"
        rows = committee_countries(committee)
        if not rows:
            return "—"
        return ", ".join(f"{row.country.name} ({row.count})" for row in rows)

    @admin.display(description=_("proposals"))
    def proposals(self, committee: Committee) -> SafeString | str:
        if committee.pk is None:
            return "—"
        by_status = dict(
            Proposal.objects.filter(committee=committee)
            .order_by()
            .values("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
        summary = ", ".join(
            f"{label}: {by_status[value]}"
            for value, label in Proposal.Status.choices
            if by_status.get(value)
        )
        url = reverse("admin:committee_proposal_changelist")
        return format_html(
            '{} · <a href="{}?committee__id__exact={}">{}</a> · '
            '<a href="{}?committee__id__exact={}">{}</a>',
            summary or _("none yet"),
            url,
            committee.pk,
            _("see the proposals"),
            reverse("admin:committee_member_changelist"),
            committee.pk,
            _("see the members"),
        )


# --- members ------------------------------------------------------------------------------


def members_speaking(queryset: QuerySet[Member], code: str) -> QuerySet[Member]:
    """Members whose list of languages holds `code`. The list is JSON; `contains` on
    a JSON field is not available on SQLite, so its text is matched instead, the
    code with its quotes (`"es"`), which no other code's text contains. The same
    on SQLite and PostgreSQL."""
    return queryset.alias(languages_text=Cast("languages", TextField())).filter(
        languages_text__contains=f'"{code}"'
    )


class LanguageSpokenFilter(admin.SimpleListFilter):
    title = _("language spoken")
    parameter_name = "speaks"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return list(spoken_language_choices())

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        if value not in SPOKEN_LANGUAGES:
            return queryset.none()
        return members_speaking(queryset, value)


class MemberCountryFilter(admin.SimpleListFilter):
    """The countries members come from, not the world's 250."""

    title = _("country")
    parameter_name = "country"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        present = (
            Member.objects.filter(committee__in=_committees_for(request))
            .order_by()
            .values_list("country", flat=True)
            .distinct()[:250]
        )
        return sorted(
            ((str(code), str(countries.name(code))) for code in present if code),
            key=lambda choice: choice[1],
        )

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = (self.value() or "").upper()
        if not value:
            return queryset
        if value not in dict(countries):
            return queryset.none()
        return queryset.filter(country=value)


class SkillFilter(admin.SimpleListFilter):
    title = _("how they can help")
    parameter_name = "skill"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        skills = list(
            Skill.objects.filter(committee__in=_committees_for(request))
            .select_related("committee__campaign")
            .order_by("committee_id", "position", "key")[:300]
        )
        several = len({skill.committee_id for skill in skills}) > 1
        choices = []
        for skill in skills:
            label = localize(skill.label, languages=skill.committee.campaign.languages) or skill.key
            choices.append((str(skill.pk), f"{label} ({skill.committee})" if several else label))
        return choices

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if not value:
            return queryset
        # "²".isdigit() is true too: only plain, short numbers are ids.
        is_id = value.isascii() and value.isdecimal() and len(value) <= 9
        return queryset.filter(skills__pk=int(value)) if is_id else queryset.none()


MEMBER_EXPORT_HEADER = [
    "committee",
    "name",
    "email",
    "country",
    "city",
    "languages",
    "skills",
    "organisation",
    "listed",
    "agreed_to_hear_from_the_organisation",
    "language",
    "status",
    "joined",
    "confirmed",
]


def _member_rows(members: QuerySet[Member]) -> Iterator[list[object]]:
    for member in members.iterator(chunk_size=2000):
        yield [
            member.committee.slug,
            member.name,
            member.email,
            str(member.country),
            member.city,
            " ".join(member.languages),
            " ".join(skill.key for skill in member.skills.all()),
            member.organisation_name,
            "yes" if member.listed else "no",
            "yes" if member.consent_owner else "no",
            member.language,
            member.status,
            member.created_at.isoformat(),
            member.confirmed_at.isoformat() if member.confirmed_at else "",
        ]


@admin.register(Member)
class MemberAdmin(OrganisationScopedAdmin[Member]):
    """Read only: people join, change and leave through their own pages. The list
    shows no name or address; a member's page shows them to the staff of the
    committee's organisation."""

    organisation_lookup = "committee__organisation"
    list_display = [
        "__str__",
        "committee",
        "country",
        "languages_spoken",
        "skill_labels",
        "organisation_name",
        "listed",
        "status",
        "created_at",
    ]
    list_filter = [
        ("committee", admin.RelatedOnlyFieldListFilter),
        MemberCountryFilter,
        LanguageSpokenFilter,
        SkillFilter,
        "status",
        ("created_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["committee__campaign"]
    list_per_page = 50
    # Only an exact address, by its blind index (see get_search_results): names and
    # organisations are encrypted.
    search_fields = ["email_index"]
    search_help_text = _("An exact email address.")
    actions = ["export_csv"]
    fields = readonly_fields = (
        "committee",
        "status",
        "name",
        "email",
        "city",
        "country",
        "languages_spoken",
        "skill_labels",
        "organisation_name",
        "listed",
        "agreed_to_hear_from_us",
        "language",
        "created_at",
        "confirmed_at",
        "left_at",
        "proposals_written",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Member]:
        return super().get_queryset(request).prefetch_related("skills")

    def get_list_display(self, request: HttpRequest) -> Any:
        return _committee_column_if_several(request, self.list_display)

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False  # people join through the committee's form

    def has_change_permission(self, request: HttpRequest, obj: Member | None = None) -> bool:
        return False  # members change and leave from their own page

    def has_delete_permission(self, request: HttpRequest, obj: Member | None = None) -> bool:
        return False  # erasure belongs to the person, or to the data protection role

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        if not _may_edit(request):  # viewers do not export
            return {}
        return super().get_actions(request)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Member], search_term: str
    ) -> tuple[QuerySet[Member], bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(email_index__in=pii.email_indexes(term)), False

    # Columns

    @admin.display(description=_("languages spoken"))
    def languages_spoken(self, member: Member) -> str:
        return ", ".join(spoken_language_name(code) for code in member.languages)

    @admin.display(description=_("how they can help"))
    def skill_labels(self, member: Member) -> str:
        languages = member.committee.campaign.languages
        return ", ".join(
            localize(skill.label, languages=languages) or skill.key for skill in member.skills.all()
        )

    @admin.display(description=_("agreed to hear from the organisation"), boolean=True)
    def agreed_to_hear_from_us(self, member: Member) -> bool:
        return member.consent_owner

    @admin.display(description=_("proposals"))
    def proposals_written(self, member: Member) -> SafeString | str:
        count = member.proposals.count()
        if not count:
            return "0"
        return format_html(
            '<a href="{}?author__id__exact={}">{}</a>',
            reverse("admin:committee_proposal_changelist"),
            member.pk,
            count,
        )

    # The export

    def _editable(self, request: HttpRequest, queryset: QuerySet[Member]) -> QuerySet[Member]:
        # Members only: a pending address is anyone's typing, and those who left, left.
        queryset = queryset.filter(status=Member.Status.CONFIRMED)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(
            committee__organisation_id__in=sorted(organisation_ids(request, EDIT_ROLES))
        )

    @admin.action(description=_("Export the selected members (CSV)"))
    def export_csv(self, request: HttpRequest, queryset: QuerySet[Member]) -> StreamingHttpResponse:
        members = self._editable(request, queryset)
        counts = (
            members.order_by()
            .values_list("committee_id")
            .annotate(n=Count("pk", distinct=True))
            .values_list("committee_id", "n")
        )
        by_committee = dict(counts)
        for committee in Committee.objects.filter(pk__in=by_committee).select_related(
            "organisation"
        ):
            audit_log(
                action="committee.members_exported",
                actor=request.user,
                obj=committee,
                organisation=committee.organisation,
                data={"members": by_committee[committee.pk]},
            )
        rows = members.select_related("committee").order_by("committee_id", "created_at", "pk")
        response = StreamingHttpResponse(
            csv_lines(MEMBER_EXPORT_HEADER, _member_rows(rows)),
            content_type="text/csv; charset=utf-8",
        )
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="committee-members-{stamp}.csv"'
        return private_response(response)


# --- proposals and comments -----------------------------------------------------------


class CommentInline(admin.TabularInline[Comment, Proposal]):
    """The proposal's comments, with a button to hide or show each (organisers)."""

    model = Comment
    extra = 0
    can_delete = False
    ordering = ["created_at", "pk"]

    # Three narrow columns, so that the button stays on a phone's screen.

    def get_queryset(self, request: HttpRequest) -> QuerySet[Comment]:
        return super().get_queryset(request).select_related("member")

    def get_fields(self, request: HttpRequest, obj: Proposal | None = None) -> Any:
        if obj is not None and _may_edit(request, obj.committee.organisation_id):
            return ["written", "text", "visibility"]
        return ["written", "text", "state"]

    def get_readonly_fields(self, request: HttpRequest, obj: Proposal | None = None) -> Any:
        return self.get_fields(request, obj)

    def has_view_permission(self, request: HttpRequest, obj: Proposal | None = None) -> bool:
        return True  # shown only on the page of a proposal its reader may see

    def has_add_permission(self, request: HttpRequest, obj: Proposal | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Proposal | None = None) -> bool:
        return False  # hidden and shown through the buttons, by the services

    @admin.display(description=_("by"))
    def written(self, comment: Comment) -> SafeString:
        when = date_format(timezone.localtime(comment.created_at), "SHORT_DATETIME_FORMAT")
        return format_html("{}<br>{}", _admin_link(comment.member, comment.member), when)

    @admin.display(description=_("comment"))
    def text(self, comment: Comment) -> SafeString:
        return format_html("<div>{}</div>", linebreaksbr(comment.body, autoescape=True))

    @admin.display(description=_("shown"))
    def state(self, comment: Comment) -> str:
        return str(_("hidden") if comment.hidden else _("shown"))

    @admin.display(description=_("shown"))
    def visibility(self, comment: Comment) -> SafeString:
        return format_html(
            "{}<br>{}", self.state(comment), _visibility_button(comment, back="proposal")
        )


def _visibility_button(comment: Comment, *, back: str) -> SafeString:
    """Posts the page's own form (with its CSRF token) to the step's address."""
    step, label = ("show", _("Show")) if comment.hidden else ("hide", _("Hide"))
    return format_html(
        '<button type="submit" class="button" formaction="{}?back={}" formnovalidate>{}</button>',
        reverse(f"admin:committee_comment_{step}", args=[comment.pk]),
        back,
        label,
    )


DRAFT_LABELS = {
    "event": _("Create a draft event"),
    "day_of_action": _("Create a draft day of action"),
    "petition": _("Create a draft petition"),
}


@admin.register(Proposal)
class ProposalAdmin(_ReadOnlyPage[Proposal]):
    """Moderation: publish, accept or decline on the proposal's own page, then turn
    an accepted one into a draft; publish several from the list."""

    organisation_lookup = "committee__organisation"
    change_form_template = "admin/committee/proposal/change_form.html"
    inlines = [CommentInline]
    list_display = [
        "title",
        "committee",
        "kind",
        "status",
        "place",
        "date",
        "supports",
        "comments_shown",
        "created_at",
    ]
    list_filter = [("committee", admin.RelatedOnlyFieldListFilter), "status", "kind"]
    list_select_related = ["committee__campaign"]
    search_fields = ["title"]
    actions = ["publish_selected"]
    fields = readonly_fields = (
        "committee",
        "status",
        "title",
        "description_text",
        "kind",
        "place",
        "date",
        "written_in",
        "author_link",
        "supports",
        "comments_shown",
        "created_at",
        "published_at",
        "decided_at",
        "decision_reason",
        "became_link",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Proposal]:
        return (
            super()
            .get_queryset(request)
            .select_related(
                "committee__campaign",
                "committee__organisation",
                "event",
                "day_of_action",
                "petition",
            )
        )

    def get_list_display(self, request: HttpRequest) -> Any:
        return _committee_column_if_several(request, self.list_display)

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False  # members propose from their own page

    def has_delete_permission(self, request: HttpRequest, obj: Proposal | None = None) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def view_on_site(self, obj: Proposal) -> str | None:
        return obj.get_absolute_url() if obj.is_public else None

    # The list

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        waiting = (
            self.get_queryset(request).filter(status=Proposal.Status.SUBMITTED).order_by().count()
        )
        title = ngettext(
            "Proposals: %(count)d waiting for moderation",
            "Proposals: %(count)d waiting for moderation",
            waiting,
        ) % {"count": waiting}
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

    @admin.display(description=_("where"))
    def place(self, proposal: Proposal) -> str:
        if proposal.online:
            return str(_("online"))
        return ", ".join(part for part in (proposal.city, str(proposal.country.name)) if part)

    @admin.display(description=_("written in"))
    def written_in(self, proposal: Proposal) -> str:
        return spoken_language_name(proposal.language)

    @admin.display(description=_("supports"), ordering="supports_count")
    def supports(self, proposal: Proposal) -> int:
        return proposal.supports_count

    @admin.display(description=_("comments shown"), ordering="comments_count")
    def comments_shown(self, proposal: Proposal) -> int:
        return proposal.comments_count

    @admin.display(description=_("description"))
    def description_text(self, proposal: Proposal) -> SafeString:
        return format_html("<div>{}</div>", linebreaksbr(proposal.description, autoescape=True))

    @admin.display(description=_("author"))
    def author_link(self, proposal: Proposal) -> SafeString | str:
        if proposal.author_id is None:
            return str(_("(erased at their request)"))
        return _admin_link(proposal.author, proposal.author)

    @admin.display(description=_("became"))
    def became_link(self, proposal: Proposal) -> SafeString | str:
        return _admin_link(proposal.became, proposal.became)

    # The page and its buttons

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        proposal = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if proposal is not None:
            extra.update(
                proposal=proposal,
                may_moderate=self.has_change_permission(request, proposal),
                may_decide=proposal.status in (Proposal.Status.SUBMITTED, Proposal.Status.OPEN),
                may_become=proposal.status == Proposal.Status.ACCEPTED and proposal.became is None,
                drafts=list(DRAFT_LABELS.items()),
            )
        return super().change_view(request, object_id, form_url, extra)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        steps = [
            ("publish", self.publish_view),
            ("accept", self.accept_view),
            ("decline", self.decline_view),
            ("draft", self.draft_view),
        ]
        return [
            *(
                path(
                    f"<int:pk>/{name}/", view(require_POST(step)), name=f"committee_proposal_{name}"
                )
                for name, step in steps
            ),
            *super().get_urls(),
        ]

    def _step(self, request: HttpRequest, pk: int, step: Callable[[Proposal], str]) -> HttpResponse:
        """Calls the service on a proposal the staff member may moderate (404 outside
        their organisations, 403 for viewers) and says what happened."""
        proposal = self.object_for(request, pk, change=True, related="committee__organisation")
        try:
            done = step(proposal)
        except CommitteeError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(request, done, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:committee_proposal_change", args=[pk]))

    def publish_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        def publish(proposal: Proposal) -> str:
            proposal_publish(proposal=proposal, actor=staff_user(request))
            return str(_("Published: members can support it now. Its author has been told."))

        return self._step(request, pk, publish)

    def accept_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        def accept(proposal: Proposal) -> str:
            reason = request.POST.get("reason", "")
            proposal_accept(proposal=proposal, actor=staff_user(request), reason=reason)
            return str(_("Accepted. Its author has been told."))

        return self._step(request, pk, accept)

    def decline_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        def decline(proposal: Proposal) -> str:
            reason = request.POST.get("reason", "")
            proposal_decline(proposal=proposal, actor=staff_user(request), reason=reason)
            return str(_("Declined. Its author has been told, with your reason."))

        return self._step(request, pk, decline)

    def draft_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        def make_draft(proposal: Proposal) -> str:
            into = request.POST.get("into", "")
            proposal_make_draft(proposal=proposal, actor=staff_user(request), into=into)
            return str(
                _(
                    "The draft was created from the proposal: complete it and publish it "
                    "when it is ready."
                )
            )

        return self._step(request, pk, make_draft)

    @admin.action(description=_("Publish the selected proposals"), permissions=["change"])
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[Proposal]) -> None:
        done = 0
        waiting = queryset.filter(status=Proposal.Status.SUBMITTED).select_related(
            "committee__organisation", "committee__campaign"
        )
        for proposal in waiting:
            if not self.has_change_permission(request, proposal):
                continue
            try:
                proposal_publish(proposal=proposal, actor=staff_user(request))
            except CommitteeError as exc:
                self.message_user(request, f"{proposal}: {exc}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext("%(count)d proposal published.", "%(count)d proposals published.", done)
                % {"count": done},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                _("None of the selected proposals was waiting for moderation."),
                messages.WARNING,
            )


@admin.register(Comment)
class CommentAdmin(_ReadOnlyPage[Comment]):
    """Members' comments on proposals, hidden or shown again by organisers."""

    organisation_lookup = "proposal__committee__organisation"
    list_display = ["__str__", "proposal", "excerpt", "hidden", "created_at"]
    list_filter = ["hidden", ("proposal__committee", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["proposal"]
    actions = ["hide_selected", "show_selected"]
    readonly_fields = ["proposal", "written_by", "text", "hidden", "created_at", "visibility"]

    def get_fields(self, request: HttpRequest, obj: Comment | None = None) -> Any:
        fields = ["proposal", "written_by", "text", "hidden", "created_at"]
        if obj is not None and self.has_change_permission(request, obj):
            return ["visibility", *fields]
        return fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Comment]:
        return super().get_queryset(request).select_related("proposal__committee__organisation")

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Comment | None = None) -> bool:
        # Hidden, not deleted: the proposal's count of comments is kept by the
        # services, and erasure empties a comment's text.
        return False

    @admin.display(description=_("comment"))
    def excerpt(self, comment: Comment) -> str:
        return comment.body if len(comment.body) <= 120 else comment.body[:119] + "…"

    @admin.display(description=_("by"))
    def written_by(self, comment: Comment) -> SafeString | str:
        return _admin_link(comment.member, comment.member)

    @admin.display(description=_("comment"))
    def text(self, comment: Comment) -> SafeString:
        return format_html("<div>{}</div>", linebreaksbr(comment.body, autoescape=True))

    @admin.display(description=_("what to do"))
    def visibility(self, comment: Comment) -> SafeString:
        return _visibility_button(comment, back="comment")

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/hide/", view(require_POST(self.hide_view)), name="committee_comment_hide"
            ),
            path(
                "<int:pk>/show/", view(require_POST(self.show_view)), name="committee_comment_show"
            ),
            *super().get_urls(),
        ]

    def _step(
        self, request: HttpRequest, pk: int, step: Callable[..., bool], done: str, same: str
    ) -> HttpResponse:
        comment = self.object_for(
            request, pk, change=True, related="proposal__committee__organisation"
        )
        try:
            changed = step(comment=comment, actor=staff_user(request))
        except CommitteeError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(request, done if changed else same, messages.SUCCESS)
        if request.GET.get("back") == "proposal":
            url = reverse("admin:committee_proposal_change", args=[comment.proposal_id])
        else:
            url = reverse("admin:committee_comment_change", args=[comment.pk])
        return HttpResponseRedirect(url)

    def hide_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._step(
            request, pk, comment_hide, str(_("Comment hidden.")), str(_("It was hidden already."))
        )

    def show_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._step(
            request, pk, comment_show, str(_("Comment shown.")), str(_("It was shown already."))
        )

    def _visibility(
        self, request: HttpRequest, queryset: QuerySet[Comment], step: Callable[..., bool]
    ) -> None:
        done = 0
        for comment in queryset.select_related("proposal__committee__organisation"):
            if not self.has_change_permission(request, comment):
                continue
            try:
                done += step(comment=comment, actor=staff_user(request))
            except CommitteeError as exc:
                self.message_user(request, f"{comment}: {exc}", messages.ERROR)
        self.message_user(
            request,
            ngettext("%(count)d comment changed.", "%(count)d comments changed.", done)
            % {"count": done},
            messages.SUCCESS,
        )

    @admin.action(description=_("Hide the selected comments"), permissions=["change"])
    def hide_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._visibility(request, queryset, comment_hide)

    @admin.action(description=_("Show the selected comments again"), permissions=["change"])
    def show_selected(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        self._visibility(request, queryset, comment_show)
