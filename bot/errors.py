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
