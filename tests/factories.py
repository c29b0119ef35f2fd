from __future__ import annotations

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from solidaria.campaigns.models import Campaign, CampaignUpdate
from solidaria.core.privacy import pii
from solidaria.organisations.models import Membership, Organisation
from solidaria.supporters.models import ConsentText, Supporter


def numbered_slug(prefix: str) -> factory.Sequence:
    return factory.Sequence(lambda n: f"{prefix}-{n}")


def numbered_title(spanish: str, english: str) -> factory.Sequence:
    """A title in both languages of the factories' campaigns, numbered so that each differs."""
    return factory.Sequence(lambda n: {"es": f"{spanish} {n}", "en": f"{english} {n}"})


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = numbered_slug("organisation")
    country = "AR"
    languages = ["es", "en"]


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.ORGANISER


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    slug = numbered_slug("campaign")
    title = numbered_title("Campaña", "Campaign")
    summary = {"es": "Resumen de la campaña.", "en": "Summary of the campaign."}
    story = {
        "es": "Primer párrafo.\n\nSegundo párrafo.",
        "en": "First paragraph.\n\nSecond paragraph.",
    }
    owner = factory.SubFactory(OrganisationFactory)
    languages = ["es", "en"]
    status = Campaign.Status.LIVE
    published_at = factory.LazyFunction(timezone.now)


class CampaignUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CampaignUpdate

    campaign = factory.SubFactory(CampaignFactory)
    title = {"es": "Novedad", "en": "News"}
    body = {"es": "Texto de la novedad.", "en": "Text of the news."}
    published_at = factory.LazyFunction(timezone.now)


class SupporterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supporter

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    email_index = factory.LazyAttribute(lambda o: pii.email_index(o.email))
    name = factory.Sequence(lambda n: f"Person Number{n}")
    country = "AR"
    language = "es"


class ConsentTextFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsentText

    organisation = factory.SubFactory(OrganisationFactory)
    version = factory.Sequence(lambda n: n + 1)
    text = {"es": "Quiero recibir novedades.", "en": "I want to hear about this."}


class CampaignPartFactory(factory.django.DjangoModelFactory):
    """A petition, fund, day of action or event: each belongs to a campaign."""

    class Meta:
        abstract = True

    campaign = factory.SubFactory(CampaignFactory)


class PetitionFactory(CampaignPartFactory):
    class Meta:
        model = "petitions.Petition"

    slug = numbered_slug("petition")
    title = numbered_title("Petición", "Petition")
    target = {"es": "Al Congreso", "en": "To Congress"}
    text = {"es": "Pedimos justicia.", "en": "We ask for justice."}
    goal = 100


class FundFactory(CampaignPartFactory):
    class Meta:
        model = "fundraising.Fund"

    slug = numbered_slug("fund")
    title = numbered_title("Fondo", "Fund")
    purpose = {"es": "Para la defensa legal.", "en": "For the legal defense."}
    goal_minor = 1_000_000
    goal_currency = "USD"
    bank_details = {
        "es": "Titular: Comisión de Solidaridad\nCBU 0000003100010000000001",
        "en": "Holder: Solidarity Committee\nIBAN DE89 3704 0044 0532 0130 00",
    }


class DayOfActionFactory(CampaignPartFactory):
    class Meta:
        model = "events.DayOfAction"

    slug = numbered_slug("day")
    title = {"es": "Día de acción", "en": "Day of action"}
    description = {"es": "Frente a las embajadas.", "en": "At the embassies."}
    date = factory.LazyFunction(lambda: (timezone.now() + timedelta(days=30)).date())


class EventFactory(CampaignPartFactory):
    class Meta:
        model = "events.Event"

    slug = numbered_slug("event")
    title = numbered_title("Evento", "Event")
    description = {"es": "Un panel.", "en": "A panel."}
    kind = "online"
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda event: event.starts_at + timedelta(hours=2))
    timezone = "America/New_York"
    online_url = "https://meet.example.org/solidarity-panel"


# --- committee -----------------------------------------------------------------------


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "committee.Committee"

    campaign = factory.SubFactory(CampaignFactory)
    organisation = factory.SelfAttribute("campaign.owner")
    slug = numbered_slug("committee")
    name = numbered_title("Comité", "Committee")
    description = {
        "es": "Proponemos y organizamos acciones.",
        "en": "We propose and organise actions.",
    }


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "committee.Skill"

    committee = factory.SubFactory(CommitteeFactory)
    key = factory.Sequence(lambda n: f"skill-{n}")
    label = {"es": "Traducción", "en": "Translation"}


class MemberFactory(factory.django.DjangoModelFactory):
    """A confirmed member (counted: the committee's count follows)."""

    class Meta:
        model = "committee.Member"
        skip_postgeneration_save = True

    committee = factory.SubFactory(CommitteeFactory)
    name = factory.Sequence(lambda n: f"Member Number{n}")
    email = factory.Sequence(lambda n: f"member{n}@example.org")
    email_index = factory.LazyAttribute(lambda o: pii.email_index(o.email))
    country = "AR"
    city = "Rosario"
    languages = ["es", "en"]
    language = "es"
    status = "confirmed"
    confirmed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def counted(obj, create, extracted, **kwargs):
        if create and obj.status == "confirmed":
            from django.db.models import F

            type(obj.committee).objects.filter(pk=obj.committee_id).update(
                members_count=F("members_count") + 1
            )
            obj.committee.refresh_from_db(fields=["members_count"])


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "committee.Proposal"

    committee = factory.SubFactory(CommitteeFactory)
    author = factory.SubFactory(MemberFactory, committee=factory.SelfAttribute("..committee"))
    title = factory.Sequence(lambda n: f"A stall with the cooperatives' products {n}")
    description = "At the street festival, with leaflets in three languages."
    kind = "products"
    country = "DE"
    city = "Berlin"
    language = "en"
    status = "open"
    published_at = factory.LazyFunction(timezone.now)
