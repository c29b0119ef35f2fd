"""What the committee's rules refuse. Each message is for the person who asked, in
their language (raised with gettext while their language is active), and names no
one: it may be shown on a public page."""


class CommitteeError(Exception):
    """A request about a committee that the rules do not allow."""


class CommitteeClosed(CommitteeError):
    """The committee takes no new members or proposals now."""


class InvalidInput(CommitteeError):
    """Text empty or too long, an unknown language, skill, country or kind."""


class LinkInvalid(CommitteeError):
    """A confirmation link that was forged, already used or replaced by a newer one."""


class NotAllowed(CommitteeError):
    """Not a confirmed member of this committee, or not one of its organisers."""


class WrongState(CommitteeError):
    """The proposal or comment is not in a state that allows this (any more)."""


class AlreadySupported(CommitteeError):
    """A member supports each proposal once."""


class TooMany(CommitteeError):
    """Too many requests from one connection within the hour."""
