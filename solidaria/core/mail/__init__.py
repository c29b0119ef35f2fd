"""Outgoing email: stored first, then delivered by a task in the recipient's language.

Belongs here: the outbox and its delivery (`outbox`), and the development
backend that writes each message to var/mail/ (`backends`).

Not here: what a message says (each app's templates and services decide that).
"""
