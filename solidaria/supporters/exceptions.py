class SupporterError(Exception):
    """A request about a supporter that the rules do not allow."""


class SupporterErased(SupporterError):
    pass


class ActionNotFound(SupporterError):
    """The action named is not this person's, or cannot be ended from their page."""


class AccessRefused(SupporterError):
    """A link to a person's own page cannot be sent or opened; the message says why."""


class ActionRefused(SupporterError):
    """An app could not end an action or erase its data now (a payment provider out
    of reach, say); nothing was changed. The message is for the person."""
