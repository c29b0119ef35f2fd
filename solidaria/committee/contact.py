"""Writing to an organisation (or to one of its committees) in one's own language.

A message is stored encrypted and forwarded, through the task queue, to the
organisation's contact address for its language, with Reply-To the sender, so
that staff answer from their own mailbox; the sender gets an acknowledgement in
their language. Staff see the messages in the console and mark them answered.
Messages are erased 90 days after they arrive.

The acknowledgement never repeats what was written, and is sent at most a few
times an hour to one address: anyone can type anyone's address in the form, and
the form must not become a way to send them text of one's choosing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from solidaria.core.mail.outbox import email_queue
from solidaria.core.models import OutgoingEmail
from solidaria.core.privacy import pii
from solidaria.core.privacy.audit import Actor, audit_log
from solidaria.core.rendering.i18n import language_codes
from solidaria.core.web.client_limits import ClientLimit
from solidaria.organisations.models import Organisation, OrganisationContact
from solidaria.organisations.selectors import contact_for

from .models import Committee, ContactMessage

# How long a message is kept, answered or not.
CONTACT_MESSAGES_KEPT = timedelta(days=90)
# The longest message the form takes (characters).
CONTACT_MESSAGE_MAX = 5000
# Messages per hour: from one address (email), from one connection, and from one
# connection without a solved proof of work (a browser without JavaScript, or a
# bot that skips it). Settings may override them (CONTACT_RATE_LIMITS).
DEFAULT_CONTACT_RATE_LIMITS = {"address": 3, "client": 10, "client_without_proof": 3}
RATE_WINDOW = timedelta(hours=1)


class ContactRefused(Exception):
    """A message that cannot be taken; the text is for the visitor, in their language."""


class ContactUnavailable(ContactRefused):
    """The organisation has no contact address: there is nowhere to forward to."""


class ContactRateLimited(ContactRefused):
    """Too many messages from this address or connection within the hour."""


def _rate_limits() -> dict[str, int]:
    return {**DEFAULT_CONTACT_RATE_LIMITS, **getattr(settings, "CONTACT_RATE_LIMITS", {})}


def contact_organisation_get(*, slug: str) -> Organisation:
    """The organisation people write to, with its contact addresses (one query); 404
    when there is no such organisation or it has no address to write to."""
    organisation = (
        Organisation.objects.prefetch_related(
            Prefetch("contacts", queryset=OrganisationContact.objects.order_by("language"))
        )
        .filter(slug=slug)
        .first()
    )
    if organisation is None or not organisation.contacts.all():
        raise Http404
    return organisation


def _over_limit(*, email_index: str, ip: str, proof_solved: bool, now: datetime) -> str | None:
    """Why one more message would pass a limit, in the visitor's language; None if not.

    Addresses are counted from the stored messages (their blind index); connections
    in the shared cache only, so that no trace of an IP address is kept with a
    message."""
    limits = _rate_limits()
    recent = ContactMessage.objects.filter(
        email_index=email_index, created_at__gte=now - RATE_WINDOW
    ).count()
    if recent >= limits["address"]:
        return _(
            "Several messages were sent from this address in the last hour. Please wait "
            "for an answer, or try again in an hour."
        )
    if _client_limit().reached(ip, proof_solved=proof_solved):
        return _("Too many messages were sent from this connection. Please try again later.")
    return None


def _client_limit() -> ClientLimit:
    limits = _rate_limits()
    return ClientLimit(
        scope="contact",
        most=limits["client"],
        most_without_proof=limits["client_without_proof"],
        window=RATE_WINDOW,
    )


def contact_message_send(
    *,
    organisation: Organisation,
    committee: Committee | None = None,
    name: str,
    email: str,
    message: str,
    language: str,
    ip: str = "",
    proof_solved: bool = False,
    honeypot_filled: bool = False,
) -> ContactMessage | None:
    """Stores a message to `organisation` (written on `committee`'s page, if given)
    and queues it to the organisation's contact address for `language`, Reply-To the
    sender, with an acknowledgement to the sender in `language`.

    Returns None, storing and sending nothing, when the honeypot was filled in: the
    visitor is answered as if it had gone. Raises ContactUnavailable when the
    organisation has no contact address, ContactRateLimited over a limit, and
    ContactRefused for a committee of another organisation or an unknown language."""
    if honeypot_filled:
        return None
    if language not in language_codes():
        raise ContactRefused(_("Please choose one of the languages offered."))
    if committee is not None and committee.organisation_id != organisation.pk:
        raise ContactRefused(_("This committee does not belong to this organisation."))
    name, message = name.strip(), message.strip()
    if not name or not message or len(message) > CONTACT_MESSAGE_MAX:
        raise ContactRefused(_("Please write your name and a message."))
    contact = contact_for(organisation, language)
    if contact is None:
        raise ContactUnavailable(
            _("%(organisation)s has no contact address yet: it cannot be written to here.")
            % {"organisation": organisation.name}
        )
    now = timezone.now()
    email_index = pii.email_index(email)
    with transaction.atomic():
        if refusal := _over_limit(
            email_index=email_index, ip=ip, proof_solved=proof_solved, now=now
        ):
            raise ContactRateLimited(refusal)
        stored = ContactMessage.objects.create(
            organisation=organisation,
            committee=committee,
            name=name,
            email=email,
            email_index=email_index,
            message=message,
            language=language,
            sent_to=contact.email,
        )
        about = committee.name_in(contact.language) if committee else ""
        with translation.override(contact.language):
            language_name = str(translation.get_language_info(language)["name_translated"])
        stored.forward = email_queue(
            to=contact.email,
            template="committee_contact_forward",
            language=contact.language,
            reply_to=email,
            context={
                "name": name,
                "email": email,
                "message": message,
                "language_name": language_name,
                "organisation_name": organisation.name,
                "committee_name": about,
                "console_url": settings.SITE_URL
                + reverse("admin:committee_contactmessage_change", args=[stored.pk]),
            },
        )
        stored.save(update_fields=["forward"])
        email_queue(
            to=email,
            template="committee_contact_received",
            language=language,
            reply_to=contact.email,
            context={
                "organisation_name": organisation.name,
                "committee_name": committee.name_in(language) if committee else "",
            },
        )
        _client_limit().count(ip, proof_solved=proof_solved)
    return stored


def contact_message_answer(*, message: ContactMessage, actor: Actor) -> bool:
    """Staff mark a message answered; False if it already was (nothing changes)."""
    return _set_status(
        message,
        actor=actor,
        status=ContactMessage.Status.ANSWERED,
        answered_at=timezone.now(),
        action="contact_message.answered",
    )


def contact_message_reopen(*, message: ContactMessage, actor: Actor) -> bool:
    """Staff put an answered message back among the open ones; False if it was open."""
    return _set_status(
        message,
        actor=actor,
        status=ContactMessage.Status.OPEN,
        answered_at=None,
        action="contact_message.reopened",
    )


def _set_status(
    message: ContactMessage,
    *,
    actor: Actor,
    status: str,
    answered_at: datetime | None,
    action: str,
) -> bool:
    with transaction.atomic():
        # Conditional: two members of staff pressing at once change it once.
        changed = (
            ContactMessage.objects.filter(pk=message.pk)
            .exclude(status=status)
            .update(status=status, answered_at=answered_at)
        )
        if changed:
            audit_log(
                action=action,
                actor=actor,
                obj=message,
                organisation=message.organisation,
            )
    if changed:
        message.status, message.answered_at = status, answered_at
    return bool(changed)


def contact_messages_expire(*, now: datetime) -> int:
    """Erases messages older than 90 days, answered or not; returns how many. Running
    it again erases nothing more. One audit entry per run that erased any."""
    with transaction.atomic():
        erased, _by_model = ContactMessage.objects.filter(
            created_at__lt=now - CONTACT_MESSAGES_KEPT
        ).delete()
        if erased:
            audit_log(action="contact_messages.expired", data={"messages": erased})
    return erased


def contact_messages_erase(*, email_indexes: Sequence[str]) -> int:
    """Erases every message sent from a person's address (found by its blind indexes
    under every key), for the person's erasure (`personal_data.py`), with any
    forward of them not sent yet: it carries what they wrote."""
    messages = ContactMessage.objects.filter(email_index__in=email_indexes)
    OutgoingEmail.objects.filter(pk__in=messages.values("forward_id")).exclude(
        status=OutgoingEmail.Status.SENT
    ).delete()
    erased, _by_model = messages.delete()
    return erased
