class PetitionError(Exception):
    """A request about a petition that the rules do not allow."""


class PetitionClosed(PetitionError):
    pass


class SignatureNotFound(PetitionError):
    pass
