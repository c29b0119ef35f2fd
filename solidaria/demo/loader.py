"""Loads the demo organisations and campaigns. Idempotent: keyed on slugs, never duplicates."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from solidaria.campaigns.models import Campaign, CampaignUpdate
from solidaria.campaigns.services import campaign_set_status
from solidaria.committee.models import Committee, Member, Proposal, Skill
from solidaria.committee.services import (
    comment_add,
    member_confirm,
    proposal_accept,
    proposal_make_draft,
    proposal_publish,
    proposal_submit,
    proposal_support,
)
from solidaria.cooperatives.directory import cooperative_fill_place
from solidaria.cooperatives.models import (
    Cooperative,
    PickupPoint,
    Product,
    ProductVariant,
    Round,
    RoundItem,
)
from solidaria.core.privacy import pii
from solidaria.core.privacy.tokens import new_token
from solidaria.core.rendering.i18n import in_every_language
from solidaria.events.models import Cosponsor, DayOfAction, Event
from solidaria.events.services import rsvp_create
from solidaria.events.zones import local_to_utc
from solidaria.fundraising.models import Donation, ExchangeRate, Fund, FundTotal, LedgerEntry
from solidaria.fundraising.services import pledge_create, pledge_mark_received
from solidaria.mailing.models import Mailing
from solidaria.mailing.services import mailing_save, mailing_send
from solidaria.organisations.models import Membership, Organisation, OrganisationContact
from solidaria.petitions.models import OrganisationSignature, Petition
from solidaria.supporters.selectors import supporter_find_by_email

from .committee_content import COMMITTEE, MEMBERS, SKILLS, STALL, TOUR
from .content import CAMPAIGNS, ORGANISATIONS
from .cooperative_content import COOPERATIVES, GERMAN_GROUP, KEPT_BY, ROUND
from .event_content import DAY, PANEL
from .fund_content import FUNDS
from .mailing_content import MAILING
from .people_content import PEOPLE
from .petition_content import PETITIONS

# Any: the demonstration records of the *_content modules, each key holding the value
# its model field takes.

DEMO_ORGANISER = "organiser"


def demo_load() -> dict[str, int]:
    """Creates what is missing of the demo; leaves whatever exists (and edits to it) alone."""
    created = {"organisations": 0}
    with transaction.atomic():
        organisations: dict[str, Organisation] = {}
        for data in ORGANISATIONS:
            organisation, was_created = Organisation.objects.get_or_create(
                slug=data["slug"],
                defaults=_content(data, "name", "country", "region", "website", "languages"),
            )
            if was_created:
                created["organisations"] += 1
                for language, email in data["contacts"].items():
                    OrganisationContact.objects.create(
                        organisation=organisation, language=language, email=email
                    )
            organisations[data["slug"]] = organisation
        created["campaigns"] = _create_missing(
            CAMPAIGNS, Campaign, lambda data: _create_campaign(data, organisations)
        )
        created["petitions"] = _create_missing(PETITIONS, Petition, _create_petition)
        created["funds"] = _create_missing(FUNDS, Fund, _create_fund)
        created["events"] = 0
        if not Event.objects.filter(slug=PANEL["slug"]).exists():
            _create_panel(PANEL, organisations)
            created["events"] += 1
        if not DayOfAction.objects.filter(slug=DAY["slug"]).exists():
            created["events"] += _create_day(DAY, organisations)
        created["people"] = _create_people()
        created["mailings"] = _create_mailing()
        created["committees"] = _create_committee()
        created["cooperatives"] = _create_cooperatives()
        created["rounds"] = _create_round()
    return created


def _create_cooperatives() -> int:
    """The directory: each cooperative whose slug is missing, with its products, kept by
    the committee's organisation and placed by its city (gazetteer) unless typed."""
    organisation = Organisation.objects.filter(slug=KEPT_BY).first()
    if organisation is None:
        return 0
    missing = [
        data for data in COOPERATIVES if not Cooperative.objects.filter(slug=data["slug"]).exists()
    ]
    for data in missing:
        cooperative = Cooperative(
            organisation=organisation,
            **{
                field: data[field]
                for field in (
                    "slug",
                    "name",
                    "legal_form",
                    "sector",
                    "city",
                    "province",
                    "year_recovered",
                    "languages",
                    "story",
                )
            },
            workers=data.get("workers", 0),
            status=data.get("status", Cooperative.Status.ACTIVE),
            capacity_percent=data.get("capacity_percent"),
            website=data.get("website", ""),
            is_example=data.get("is_example", False),
        )
        if "latitude" in data:
            cooperative.latitude = Decimal(data["latitude"])
            cooperative.longitude = Decimal(data["longitude"])
        cooperative_fill_place(cooperative=cooperative)
        cooperative.full_clean()
        cooperative.save()
        for position, product_data in enumerate(data["products"], start=1):
            product = Product.objects.create(
                cooperative=cooperative,
                **_content(product_data, "name", "unit", "reference_price_minor", "exportable"),
                description=product_data.get("description", {}),
                weight_grams=product_data.get("weight_grams"),
                available=product_data.get("available", True),
                position=position,
            )
            for place, name in enumerate(product_data.get("variants", []), start=1):
                ProductVariant.objects.create(product=product, name=name, position=place)
    return len(missing)


def _create_round() -> int:
    """The German group's open buying round: the products the content prices for it,
    pickup points in Berlin and Hamburg, shipping for a flat fee. Rows only: orders come
    through the ordering services."""
    if Round.objects.filter(slug=ROUND["slug"]).exists():
        return 0
    group, created = Organisation.objects.get_or_create(
        slug=GERMAN_GROUP["slug"],
        defaults=_content(GERMAN_GROUP, "name", "country", "region", "website", "languages"),
    )
    if created:
        for language, email in GERMAN_GROUP["contacts"].items():
            OrganisationContact.objects.create(organisation=group, language=language, email=email)
    hour, minute = ROUND["closes_at_local"]
    round_ = Round.objects.create(
        organisation=group,
        **_content(
            ROUND,
            "slug",
            "title",
            "description",
            "country",
            "currency",
            "time_zone",
            "shipping_fee_minor",
            "payment_days",
            "bank_details",
        ),
        opens_at=timezone.now() - timedelta(days=ROUND["opened_days_ago"]),
        closes_at=_at(ROUND["closes_in_days"], hour, minute, ROUND["time_zone"]),
        exchange_rate=Decimal(ROUND["exchange_rate"]),
    )
    products = {
        (product.cooperative.slug, product.position): product
        for product in Product.objects.select_related("cooperative").filter(
            cooperative__slug__in=[data["slug"] for data in COOPERATIVES]
        )
    }
    position = 0
    for data in COOPERATIVES:
        for place, product_data in enumerate(data["products"], start=1):
            offered = product_data.get("round")
            product = products.get((data["slug"], place))
            if offered is None or product is None or not product.exportable:
                continue
            position += 1
            RoundItem.objects.create(
                round=round_,
                product=product,
                price_minor=offered["price_minor"],
                max_quantity=offered.get("max_quantity"),
                position=position,
            )
    for place, point in enumerate(ROUND["pickup_points"], start=1):
        PickupPoint.objects.create(
            round=round_,
            **_content(point, "name", "address", "city", "opening_hours"),
            position=place,
        )
    return 1


def _create_committee() -> int:
    """The international committee of the recovered-workplaces campaign: its skills,
    members who joined over the past weeks, a proposal open for support and one
    accepted that became a draft event. Members confirm and propose through the
    same services as everyone (so they are supporters of the organisation, and
    counts, audit entries and emails are as in use)."""
    if Committee.objects.filter(slug=COMMITTEE["slug"]).exists():
        return 0
    campaign = Campaign.objects.filter(slug=COMMITTEE["campaign"]).first()
    organisation = Organisation.objects.filter(slug=COMMITTEE["organisation"]).first()
    if campaign is None or organisation is None:
        return 0
    committee = Committee.objects.create(
        campaign=campaign,
        organisation=organisation,
        **_content(COMMITTEE, "slug", "name", "description", "aims"),
    )
    skills = {
        key: Skill.objects.create(committee=committee, key=key, label=label, position=position)
        for position, (key, label) in enumerate(SKILLS, start=1)
    }
    members = {record[1]: _committee_member(committee, record, skills) for record in MEMBERS}
    stall = _proposal(STALL, members)
    proposal_publish(proposal=stall, actor=None)
    _supported(stall, STALL, members)
    tour = _proposal(TOUR, members)
    proposal_publish(proposal=tour, actor=None)
    _supported(tour, TOUR, members)
    proposal_accept(proposal=tour, actor=None, reason=TOUR["accepted_because"])
    proposal_make_draft(proposal=tour, actor=None, into="event")
    return 1


def _committee_member(
    committee: Committee,
    record: tuple[str, str, str, str, list[str], list[str], str, bool, bool, str, int],
    skills: dict[str, Skill],
) -> Member:
    """A member as the join form stores them, confirmed through the service as the
    link's button does; the join form's own email is not sent (nobody reads it),
    and the dates are moved back to when they joined."""
    name, email, country, city, spoken, helps, group, listed, consent, language, days = record
    token, hashed = new_token()
    pending = Member.objects.create(
        committee=committee,
        name=name,
        email=email,
        email_index=pii.email_index(email),
        country=country,
        city=city,
        languages=spoken,
        organisation_name=group,
        listed=listed,
        consent_owner=consent,
        language=language,
        token_hash=hashed,
    )
    pending.skills.set([skills[key] for key in helps])
    member = member_confirm(token=token)
    joined = timezone.now() - timedelta(days=days, hours=len(name))
    Member.objects.filter(pk=member.pk).update(created_at=joined, confirmed_at=joined)
    return member


def _proposal(data: dict[str, Any], members: dict[str, Member]) -> Proposal:
    return proposal_submit(
        member=members[data["author"]],
        **_content(data, "title", "description", "kind", "country", "city", "language"),
        online=False,
        date=timezone.localdate() + timedelta(days=data["days_from_now"]),
    )


def _supported(proposal: Proposal, data: dict[str, Any], members: dict[str, Member]) -> None:
    for email in data["supporters"]:
        proposal_support(proposal=proposal, member=members[email])
    for email, body in data["comments"]:
        comment_add(proposal=proposal, member=members[email], body=body)


def _create_mailing() -> int:
    """One mailing from the panel's organisers to the demo people who agreed to hear
    from them, asked to be sent at once: the first start of the platform sends it."""
    panel = Event.objects.filter(slug=PANEL["slug"]).select_related("campaign__owner").first()
    if panel is None or Mailing.objects.exists():
        return 0
    mailing = mailing_save(
        mailing=Mailing(organisation=panel.campaign.owner, **MAILING), actor=None
    )
    mailing_send(mailing=mailing, actor=None)
    return 1


def _create_people() -> int:
    """Fictional people who register for the panel and give to the first fund, through
    the same services as everyone, unless they are there already."""
    panel = Event.objects.filter(slug=PANEL["slug"]).first()
    fund = Fund.objects.filter(slug=FUNDS[0]["slug"]).first()
    if panel is None or fund is None or supporter_find_by_email(PEOPLE[0][1]) is not None:
        return 0
    for name, email, language, guests, consent, gift in PEOPLE:
        rsvp_create(
            event=panel,
            name=name,
            email=email,
            guests=guests,
            consent_owner=consent,
            language=language,
        )
        if gift:
            pledge = pledge_create(
                fund=fund,
                amount_minor=gift,
                currency=fund.goal_currency,
                name=name,
                email=email,
                consent_owner=consent,
                language=language,
            )
            pledge_mark_received(donation=pledge, actor=None)
    return len(PEOPLE)


def _create_missing(
    records: list[dict[str, Any]],
    model: type[models.Model],
    create: Callable[[dict[str, Any]], models.Model],
) -> int:
    """Creates each record whose slug `model` does not hold yet; returns how many it created."""
    missing = [
        data for data in records if not model._default_manager.filter(slug=data["slug"]).exists()
    ]
    for data in missing:
        create(data)
    return len(missing)


def _content(data: dict[str, Any], *fields: str) -> dict[str, Any]:
    """The named fields of a demo record, each holding what its model field takes."""
    return {field: data[field] for field in fields}


def _approved(organisation: Organisation, *, at: datetime) -> dict[str, Any]:
    """What a co-sponsorship or an organisation's signature takes from a demo
    organisation, decided (approved) at `at`."""
    return {
        "name": organisation.name,
        "country": organisation.country,
        "language": organisation.languages[0],
        "decided_at": at,
    }


def _at(days_from_now: int, hour: int, minute: int, zone: str) -> datetime:
    """A wall-clock time in a zone, so many days from today, as a UTC moment."""
    day = timezone.localdate() + timedelta(days=days_from_now)
    return local_to_utc(day, time(hour, minute), zone)


def _create_panel(data: dict[str, Any], organisations: dict[str, Organisation]) -> Event:
    hour, minute = data["local_time"]
    starts_at = _at(data["days_from_now"], hour, minute, data["timezone"])
    return Event.objects.create(
        campaign=Campaign.objects.get(slug=data["campaign"]),
        **_content(data, "slug", "title", "description", "timezone", "capacity", "online_url"),
        kind=Event.Kind.ONLINE,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=data["duration_minutes"]),
        host=organisations[data["host"]],
    )


def _create_day(data: dict[str, Any], organisations: dict[str, Organisation]) -> int:
    campaign = Campaign.objects.get(slug=data["campaign"])
    day = DayOfAction.objects.create(
        campaign=campaign,
        **_content(data, "slug", "title", "description"),
        date=timezone.localdate() + timedelta(days=data["days_from_now"]),
    )
    for city, country, zone, hour, venue, sponsors in data["actions"]:
        starts_at = _at(data["days_from_now"], hour, 0, zone)
        event = Event.objects.create(
            campaign=campaign,
            day_of_action=day,
            slug=f"{day.slug}-{country.lower()}-{city.lower().replace(' ', '-')}",
            title={
                "en": f"{city}: solidarity with the general strike",
                "es": f"{city}: solidaridad con la huelga general",
            },
            kind=Event.Kind.IN_PERSON,
            venue=venue,
            city=city,
            country=country,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            timezone=zone,
            host=campaign.owner,
        )
        for slug in sponsors:
            organisation = organisations[slug]
            Cosponsor.objects.create(
                event=event,
                **_approved(organisation, at=timezone.now()),
                website=organisation.website,
                status=Cosponsor.Status.APPROVED,
            )
    return len(data["actions"])


def _create_fund(data: dict[str, Any]) -> Fund:
    """A fund with its rates, a few gifts received and two approved expenses."""
    campaign = Campaign.objects.get(slug=data["campaign"])
    fund = Fund.objects.create(
        campaign=campaign,
        **_content(data, "slug", "title", "purpose", "goal_currency", "bank_details"),
        goal_minor=data["goal"],
    )
    for currency, rate in data["rates"].items():
        ExchangeRate.objects.create(fund=fund, currency=currency, rate=Decimal(rate))
    # Written directly, not through the services: demo gifts send no emails.
    totals: dict[str, int] = {}
    for index, (days_ago, currency, amount, method) in enumerate(data["gifts"]):
        when = timezone.now() - timedelta(days=days_ago)
        email = f"demo-donor-{index}@example.org"
        donation = Donation.objects.create(
            fund=fund,
            method=method,
            status=Donation.Status.SUCCEEDED,
            amount_minor=amount * 100,
            currency=currency,
            email=email,
            email_index=pii.email_index(email),
            anonymous=True,
            language=campaign.languages[0],
            source="demo",
            succeeded_at=when,
        )
        Donation.objects.filter(pk=donation.pk).update(created_at=when)
        LedgerEntry.objects.create(
            fund=fund,
            kind=LedgerEntry.Kind.INCOME,
            date=when.date(),
            amount_minor=amount * 100,
            currency=currency,
            category=LedgerEntry.Category.GIFTS,
            description=in_every_language(gettext_noop("Gift by bank transfer")),
            donation=donation,
            approved_at=when,
        )
        totals[currency] = totals.get(currency, 0) + amount * 100
    for currency, minor in totals.items():
        gifts = sum(1 for gift in data["gifts"] if gift[1] == currency)
        FundTotal.objects.create(fund=fund, currency=currency, raised_minor=minor, gifts=gifts)
    for days_ago, category, amount, description in data["expenses"]:
        LedgerEntry.objects.create(
            fund=fund,
            kind=LedgerEntry.Kind.EXPENSE,
            date=(timezone.now() - timedelta(days=days_ago)).date(),
            amount_minor=amount * 100,
            currency="USD",
            category=category,
            description=description,
            approved_at=timezone.now(),
        )
    return fund


def _create_petition(data: dict[str, Any]) -> Petition:
    campaign = Campaign.objects.get(slug=data["campaign"])
    petition = Petition.objects.create(
        campaign=campaign,
        **_content(data, "slug", "kind", "goal", "title", "target", "text", "next_action_label"),
        # No address: the thank-you page links to the campaign in the signer's language.
        next_action_url="",
    )
    if data["organisations"] == "campaign-partners-and-owner":
        now = timezone.now()
        for organisation in [campaign.owner, *campaign.partners.all()]:
            OrganisationSignature.objects.create(
                petition=petition,
                **_approved(organisation, at=now),
                region=organisation.region,
                status=OrganisationSignature.Status.APPROVED,
            )
    return petition


def _create_campaign(data: dict[str, Any], organisations: dict[str, Organisation]) -> Campaign:
    campaign = Campaign.objects.create(
        **_content(data, "slug", "title", "summary", "story", "languages"),
        image_alt=data.get("image_alt") or {},
        owner=organisations[data["owner"]],
    )
    campaign.partners.set([organisations[slug] for slug in data["partners"]])
    now = timezone.now()
    for update in data["updates"]:
        CampaignUpdate.objects.create(
            campaign=campaign,
            title=update["title"],
            body=update["body"],
            published_at=now - timedelta(days=update["days_ago"]),
        )
    if data["status"] != Campaign.Status.DRAFT:
        campaign_set_status(campaign=campaign, status=data["status"])
    return campaign


def demo_organiser_reset() -> tuple[str, str]:
    """The demo organiser account with a fresh random password, owner of the demo's
    owners (the campaigns' and the buying round's).

    A new password on every start: nothing fixed is ever printed twice or
    written in the repository.
    """
    user_model = get_user_model()
    password = secrets.token_urlsafe(12)
    with transaction.atomic():
        user, _created = user_model.objects.get_or_create(
            username=DEMO_ORGANISER, defaults={"is_staff": True}
        )
        user.is_staff = True
        user.is_active = True
        user.set_password(password)
        user.save()
        # The campaigns' owners, and the German group that runs the buying round.
        owners = {data["owner"] for data in CAMPAIGNS} | {GERMAN_GROUP["slug"]}
        for organisation in Organisation.objects.filter(slug__in=owners):
            Membership.objects.get_or_create(
                user=user, organisation=organisation, defaults={"role": Membership.Role.OWNER}
            )
    return DEMO_ORGANISER, password
