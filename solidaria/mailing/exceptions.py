class MailingError(Exception):
    """A mailing cannot be written, sent or changed like this; the message says why,
    in the organiser's language."""


class MailingNotAllowed(MailingError):
    """The staff member's role does not allow it (a viewer sending, say)."""
