"""The committee's pages: the public page with its join form, the confirmation
link's page, a proposal's page, and the member's own page with what they do there.

The public pages are cached and shared (`@public_page`), so the join form carries
the hourly form token and its POST is checked for our Origin
(`public_form_post`). Everything a member does goes through the supporters'
self-service session (`supporters.access`) and Django's CSRF token, on pages
that are never cached.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from solidaria.core.rendering.i18n import localize
from solidaria.core.rendering.worldmap import world_map_svg
from solidaria.core.web.decorators import post_only_or_redirect, public_form_post
from solidaria.core.web.formguard import client_ip, cross_site_refusal
from solidaria.core.web.formviews import refusal_as_form_error
from solidaria.core.web.hygiene import allowed_methods
from solidaria.core.web.middleware import private_page, private_response, public_page
from solidaria.supporters.access import session_supporter, supporter_page
from solidaria.supporters.models import Supporter
from solidaria.supporters.services import consent_text_current

from .exceptions import (
    CommitteeClosed,
    CommitteeError,
    InvalidInput,
    LinkInvalid,
    NotAllowed,
    TooMany,
)
from .forms import (
    ButtonForm,
    CommentForm,
    JoinForm,
    MemberUpdateForm,
    ProposalForm,
)
from .models import Member, Proposal
from .selectors import (
    CommitteePage,
    MembershipPage,
    committee_get_public,
    committee_page,
    committee_skills,
    member_for_token,
    member_of,
    member_pages,
    membership_for,
    proposal_of_committee,
    proposal_page,
)
from .services import (
    comment_add,
    member_confirm,
    member_join,
    member_leave,
    member_update,
    proposal_submit,
    proposal_support,
    proposal_withdraw,
)


def _status(refusal: CommitteeError) -> int:
    """The HTTP status of a refusal: what the person may not do (403), what the state
    of things does not allow (409), what they typed (400)."""
    if isinstance(refusal, CommitteeClosed | NotAllowed):
        return 403
    if isinstance(refusal, InvalidInput):
        return 400
    if isinstance(refusal, TooMany):
        return 429
    return 409


def _refused(request: HttpRequest, reason: str, *, status: int, back: str = "") -> HttpResponse:
    """A short page that says, in the visitor's language, why nothing was done."""
    return private_response(
        render(request, "committee/refused.html", {"reason": reason, "back": back}, status=status)
    )


# --- the public committee page, and joining ---------------------------------------------


def _committee_context(
    request: HttpRequest, page: CommitteePage, form: JoinForm
) -> dict[str, object]:
    committee = page.committee
    languages = committee.campaign.languages
    # The contact form's addresses, loaded once for the form and the page's script tag.
    prefetch_related_objects([committee.organisation], "contacts")
    return {
        "page": page,
        "committee": committee,
        "campaign": committee.campaign,
        "form": form,
        "world_map": world_map_svg(page.country_counts, label=_("Members by country")),
        # The organisation's wording of today, which member_confirm records as the
        # one they saw (consent_text_at the time of joining).
        "consent_owner_text": localize(
            consent_text_current(committee.organisation).text, languages=languages
        ),
    }


@public_page
def committee_detail(request: HttpRequest, slug: str) -> HttpResponse:
    page = committee_page(slug=slug)
    form = JoinForm.blank(
        committee=page.committee, skills=page.skills, language=request.LANGUAGE_CODE
    )
    return render(
        request, "committee/committee_detail.html", _committee_context(request, page, form)
    )


@public_form_post("committee:detail", anchor="join-heading")
def committee_join(request: HttpRequest, slug: str) -> HttpResponse:
    page = committee_page(slug=slug)
    committee = page.committee
    if not committee.is_open:
        return _refused(
            request,
            _("This committee is not taking new members now."),
            status=403,
            back=committee.get_absolute_url(),
        )
    form = JoinForm(request.POST, committee=committee, skills=page.skills)
    status = 400
    if form.is_valid():
        cleaned = form.cleaned_data
        if cleaned["website"]:  # the honeypot: a bot, answered as anyone, nothing stored
            return redirect("committee:joined", slug=committee.slug)
        try:
            member_join(
                committee=committee,
                name=cleaned["name"],
                email=cleaned["email"],
                country=cleaned["country"],
                city=cleaned["city"],
                languages=cleaned["languages"],
                skill_keys=cleaned["skills"],
                organisation_name=cleaned["organisation_name"],
                listed=cleaned["listed"],
                consent_owner=cleaned["consent_owner"],
                language=request.LANGUAGE_CODE,
                ip=client_ip(request),
                proof_solved=bool(cleaned["altcha"]),
            )
        except CommitteeError as exc:
            form.add_error(None, str(exc))
            status = _status(exc)
        else:
            # The same answer whether the address is new, pending or a member already.
            return redirect("committee:joined", slug=committee.slug)
    form.again()
    return private_response(
        render(
            request,
            "committee/committee_detail.html",
            _committee_context(request, page, form),
            status=status,
        )
    )


@private_page
def committee_joined(request: HttpRequest, slug: str) -> HttpResponse:
    committee = committee_get_public(slug=slug)
    return render(request, "committee/joined.html", {"committee": committee})


@private_page
def member_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link's page: a button, because mail scanners open links."""
    invalid = _("This link is not valid any more. Join again to get a new one by email.")
    member = member_for_token(token)
    if member is None:
        return render(request, "committee/link_invalid.html", {"reason": invalid}, status=404)
    if request.method == "POST":
        if (refusal := cross_site_refusal(request)) is not None:
            return refusal
        try:
            member = member_confirm(token=token)
        except LinkInvalid as exc:
            return render(request, "committee/link_invalid.html", {"reason": str(exc)}, status=404)
        except CommitteeClosed as exc:
            return _refused(request, str(exc), status=403)
        # The link is spent: the answer is this page, not a redirect to it.
        return render(
            request,
            "committee/confirm.html",
            {"member": member, "committee": member.committee, "done": True},
        )
    return render(
        request,
        "committee/confirm.html",
        {"member": member, "committee": member.committee, "done": False},
    )


# --- a proposal's page ------------------------------------------------------------------


@public_page
def _proposal_public(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    page = proposal_page(slug=slug, pk=pk)
    return render(
        request,
        "committee/proposal_detail.html",
        {"page": page, "proposal": page.proposal, "committee": page.proposal.committee},
    )


def _proposal_for_member(
    request: HttpRequest,
    member: Member,
    slug: str,
    pk: int,
    *,
    comment_form: CommentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    page = proposal_page(slug=slug, pk=pk)
    proposal = page.proposal
    supported = proposal.supports.filter(member=member).exists()
    return private_response(
        render(
            request,
            "committee/proposal_detail.html",
            {
                "page": page,
                "proposal": proposal,
                "committee": proposal.committee,
                "member": member,
                "supported": supported,
                "comment_form": comment_form or CommentForm(),
            },
            status=status,
        )
    )


@allowed_methods("GET", "HEAD")
def proposal_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Public (and cached) for everyone; with the support and comment forms for a
    member of the committee whose own page is open in this browser."""
    supporter = session_supporter(request)
    if supporter is not None:
        committee = committee_get_public(slug=slug)
        member = member_of(supporter=supporter, committee=committee)
        if member is not None:
            return _proposal_for_member(request, member, slug, pk)
        return private_response(_proposal_public(request, slug, pk))
    return _proposal_public(request, slug, pk)


# --- what a member does ------------------------------------------------------------------


def _member_forms(
    pages: list[MembershipPage], bound: dict[int, dict[str, object]] | None = None
) -> list[dict[str, object]]:
    """Each membership with its forms: blank, or as sent (with errors) for the one
    whose form came back."""
    skills = committee_skills(page.committee.pk for page in pages)
    sections = []
    for page in pages:
        committee, member = page.committee, page.member
        prefix = f"c{committee.pk}"
        forms = (bound or {}).get(committee.pk, {})
        sections.append(
            {
                "page": page,
                "update_form": forms.get("update")
                or MemberUpdateForm(
                    committee=committee,
                    skills=skills.get(committee.pk, []),
                    auto_id=f"id_{prefix}_update_%s",
                    initial={
                        "languages": member.languages,
                        "skills": [skill.key for skill in page.skills],
                        "listed": member.listed,
                    },
                ),
                "propose_form": forms.get("propose")
                or ProposalForm(
                    auto_id=f"id_{prefix}_propose_%s",
                    initial={"language": member.language, "country": member.country},
                ),
            }
        )
    return sections


def _member_render(
    request: HttpRequest,
    supporter: Supporter,
    *,
    bound: dict[int, dict[str, object]] | None = None,
    status: int = 200,
) -> HttpResponse:
    pages = member_pages(supporter=supporter)
    return render(
        request,
        "committee/member.html",
        {"supporter": supporter, "sections": _member_forms(pages, bound)},
        status=status,
    )


# A button's address opened with GET leads back to the member's page.
post_only = post_only_or_redirect("committee:member", with_arguments=False)


@allowed_methods("GET", "HEAD")
@supporter_page
def member_page(request: HttpRequest, supporter: Supporter) -> HttpResponse:
    return _member_render(request, supporter)


def _membership(supporter: Supporter, slug: str) -> Member:
    member = membership_for(supporter=supporter, slug=slug)
    if member is None:
        raise NotAllowed(_("Only confirmed members of this committee can do this."))
    return member


@post_only
@supporter_page
def member_update_view(request: HttpRequest, supporter: Supporter, slug: str) -> HttpResponse:
    try:
        member = _membership(supporter, slug)
    except NotAllowed as exc:
        return _refused(request, str(exc), status=403, back=reverse("committee:member"))
    committee = member.committee
    form = MemberUpdateForm(
        request.POST,
        committee=committee,
        skills=committee_skills([committee.pk]).get(committee.pk, []),
        auto_id=f"id_c{committee.pk}_update_%s",
    )
    if form.is_valid():
        with refusal_as_form_error(form, InvalidInput, NotAllowed):
            member_update(
                member=member,
                languages=form.cleaned_data["languages"],
                skill_keys=form.cleaned_data["skills"],
                listed=form.cleaned_data["listed"],
            )
            messages.success(request, _("Your membership is updated."))
            return redirect(reverse("committee:member") + f"#committee-{committee.slug}")
    return _member_render(request, supporter, bound={committee.pk: {"update": form}}, status=400)


@post_only
@supporter_page
def member_propose(request: HttpRequest, supporter: Supporter, slug: str) -> HttpResponse:
    try:
        member = _membership(supporter, slug)
    except NotAllowed as exc:
        return _refused(request, str(exc), status=403, back=reverse("committee:member"))
    committee = member.committee
    if not committee.is_open:
        return _refused(
            request,
            _("This committee is closed: it takes no proposals now."),
            status=403,
            back=reverse("committee:member"),
        )
    form = ProposalForm(request.POST, auto_id=f"id_c{committee.pk}_propose_%s")
    status = 400
    if form.is_valid():
        cleaned = form.cleaned_data
        try:
            proposal_submit(
                member=member,
                title=cleaned["title"],
                description=cleaned["description"],
                kind=cleaned["kind"],
                online=cleaned["online"],
                country=cleaned["country"],
                city=cleaned["city"],
                date=cleaned["date"],
                language=cleaned["language"],
            )
        except CommitteeError as exc:
            form.add_error(None, str(exc))
            status = _status(exc)
        else:
            messages.success(
                request,
                _(
                    "Thank you: your proposal is sent. The organisers read it before it is "
                    "published, and we tell you by email what they decide."
                ),
            )
            return redirect(reverse("committee:member") + f"#committee-{committee.slug}")
    return _member_render(
        request, supporter, bound={committee.pk: {"propose": form}}, status=status
    )


@supporter_page
def member_leave_view(request: HttpRequest, supporter: Supporter, slug: str) -> HttpResponse:
    """Leaving asks once more (a page with the button), then leaves."""
    member = membership_for(supporter=supporter, slug=slug)
    if member is None:
        return _refused(
            request,
            _("You are not a member of this committee, or you have left it already."),
            status=404,
            back=reverse("committee:member"),
        )
    if request.method == "POST":
        member_leave(member=member)
        messages.success(
            request, _("You have left “%(committee)s”.") % {"committee": member.committee}
        )
        return redirect("committee:member")
    return render(
        request, "committee/leave.html", {"member": member, "committee": member.committee}
    )


def _back(request: HttpRequest, proposal: Proposal) -> str:
    form = ButtonForm(request.POST)
    if form.is_valid() and form.cleaned_data["back"] == "proposal" and proposal.is_public:
        return proposal.get_absolute_url()
    return reverse("committee:member") + f"#committee-{proposal.committee.slug}"


def _acting_member(supporter: Supporter, proposal: Proposal) -> Member:
    member = member_of(supporter=supporter, committee=proposal.committee)
    if member is None:
        raise NotAllowed(_("Only confirmed members of this committee can do this."))
    return member


@post_only
@supporter_page
def proposal_support_view(
    request: HttpRequest, supporter: Supporter, slug: str, pk: int
) -> HttpResponse:
    proposal = proposal_of_committee(slug=slug, pk=pk)
    back = _back(request, proposal)
    try:
        proposal_support(proposal=proposal, member=_acting_member(supporter, proposal))
    except CommitteeError as exc:
        return _refused(request, str(exc), status=_status(exc), back=back)
    messages.success(request, _("Thank you: you support this proposal."))
    return redirect(back)


@post_only
@supporter_page
def proposal_withdraw_view(
    request: HttpRequest, supporter: Supporter, slug: str, pk: int
) -> HttpResponse:
    proposal = proposal_of_committee(slug=slug, pk=pk)
    back = reverse("committee:member") + f"#committee-{proposal.committee.slug}"
    try:
        proposal_withdraw(proposal=proposal, member=_acting_member(supporter, proposal))
    except CommitteeError as exc:
        return _refused(request, str(exc), status=_status(exc), back=back)
    messages.success(request, _("Your proposal is withdrawn."))
    return redirect(back)


@post_only
@supporter_page
def proposal_comment_view(
    request: HttpRequest, supporter: Supporter, slug: str, pk: int
) -> HttpResponse:
    proposal = proposal_of_committee(slug=slug, pk=pk)
    try:
        member = _acting_member(supporter, proposal)
    except NotAllowed as exc:
        return _refused(request, str(exc), status=403, back=proposal.get_absolute_url())
    if not proposal.is_public:
        return _refused(
            request,
            _("Only published proposals take comments."),
            status=409,
            back=reverse("committee:member"),
        )
    form = CommentForm(request.POST)
    if form.is_valid():
        with refusal_as_form_error(form, CommitteeError):
            comment_add(proposal=proposal, member=member, body=form.cleaned_data["body"])
            messages.success(request, _("Your comment is published."))
            return redirect(proposal.get_absolute_url() + "#comments")
    return _proposal_for_member(request, member, slug, pk, comment_form=form, status=400)
