"""Every change to petitions and signatures.

The signing request does only what must be durable before the answer: one
INSERT. Rate limits, confirmation emails, counts, supporter records and consent
records are applied by `petition_tick`, which the scheduler runs every couple of
seconds in the task worker, before anything is emailed or counted.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from solidaria.core.db.rates import arriving_faster_than
from solidaria.core.db.rows import RowInserter
from solidaria.core.mail.outbox import email_prepare, email_queue, email_queue_all
from solidaria.core.privacy import pii
from solidaria.core.privacy.audit import Actor, audit_log
from solidaria.core.privacy.tokens import new_token, token_hash
from solidaria.core.rendering.i18n import localize
from solidaria.organisations.models import Organisation
from solidaria.supporters.services import (
    consent_record_once,
    consent_text_at,
    supporter_acted,
    supporter_get_or_create,
)

from .exceptions import PetitionClosed, SignatureNotFound
from .models import (
    CountChange,
    OrganisationSignature,
    Petition,
    PetitionCount,
    Signature,
    referral_code_for,
    referral_signature_id,
)

# (window in seconds, most signatures from one address on one petition in it)
DEFAULT_RATE_LIMITS = ((60, 1), (300, 5))
# The same, in addition, for signatures without a solved proof of work, counting
# only the address's earlier ones without one: sending those costs a bot nothing.
DEFAULT_RATE_LIMITS_WITHOUT_PROOF = ((600, 1),)
# Small batches: each is one write transaction, and signers wait for the lock meanwhile.
TICK_BATCH = 50
# Confirmations queued per round during a surge: a trickle, so that none waits
# forever, but cheap. Measured at a paced 1,000 signatures/s on two cores
# (SQLite), where signing takes all but half a core: with this trickle signing
# held 1,000/s (p50 3.3 ms); queueing for a tenth of each round instead cut it to
# 950-970/s (p50 7 ms), and without a limit to 770/s.
SURGE_BATCH = 10
# How long one tick may keep queueing confirmations (in batches) before it yields:
# most of the tick interval (2 s), since after a surge the backlog is what keeps
# signers waiting for their link (a second of every two queued 87,000 in 244 s).
# Counts are folded at the start of each tick, so they lag by two ticks at most.
TICK_SECONDS = 1.8
# The window in which signing is measured against SIGNING_SURGE_RATE.
SURGE_WINDOW_SECONDS = 2


@dataclass(frozen=True)
class SignResult:
    signature_id: int | None
    referral_code: str
    duplicate: bool


def _rate_limits() -> tuple[tuple[int, int], ...]:
    return tuple(getattr(settings, "SIGNING_RATE_LIMITS", DEFAULT_RATE_LIMITS))


def _rate_limits_without_proof() -> tuple[tuple[int, int], ...]:
    return tuple(
        getattr(settings, "SIGNING_RATE_LIMITS_WITHOUT_PROOF", DEFAULT_RATE_LIMITS_WITHOUT_PROOF)
    )


def _longest_window() -> timedelta:
    return timedelta(
        seconds=max(window for window, _n in (*_rate_limits(), *_rate_limits_without_proof()))
    )


def _most_in_a_window() -> int:
    return max(limit for _w, limit in (*_rate_limits(), *_rate_limits_without_proof()))


# Signing is the hottest path there is: its INSERT is compiled once, not per call.
_signature_rows = RowInserter(Signature)


def _reached(times: list[datetime], at: datetime, limits: tuple[tuple[int, int], ...]) -> bool:
    return any(
        sum(1 for created_at in times if created_at >= at - timedelta(seconds=window)) >= limit
        for window, limit in limits
    )


def _over_limits(earlier: list[tuple[datetime, bool]], at: datetime, *, proof_solved: bool) -> str:
    """The rate limits themselves: which one a signature made at `at` passes, given
    the address's earlier signatures (their times, and whether each came with a
    solved proof of work), as its `suspect_reason`; "" for none.

    Every signature is held to the limits, whatever its earlier ones came with;
    one without a solved proof also to the stricter limits, counting only the
    earlier ones without one, so that a household or an office signing with and
    without JavaScript is not held back by the other kind."""
    if _reached([created_at for created_at, _solved in earlier], at, _rate_limits()):
        return "rate_limit"
    if not proof_solved and _reached(
        [created_at for created_at, solved in earlier if not solved],
        at,
        _rate_limits_without_proof(),
    ):
        return "rate_limit_no_proof"
    return ""


def _recent_signatures(
    addresses: Q, *, since: datetime, most: int
) -> QuerySet[Signature, tuple[int, str, int, datetime, bool]]:
    """(petition_id, ip_hash, pk, created_at, proof_solved) of the newest `most`
    signatures since `since` of each address (petition and hash) in `addresses`,
    those with and without a solved proof apart: the limits without proof count
    only the latter, which the newest of all the address's signatures may not
    reach back to."""
    return (
        Signature.objects.filter(addresses, created_at__gte=since)
        .annotate(
            newest=Window(
                RowNumber(),
                partition_by=[F("petition_id"), F("ip_hash"), F("proof_solved")],
                order_by=F("pk").desc(),
            )
        )
        .filter(newest__lte=most)
        .order_by()
        .values_list("petition_id", "ip_hash", "pk", "created_at", "proof_solved")
    )


def _over_rate_limit(petition_id: int, ip_hash: str, now: datetime, *, proof_solved: bool) -> bool:
    """Whether one more signature from this address now would pass a limit.

    Only for signing again with an address that has signed (rare); new signatures
    are judged in batches by the tick (`_over_rate_limit_ids`). The newest few
    are all a limit needs."""
    recent = _recent_signatures(
        Q(petition_id=petition_id, ip_hash=ip_hash),
        since=now - _longest_window(),
        most=_most_in_a_window(),
    )
    earlier = [(created_at, solved) for _p, _h, _pk, created_at, solved in recent]
    return bool(_over_limits(earlier, now, proof_solved=proof_solved))


def signature_create(
    *,
    petition: Petition,
    name: str,
    email: str,
    country: str,
    city: str = "",
    comment: str = "",
    show_publicly: bool = False,
    consent_owner: bool = False,
    consent_partner: bool = False,
    language: str,
    ip: str,
    source: str = "",
    referrer_code: str = "",
    partner: Organisation | None = None,
    honeypot_filled: bool = False,
    proof_solved: bool = False,
) -> SignResult:
    """Stores one signature, or notes that this address has already signed.

    `proof_solved` says that a proof of work came with it and was verified; one
    without is taken, marked, and held to stricter rate limits.

    Caught by the honeypot, the signature is stored as suspect; over the rate
    limit, the tick marks it suspect before any email goes out. Either way it is
    never counted, and the answer looks the same, so a bot learns nothing.
    """
    if not petition.accepts_signatures:
        raise PetitionClosed(_("This petition is closed."))
    now = timezone.now()
    ip_hash = pii.ip_hash(ip)
    suspect_reason = "honeypot" if honeypot_filled else ""
    referrer_id = referral_signature_id(referrer_code) if referrer_code else None
    if referrer_id and not Signature.objects.filter(pk=referrer_id, petition=petition).exists():
        referrer_id = None
    try:
        signature_id = _signature_rows.insert(
            {
                "petition_id": petition.pk,
                "status": Signature.Status.SUSPECT if suspect_reason else Signature.Status.PENDING,
                "suspect_reason": suspect_reason,
                "proof_solved": proof_solved,
                "email_index": pii.email_index(email),
                "email_domain_index": pii.email_domain_index(email),
                "email": email.strip(),
                "name": name.strip(),
                "city": city.strip(),
                "comment": comment.strip(),
                "comment_status": Signature.CommentStatus.PENDING if comment.strip() else "",
                "country": country,
                "language": language,
                "show_publicly": show_publicly,
                "consent_owner": consent_owner,
                "consent_partner": consent_partner and partner is not None,
                "source": source[:64],
                "partner_id": partner.pk if partner else None,
                "referrer_id": referrer_id,
                "ip_hash": ip_hash,
                "created_at": now,
            }
        )
    except IntegrityError:
        # Signed before: the owner of the address is told by email, nobody else.
        existing = Signature.objects.filter(
            petition=petition, email_index__in=pii.email_indexes(email)
        ).values_list("pk", flat=True)
        existing_id = existing.first()
        if existing_id is None:
            raise
        if not suspect_reason and not _over_rate_limit(
            petition.pk, ip_hash, now, proof_solved=proof_solved
        ):
            Signature.objects.filter(pk=existing_id).update(duplicate_notice_owed=True)
        return SignResult(
            signature_id=existing_id, referral_code=referral_code_for(existing_id), duplicate=True
        )
    return SignResult(
        signature_id=signature_id, referral_code=referral_code_for(signature_id), duplicate=False
    )


def _signature_by_token(token: str) -> Signature:
    signature = (
        Signature.objects.select_related("petition__campaign__owner", "partner")
        .filter(token_hash=token_hash(token))
        .exclude(token_hash="")  # the partial index's own condition, so SQLite uses it
        .first()
        if token
        else None
    )
    if signature is None:
        raise SignatureNotFound(_("This link is not valid any more."))
    return signature


def signature_for_token(token: str) -> Signature:
    return _signature_by_token(token)


def signature_confirm(*, token: str) -> Signature:
    """Double opt-in. Idempotent: confirming twice counts once."""
    with transaction.atomic():
        signature = _signature_by_token(token)
        if signature.status != Signature.Status.PENDING:
            return signature
        signature.status = Signature.Status.CONFIRMED
        signature.confirmed_at = timezone.now()
        signature.save(update_fields=["status", "confirmed_at"])
        CountChange.objects.create(petition_id=signature.petition_id, delta=1)
    return signature


def signature_withdraw(*, token: str) -> Signature:
    """From the link in the signer's email."""
    return signature_withdraw_by_signer(signature=_signature_by_token(token))


def signature_withdraw_by_signer(*, signature: Signature) -> Signature:
    """The signer takes their name off; a confirmed signature stops counting.
    Idempotent. Callers have checked that the signature is the person's own."""
    with transaction.atomic():
        signature.status = (
            Signature.objects.select_for_update()
            .values_list("status", flat=True)
            .get(pk=signature.pk)
        )
        if signature.status == Signature.Status.WITHDRAWN:
            return signature
        was_counted = signature.status == Signature.Status.CONFIRMED
        signature.status = Signature.Status.WITHDRAWN
        signature.withdrawn_at = timezone.now()
        signature.show_publicly = False
        signature.save(update_fields=["status", "withdrawn_at", "show_publicly"])
        if was_counted:
            CountChange.objects.create(petition_id=signature.petition_id, delta=-1)
    return signature


def signatures_invalidate(*, queryset: QuerySet[Signature], actor: Actor) -> int:
    """Bulk invalidation by an organiser (a burst of fakes). Counted ones are uncounted."""
    with transaction.atomic():
        # Lock by primary key: the admin's queryset may be DISTINCT, which
        # PostgreSQL cannot lock.
        ids = list(queryset.values_list("pk", flat=True))
        rows = list(
            Signature.objects.filter(pk__in=ids)
            .exclude(status=Signature.Status.INVALIDATED)
            .select_for_update()
            .values_list("pk", "petition_id", "status")
        )
        Signature.objects.filter(pk__in=[pk for pk, _p, _s in rows]).update(
            status=Signature.Status.INVALIDATED, show_publicly=False
        )
        uncounted: dict[int, int] = {}
        for _pk, petition_id, status in rows:
            if status == Signature.Status.CONFIRMED:
                uncounted[petition_id] = uncounted.get(petition_id, 0) + 1
        CountChange.objects.bulk_create(
            [CountChange(petition_id=p, delta=-n) for p, n in uncounted.items()]
        )
        for petition_id in {p for _pk, p, _s in rows}:
            audit_log(
                action="signatures.invalidated",
                actor=actor,
                obj=Petition.objects.get(pk=petition_id),
                data={"count": sum(1 for _pk, p, _s in rows if p == petition_id)},
            )
    return len(rows)


def signatures_accept_suspect(*, queryset: QuerySet[Signature], actor: Actor) -> int:
    """Suspect signatures an organiser knows to be genuine (a union office behind one
    address): they get their confirmation email and count once confirmed."""
    with transaction.atomic():
        ids = list(queryset.filter(status=Signature.Status.SUSPECT).values_list("pk", flat=True))
        # Without its address hash, the tick does not judge it by the rate limit again.
        Signature.objects.filter(pk__in=ids).update(
            status=Signature.Status.PENDING,
            suspect_reason="",
            confirmation_queued=False,
            ip_hash="",
        )
        for petition in Petition.objects.filter(signatures__pk__in=ids).distinct():
            audit_log(
                action="signatures.accepted",
                actor=actor,
                obj=petition,
                organisation=petition.campaign.owner,
                data={"count": len(ids)},
            )
    return len(ids)


def signature_comment_moderate(*, signature: Signature, approve: bool, actor: Actor) -> None:
    signature.comment_status = (
        Signature.CommentStatus.APPROVED if approve else Signature.CommentStatus.REJECTED
    )
    signature.save(update_fields=["comment_status"])
    audit_log(
        action="signature.comment_approved" if approve else "signature.comment_rejected",
        actor=actor,
        obj=signature,
        organisation=signature.petition.campaign.owner,
    )


# --- the worker's side -----------------------------------------------------------


# Where a link's token goes, in the URL reversed once per language.
TOKEN_SLOT = "TOKEN"  # noqa: S105 - a placeholder, not a secret


class _EmailPages:
    """What a batch's emails link to and say about their petition, worked out once
    per petition and language rather than once per signer (three URL look-ups and
    a title each were a quarter of the time it took to queue an email)."""

    def __init__(self) -> None:
        self._petitions: dict[tuple[int, str], dict[str, object]] = {}
        # Per language, each link as the text before and after its token.
        self._links: dict[str, tuple[tuple[str, str], tuple[str, str]]] = {}

    def context(self, signature: Signature, token: str) -> dict[str, object]:
        language = signature.language
        key = (signature.petition_id, language)
        if key not in self._petitions:
            self._petitions[key] = self._petition(signature.petition, language)
        if language not in self._links:
            with translation.override(language):
                self._links[language] = (
                    self._around_token("petitions:confirm"),
                    self._around_token("petitions:withdraw"),
                )
        (confirm_head, confirm_tail), (withdraw_head, withdraw_tail) = self._links[language]
        return {
            "name": signature.name,
            **self._petitions[key],
            "confirm_url": f"{confirm_head}{token}{confirm_tail}",
            "withdraw_url": f"{withdraw_head}{token}{withdraw_tail}",
        }

    @staticmethod
    def _around_token(name: str) -> tuple[str, str]:
        url = settings.SITE_URL + reverse(name, args=[TOKEN_SLOT])
        head, _slot, tail = url.rpartition(TOKEN_SLOT)
        return head, tail

    @staticmethod
    def _petition(petition: Petition, language: str) -> dict[str, object]:
        languages = petition.campaign.languages
        with translation.override(language):
            petition_url = settings.SITE_URL + petition.get_absolute_url()
        return {
            "petition_title": str(
                localize(petition.title, languages=languages, requested=language)
            ),
            "petition_url": petition_url,
            "is_open_letter": petition.is_open_letter,
        }


def _owed(*, limit: int | None = None, **flag: bool) -> list[Signature]:
    """The oldest signatures owed an email, each with its petition and campaign.

    A batch's signatures share a petition or two: those are loaded once, not
    joined to every row (building a petition and its campaign for each of 50
    rows took a quarter of the time it took to queue their emails)."""
    owed = list(Signature.objects.filter(**flag).order_by("pk")[: limit or TICK_BATCH])
    petitions = Petition.objects.select_related("campaign").in_bulk(
        {signature.petition_id for signature in owed}
    )
    for signature in owed:
        signature.petition = petitions[signature.petition_id]
    return owed


def _email_signers(
    signatures: list[Signature], *, template: str, owed: dict[str, bool], done: dict[str, bool]
) -> int:
    """A fresh link token each (only its hash is kept) and the email carrying it,
    for a batch of signers in one short transaction; returns how many were owed.

    Tokens and messages are prepared before the transaction, so the write lock is
    held only for the writes (a batch of 50: a few milliseconds), and the delivery
    workers are woken once. Only signers still owed an email when the transaction
    starts are written: on PostgreSQL their rows are locked, and on SQLite every
    transaction holds the write lock from its start (IMMEDIATE), so two ticks
    running at once never both send one."""
    prepared = []
    pages = _EmailPages()
    for signature in signatures:
        token, stored_hash = new_token()
        email = email_prepare(
            to=signature.email,
            template=template,
            context={**pages.context(signature, token), "status": signature.status},
            language=signature.language,
        )
        prepared.append((signature.pk, stored_hash, email))
    if not prepared:
        return 0
    with transaction.atomic():
        still_owed = set(
            Signature.objects.select_for_update()
            .filter(pk__in=[pk for pk, _hash, _email in prepared], **owed)
            .values_list("pk", flat=True)
        )
        mine = [row for row in prepared if row[0] in still_owed]
        _signatures_emailed([(pk, stored_hash) for pk, stored_hash, _email in mine], done=done)
        email_queue_all([email for _pk, _hash, email in mine])
    return len(mine)


def _signatures_emailed(tokens: list[tuple[int, str]], *, done: dict[str, bool]) -> None:
    """Writes each signer's new token hash and the flag saying the email is
    queued, one prepared statement run for all (an ORM update each took a third
    of the time it took to queue a confirmation)."""
    ((flag, value),) = done.items()
    # Plain boolean fields, whose columns are named as they are.
    assert flag in ("confirmation_queued", "duplicate_notice_owed")
    table = connection.ops.quote_name(Signature._meta.db_table)
    column = connection.ops.quote_name(flag)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET token_hash = %s, {column} = %s WHERE id = %s",  # noqa: S608
            [(stored_hash, value, pk) for pk, stored_hash in tokens],
        )


def _over_rate_limit_ids(signatures: list[Signature]) -> dict[int, str]:
    """The new signatures that came from an address over a rate limit, with the
    limit's `suspect_reason`.

    Judged here, in batches, rather than in the signing request, where it cost
    every signature a query. As at the door, every earlier signature from the
    address on the petition counts, suspect or not. A signature with no address
    hash has been let through by an organiser (`signatures_accept_suspect`)."""
    new = [s for s in signatures if s.status == Signature.Status.PENDING and s.ip_hash]
    if not new:
        return {}
    since = min(s.created_at for s in new) - _longest_window()
    # A signature is over a limit once `limit` earlier ones fall in its window, so
    # each needs only that many before it, and the rows between it and the batch's
    # last are at most the batch: a flood from one address brings back a bounded
    # number of rows, not the whole flood (the database still scans the flood's
    # rows in the window to number them).
    most = len(signatures) + _most_in_a_window()
    groups: dict[tuple[int, str], list[Signature]] = {}
    for signature in new:
        groups.setdefault((signature.petition_id, signature.ip_hash), []).append(signature)
    # One query for every address in the batch (a query each took a seventh of the
    # worker's time while it caught up after a surge), `most` rows at most each.
    any_group = Q()
    for (petition_id, ip_hash), group in groups.items():
        any_group |= Q(petition_id=petition_id, ip_hash=ip_hash, pk__lte=max(s.pk for s in group))
    earlier: dict[tuple[int, str], list[tuple[int, datetime, bool]]] = {key: [] for key in groups}
    for petition_id, ip_hash, pk, created_at, solved in _recent_signatures(
        any_group, since=since, most=most
    ):
        earlier[(petition_id, ip_hash)].append((pk, created_at, solved))
    reasons = {
        signature.pk: _over_limits(
            [
                (created_at, solved)
                for pk, created_at, solved in earlier[(signature.petition_id, signature.ip_hash)]
                if pk < signature.pk
            ],
            signature.created_at,
            proof_solved=signature.proof_solved,
        )
        for signature in new
    }
    return {pk: reason for pk, reason in reasons.items() if reason}


def _send_confirmations(batch: int | None = None) -> int:
    owed = _owed(limit=batch, confirmation_queued=False)
    over_limit = _over_rate_limit_ids(owed)
    # Suspect signatures get no email: we must not be a spam cannon.
    no_email = {s.pk for s in owed if s.status != Signature.Status.PENDING}
    with transaction.atomic():
        for reason in set(over_limit.values()):
            Signature.objects.filter(
                pk__in=[pk for pk, r in over_limit.items() if r == reason],
                status=Signature.Status.PENDING,
            ).update(
                status=Signature.Status.SUSPECT, suspect_reason=reason, confirmation_queued=True
            )
        # Unless an organiser has just accepted it: then it is owed its email.
        Signature.objects.filter(pk__in=no_email).exclude(status=Signature.Status.PENDING).update(
            confirmation_queued=True
        )
    _email_signers(
        [s for s in owed if s.pk not in over_limit and s.pk not in no_email],
        template="petition_confirm",
        owed={"confirmation_queued": False},
        done={"confirmation_queued": True},
    )
    return len(owed)


def _send_duplicate_notices() -> int:
    # Only once the signature has been judged by the rate limits: the notice
    # carries its confirmation link.
    judged = {"duplicate_notice_owed": True, "confirmation_queued": True}
    owed = _owed(**judged)
    _email_signers(
        owed,
        template="petition_already_signed",
        owed=judged,
        done={"duplicate_notice_owed": False},
    )
    return len(owed)


def _fold_counts() -> int:
    with transaction.atomic():
        last = CountChange.objects.order_by("-pk").values_list("pk", flat=True).first()
        if last is None:
            return 0
        sums = (
            CountChange.objects.filter(pk__lte=last)
            .values("petition_id")
            .annotate(total=Sum("delta"))
        )
        for row in sums:
            count, _created = PetitionCount.objects.get_or_create(petition_id=row["petition_id"])
            PetitionCount.objects.filter(pk=count.pk).update(
                confirmed=count.confirmed + row["total"], updated_at=timezone.now()
            )
        deleted, _ = CountChange.objects.filter(pk__lte=last).delete()
    return deleted


def _record_supporters() -> int:
    """Confirmed signers become supporters; their consents are recorded with the wording.

    Not signatures emptied by an erasure or at the end of their campaign's retention
    period: they have no address left, and some have lost their supporter link."""
    confirmed = list(
        Signature.objects.select_related("petition__campaign__owner", "partner")
        .filter(status=Signature.Status.CONFIRMED, supporter__isnull=True)
        .exclude(email_index__startswith="erased:")
        .order_by("pk")[:TICK_BATCH]
    )
    with transaction.atomic():
        for signature in confirmed:
            supporter, _created = supporter_get_or_create(
                email=signature.email,
                name=signature.name,
                country=str(signature.country),
                language=signature.language,
            )
            Signature.objects.filter(pk=signature.pk).update(supporter=supporter)
            supporter_acted(
                supporter=supporter,
                organisation_id=signature.petition.campaign.owner_id,
                at=signature.confirmed_at or signature.created_at,
            )
            source = f"petition:{signature.petition.slug}"
            consents = []
            if signature.consent_owner:
                consents.append(signature.petition.campaign.owner)
            if signature.consent_partner and signature.partner is not None:
                consents.append(signature.partner)
            for organisation in consents:
                consent_record_once(
                    supporter=supporter,
                    consent_text=consent_text_at(organisation, signature.created_at),
                    language=signature.language,
                    source=source,
                )
    return len(confirmed)


def _purge_ip_hashes() -> int:
    """Address hashes are kept only as long as a rate limit's window needs them, and
    while signatures in that window still wait to be judged (a worker that was down)."""
    longest = _longest_window()
    cutoff = timezone.now() - longest
    oldest_unjudged = (
        Signature.objects.filter(confirmation_queued=False)
        .order_by("pk")
        .values_list("created_at", flat=True)
        .first()
    )
    if oldest_unjudged is not None:
        cutoff = min(cutoff, oldest_unjudged - longest)
    return Signature.objects.filter(created_at__lt=cutoff).exclude(ip_hash="").update(ip_hash="")


def _in_batches(step: Callable[[], int], *, seconds: float) -> int:
    """Repeats a batch step while it finds full batches, for at most `seconds`."""
    deadline = time.monotonic() + seconds
    done = 0
    while True:
        n = step()
        done += n
        if n < TICK_BATCH or time.monotonic() > deadline:
            return done


def signing_surge() -> bool:
    """Whether signatures are coming in faster than SIGNING_SURGE_RATE a second."""
    return arriving_faster_than(
        Signature,
        per_second=int(getattr(settings, "SIGNING_SURGE_RATE", 100)),
        window_seconds=SURGE_WINDOW_SECONDS,
    )


def petition_tick() -> dict[str, int]:
    """One round of the petitions' background work. Safe to run concurrently and twice.

    Counts first: however long the confirmations take, the public count lags by at
    most one tick interval plus one tick. During a surge of signatures, only a few
    confirmations a round: queuing and sending an email costs more than taking a
    signature, and on a small server the signers need the cores. After it, rounds
    follow each other without a pause until every confirmation is queued
    (`confirmations_left`)."""
    count_changes = _fold_counts()
    surge = signing_surge()
    return {
        "count_changes": count_changes,
        "surge": int(surge),
        "confirmations": (
            _send_confirmations(SURGE_BATCH)
            if surge
            else _in_batches(_send_confirmations, seconds=TICK_SECONDS)
        ),
        "duplicate_notices": _send_duplicate_notices(),
        "supporters": _record_supporters(),
        "ip_hashes_purged": _purge_ip_hashes(),
        # Left for the next round only once the surge is over: during it, the
        # scheduler's pace is what keeps the trickle a trickle.
        "confirmations_left": int(
            not surge and Signature.objects.filter(confirmation_queued=False).exists()
        ),
    }


# --- open letters: organisations -------------------------------------------------


def organisation_signature_create(
    *,
    petition: Petition,
    name: str,
    country: str,
    region: str = "",
    website: str = "",
    logo: File[bytes] | None = None,
    contact_name: str,
    contact_email: str,
    language: str,
) -> OrganisationSignature:
    if not petition.accepts_signatures or not petition.is_open_letter:
        raise PetitionClosed(_("This letter does not take signatures from organisations now."))
    signature = OrganisationSignature(
        petition=petition,
        name=name.strip(),
        country=country,
        region=region.strip(),
        website=website,
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip(),
        contact_email_index=pii.email_index(contact_email),
        language=language,
    )
    if logo:
        signature.logo = logo
    signature.save()
    email_queue(
        to=contact_email,
        template="letter_organisation_received",
        context={
            "name": contact_name,
            "organisation": name,
            "petition_title": str(
                localize(petition.title, languages=petition.campaign.languages, requested=language)
            ),
        },
        language=language,
    )
    return signature


def organisation_signature_decide(
    *, signature: OrganisationSignature, approve: bool, actor: Actor
) -> OrganisationSignature:
    with transaction.atomic():
        signature.status = (
            OrganisationSignature.Status.APPROVED
            if approve
            else OrganisationSignature.Status.REJECTED
        )
        signature.decided_at = timezone.now()
        signature.save(update_fields=["status", "decided_at"])
        if approve and signature.contact_email and signature.contact_supporter_id is None:
            # Their letter counts now: the contact person's action joins their record.
            supporter, _created = supporter_get_or_create(
                email=signature.contact_email,
                name=signature.contact_name,
                language=signature.language,
            )
            OrganisationSignature.objects.filter(pk=signature.pk).update(
                contact_supporter=supporter
            )
            signature.contact_supporter = supporter
            supporter_acted(
                supporter=supporter,
                organisation_id=signature.petition.campaign.owner_id,
                at=signature.created_at,
            )
        audit_log(
            action="letter.organisation_approved" if approve else "letter.organisation_rejected",
            actor=actor,
            obj=signature,
            organisation=signature.petition.campaign.owner,
        )
    return signature
