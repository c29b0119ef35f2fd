"""Loads the demo organisations and campaigns. Idempotent: keyed on slugs, never duplicates."""

from __future__ import annotations

import secrets
from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from solidaria.campaigns.models import Campaign, CampaignUpdate
from solidaria.campaigns.services import campaign_set_status
from solidaria.core.privacy import pii
from solidaria.events.models import Cosponsor, DayOfAction, Event
from solidaria.events.zones import local_to_utc
from solidaria.fundraising.models import Donation, ExchangeRate, Fund, FundTotal, LedgerEntry
from solidaria.fundraising.services import in_every_language
from solidaria.organisations.models import Membership, Organisation, OrganisationContact
from solidaria.petitions.models import OrganisationSignature, Petition

from .content import CAMPAIGNS, ORGANISATIONS
from .event_content import DAY, PANEL
from .fund_content import FUNDS
from .petition_content import PETITIONS

# Any: the demonstration records of the *_content modules, each key holding the value
# its model field takes.

DEMO_ORGANISER = "organiser"


def demo_load() -> dict[str, int]:
    """Creates what is missing of the demo; leaves whatever exists (and edits to it) alone."""
    created = {"organisations": 0, "campaigns": 0}
    with transaction.atomic():
        organisations: dict[str, Organisation] = {}
        for data in ORGANISATIONS:
            organisation, was_created = Organisation.objects.get_or_create(
                slug=data["slug"],
                defaults={
                    "name": data["name"],
                    "country": data["country"],
                    "region": data["region"],
                    "website": data["website"],
                    "languages": data["languages"],
                },
            )
            if was_created:
                created["organisations"] += 1
                for language, email in data["contacts"].items():
                    OrganisationContact.objects.create(
                        organisation=organisation, language=language, email=email
                    )
            organisations[data["slug"]] = organisation
        for data in CAMPAIGNS:
            if Campaign.objects.filter(slug=data["slug"]).exists():
                continue
            _create_campaign(data, organisations)
            created["campaigns"] += 1
        created["petitions"] = 0
        for data in PETITIONS:
            if Petition.objects.filter(slug=data["slug"]).exists():
                continue
            _create_petition(data)
            created["petitions"] += 1
        created["funds"] = 0
        for data in FUNDS:
            if Fund.objects.filter(slug=data["slug"]).exists():
                continue
            _create_fund(data)
            created["funds"] += 1
        created["events"] = 0
        if not Event.objects.filter(slug=PANEL["slug"]).exists():
            _create_panel(PANEL, organisations)
            created["events"] += 1
        if not DayOfAction.objects.filter(slug=DAY["slug"]).exists():
            created["events"] += _create_day(DAY, organisations)
    return created


def _at(days_from_now: int, hour: int, minute: int, zone: str) -> datetime:
    """A wall-clock time in a zone, so many days from today, as a UTC moment."""
    day = timezone.localdate() + timedelta(days=days_from_now)
    return local_to_utc(day, time(hour, minute), zone)


def _create_panel(data: dict[str, Any], organisations: dict[str, Organisation]) -> Event:
    hour, minute = data["local_time"]
    starts_at = _at(data["days_from_now"], hour, minute, data["timezone"])
    return Event.objects.create(
        campaign=Campaign.objects.get(slug=data["campaign"]),
        slug=data["slug"],
        title=data["title"],
        description=data["description"],
        kind=Event.Kind.ONLINE,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=data["duration_minutes"]),
        timezone=data["timezone"],
        capacity=data["capacity"],
        online_url=data["online_url"],
        host=organisations[data["host"]],
    )


def _create_day(data: dict[str, Any], organisations: dict[str, Organisation]) -> int:
    campaign = Campaign.objects.get(slug=data["campaign"])
    day = DayOfAction.objects.create(
        campaign=campaign,
        slug=data["slug"],
        title=data["title"],
        description=data["description"],
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
                name=organisation.name,
                country=organisation.country,
                website=organisation.website,
                language=organisation.languages[0],
                status=Cosponsor.Status.APPROVED,
                decided_at=timezone.now(),
            )
    return len(data["actions"])


def _create_fund(data: dict[str, Any]) -> Fund:
    """A fund with its rates, a few gifts received and two approved expenses."""
    campaign = Campaign.objects.get(slug=data["campaign"])
    fund = Fund.objects.create(
        campaign=campaign,
        slug=data["slug"],
        title=data["title"],
        purpose=data["purpose"],
        goal_minor=data["goal"],
        goal_currency=data["goal_currency"],
        bank_details=data["bank_details"],
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
        slug=data["slug"],
        kind=data["kind"],
        goal=data["goal"],
        title=data["title"],
        target=data["target"],
        text=data["text"],
        next_action_label=data["next_action_label"],
        # No address: the thank-you page links to the campaign in the signer's language.
        next_action_url="",
    )
    if data["organisations"] == "campaign-partners-and-owner":
        now = timezone.now()
        for organisation in [campaign.owner, *campaign.partners.all()]:
            OrganisationSignature.objects.create(
                petition=petition,
                name=organisation.name,
                country=organisation.country,
                region=organisation.region,
                language=organisation.languages[0],
                status=OrganisationSignature.Status.APPROVED,
                decided_at=now,
            )
    return petition


def _create_campaign(data: dict[str, Any], organisations: dict[str, Organisation]) -> Campaign:
    campaign = Campaign.objects.create(
        slug=data["slug"],
        title=data["title"],
        summary=data["summary"],
        story=data["story"],
        image_alt=data.get("image_alt") or {},
        owner=organisations[data["owner"]],
        languages=data["languages"],
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
    """The demo organiser account with a fresh random password, owner of the demo's owners.

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
        owners = {data["owner"] for data in CAMPAIGNS}
        for organisation in Organisation.objects.filter(slug__in=owners):
            Membership.objects.get_or_create(
                user=user, organisation=organisation, defaults={"role": Membership.Role.OWNER}
            )
    return DEMO_ORGANISER, password
