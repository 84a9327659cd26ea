"""Errors a user may see: each carries a message written for them, never a stack trace."""

from __future__ import annotations


class UserFacingError(Exception):
    """An error whose message is shown to the person who asked."""

    def __init__(self, message: str, example: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.example = example


class CommandError(UserFacingError):
    """The command text could not be understood."""


class NoDataError(UserFacingError):
    """The data an answer needs is not there (unknown symbol, date before history, no file)."""


class UpstreamError(UserFacingError):
    """The market data source failed and there is no earlier data to fall back on."""


class UnreachableError(UpstreamError):
    """The market data source could not be reached at all (no network, DNS, refused)."""


SHOWN_CHARACTERS = 24
"""At most this much of a person's bad input is quoted back in an error."""


def shown(text: str, limit: int = SHOWN_CHARACTERS) -> str:
    """`text` quoted for an error message, cut to its first `limit` characters: an error about
    a 3,000-character word must still fit in one Slack section."""
    flat = " ".join(text.split())
    return f"'{flat}'" if len(flat) <= limit else f"'{flat[: limit - 1]}…'"
