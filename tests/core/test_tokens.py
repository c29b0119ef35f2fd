from __future__ import annotations

import pytest

from solidaria.core.privacy.tokens import new_token, token_hash
from solidaria.fundraising.models import Donation
from solidaria.fundraising.services import donation_for_manage_token, pledge_create
from solidaria.petitions.models import Signature
from solidaria.petitions.services import signature_create, signature_for_token
from tests import factories

# A token from a link emailed before the hash moved to core, and the hash stored for it.
OLD_TOKEN = "kX2v9-link-token_from-an-old-email"
OLD_HASH = "032117221b70d4ca951be561988a0e9c2eb9eb95c882794ef76ff14b6067dc5a"


def test_the_hash_is_the_one_stored_so_far() -> None:
    assert token_hash(OLD_TOKEN) == OLD_HASH


def test_a_new_token_is_random_and_comes_with_its_hash() -> None:
    (token, stored), (other, _stored) = new_token(), new_token()
    assert token != other and len(token) >= 32
    assert stored == token_hash(token) != token


@pytest.mark.django_db
def test_a_link_emailed_before_still_opens_its_signature() -> None:
    petition = factories.PetitionFactory()
    signature_create(
        petition=petition,
        name="Ana Gómez",
        email="ana@example.org",
        country="AR",
        language="en",
        ip="203.0.113.7",
    )
    Signature.objects.update(token_hash=OLD_HASH)
    assert signature_for_token(OLD_TOKEN).petition == petition


@pytest.mark.django_db
def test_a_link_emailed_before_still_opens_its_monthly_gift() -> None:
    donation = pledge_create(
        fund=factories.FundFactory(),
        amount_minor=2500,
        currency="USD",
        name="Ana Gómez",
        email="ana@example.org",
        language="en",
    )
    Donation.objects.filter(pk=donation.pk).update(manage_token_hash=OLD_HASH)
    assert donation_for_manage_token(OLD_TOKEN) == donation
    assert donation_for_manage_token("another-token") is None
