"""Typed errors that the interface shows to the user in plain language."""


class LongchengError(Exception):
    """A refusal the user should read; `message` is already translated."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ConcurrentEditError(LongchengError):
    """Somebody else saved the record after this user opened it."""


class PermissionRefused(LongchengError):
    """The actor may not do this."""
