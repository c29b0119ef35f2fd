"""The committee's forms: joining (on the cached public page, so with the hourly form
token and an optional proof of work instead of Django's CSRF token), and what a
member does from their own pages (private, with Django's CSRF token).

The forms check the shape of what was sent; the services check the rules, with
their own limits (the same numbers) and refusals in the visitor's language."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from solidaria.core.rendering.i18n import localize
from solidaria.core.validators import validate_no_control_characters
from solidaria.core.web.formguard import form_token
from solidaria.core.web.forms import (
    CountryChoiceField,
    GuardedForm,
    PublicForm,
    email_field,
    full_name_field,
)

from .languages import SPOKEN_LANGUAGES, spoken_language_choices
from .models import COMMENT_MAX, PROPOSAL_MAX, TITLE_MAX, Committee, Proposal, Skill
from .services import CITY_MAX, ORGANISATION_NAME_MAX

# Any: Django's form signatures: options passed through as *args/**kwargs, and
# cleaned data holding each field's own type.

TEXT = [validate_no_control_characters]
# Hidden fields have nowhere to show an error of their own.


def join_token_scope(committee: Committee) -> str:
    """The scope of the join form's token (`core.web.formguard`)."""
    return f"committee-join:{committee.pk}"


def skill_choices(committee: Committee, skills: Sequence[Skill]) -> list[tuple[str, str]]:
    """The committee's skills, each labelled in the page's language (else in the
    campaign's languages, in their order)."""
    languages = committee.campaign.languages
    return [(skill.key, str(localize(skill.label, languages=languages))) for skill in skills]


def languages_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Languages you speak"),
        choices=spoken_language_choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one language you speak.")},
    )


def skills_field() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("How you can help"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def listed_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("Show my first name, country and organisation on the members list"),
        required=False,
    )


class SkillsMixin:
    """Gives the `skills` field the committee's own choices."""

    fields: dict[str, forms.Field]

    def _set_skills(self, committee: Committee, skills: Sequence[Skill]) -> None:
        field = self.fields["skills"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = skill_choices(committee, skills)


class JoinForm(SkillsMixin, GuardedForm):
    name = full_name_field()
    email = email_field(help_text=_("We send you a link to confirm. Nobody else sees it."))
    country = CountryChoiceField(label=_("Country"))
    city = forms.CharField(
        label=_("City (optional)"), max_length=CITY_MAX, required=False, validators=TEXT
    )
    languages = languages_field()
    skills = skills_field()
    organisation_name = forms.CharField(
        label=_("Organisation you belong to (optional)"),
        max_length=ORGANISATION_NAME_MAX,
        required=False,
        validators=TEXT,
    )
    listed = listed_field()
    consent_owner = forms.BooleanField(required=False)

    def __init__(
        self, *args: Any, committee: Committee, skills: Sequence[Skill], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.committee = committee
        self._set_skills(committee, skills)

    @classmethod
    def blank(cls, *, committee: Committee, skills: Sequence[Skill], language: str) -> JoinForm:
        """The form as the page first shows it: the page's language ticked, a fresh token."""
        return cls(
            committee=committee,
            skills=skills,
            initial={
                "languages": [language] if language in SPOKEN_LANGUAGES else [],
                "form_token": form_token(join_token_scope(committee)),
            },
        )

    def token_scope(self) -> str:
        return join_token_scope(self.committee)


class MemberUpdateForm(SkillsMixin, PublicForm):
    languages = languages_field()
    skills = skills_field()
    listed = listed_field()

    def __init__(
        self, *args: Any, committee: Committee, skills: Sequence[Skill], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._set_skills(committee, skills)


class ProposalForm(PublicForm):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX, validators=TEXT)
    description = forms.CharField(
        label=_("What you propose"),
        max_length=PROPOSAL_MAX,
        validators=TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    kind = forms.ChoiceField(label=_("Kind of action"), choices=Proposal.Kind.choices)
    online = forms.BooleanField(label=_("Online"), required=False)
    country = CountryChoiceField(label=_("Country"), required=False)
    city = forms.CharField(label=_("City"), max_length=CITY_MAX, required=False, validators=TEXT)
    date = forms.DateField(
        label=_("Date (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    language = forms.ChoiceField(label=_("Written in"), choices=spoken_language_choices)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("online"):
            if "country" in cleaned and not cleaned["country"]:
                self.add_error("country", _("Say in which country, or that the action is online."))
            if "city" in cleaned and not cleaned["city"].strip():
                self.add_error("city", _("Say in which city, or that the action is online."))
        day = cleaned.get("date")
        if day is not None and day < timezone.localdate():
            self.add_error("date", _("The date has passed: choose a later one, or none."))
        return cleaned


class CommentForm(PublicForm):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX,
        validators=TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ButtonForm(forms.Form):
    """Support, withdraw, leave: a button, and which page to go back to."""

    back = forms.ChoiceField(
        choices=[("member", "member"), ("proposal", "proposal")],
        required=False,
        widget=forms.HiddenInput,
    )
