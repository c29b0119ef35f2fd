"""Append-only ledgers with four eyes: one mechanism for a defense fund's accounts
(fundraising.LedgerEntry) and a buying round's (cooperatives.RoundLedgerEntry).

An entry is never changed once written, except to record its approval: a mistake
is corrected by a new entry that points at the old one (`corrects`), usually the
reversal of its amount. An entry typed by one organiser counts (and is public,
where the ledger is) only once a different organiser approves it.

Belongs here: the abstract entry (`models.LedgerEntryBase`: its fields and what
every ledger knows of its entries), the rules every ledger keeps, approval and
reversal (`services`), the refusal (`exceptions.LedgerError`), and the console's
shared screens (`admin`: the entry form's amount and receipt, approve and reverse
actions, receipts served to organisers only).

Not here: what an entry is a line of (a fund, a round), its kinds and categories
and their own rules; each ledger keeps those in its app.
"""
