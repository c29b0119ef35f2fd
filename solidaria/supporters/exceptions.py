class SupporterError(Exception):
    """A request about a supporter that the rules do not allow."""


class SupporterErased(SupporterError):
    pass
