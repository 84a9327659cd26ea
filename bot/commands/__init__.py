"""The registry: every command, one module a command, one line each. Reading text into a
command's query, finding the command that answers a query and how a report reads all start here.

To add a command, write `bot/commands/<name>.py` declaring `COMMAND` and add its name to
`_MODULES`.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date
from importlib import import_module
from typing import Any

from bot.commands.base import Command, Presenter
from bot.errors import CommandError, shown
from bot.grammar import split_as_of, words_of
from bot.help import Topic

_MODULES = (
    "streak",
    "returns",
    "precedents",
    "sizes",
    "levels",
    "sectors",
    "chart",
    "valuation",
    "flows",
    "macro",
    "fed",
    "status",
    "alert",
    "subscribe",
    "unsubscribe",
    "subscriptions",
    "help",
)
"""Every command's module under `bot/commands/`, in the order `help` lists them: adding a
command is adding its module's name here."""

COMMANDS: tuple[Command, ...] = tuple(
    import_module(f"bot.commands.{name}").COMMAND for name in _MODULES
)
TOPICS: dict[str, Topic] = {command.name: command.topic for command in COMMANDS}
"""What `help <command>` says of each command."""

_BY_WORD = {word: command for command in COMMANDS for word in (command.name, *command.synonyms)}
_BY_QUERY = {query: command for command in COMMANDS for query in command.queries}
_BY_REPORT = {kind: p for command in COMMANDS for kind, p in command.presenters.items()}


@dataclass(frozen=True)
class Question:
    """A text read: the command it names, that command's query, and the date it asks as of."""

    name: str
    query: Any
    as_of: date | None = None


def parse(text: str, today: date | None = None) -> Question:
    """The command `text` asks for; CommandError says what is wrong and shows a correct example.

    `today` bounds the years a command may name (a year still to come is an error)."""
    text, as_of = split_as_of(text)
    words = words_of(text)
    if not words:
        return Question("help", _BY_WORD["help"].parse([], today), as_of)
    command = named(words[0])
    if command is None:
        close = difflib.get_close_matches(words[0].lower(), list(_BY_WORD), n=1, cutoff=0.6)
        hint = f"did you mean `{_BY_WORD[close[0]].name}`? " if close else ""
        raise CommandError(f"unknown command {shown(words[0])}: {hint}try `help`", "streak")
    return Question(command.name, command.parse(words[1:], today), as_of)


def named(word: str) -> Command | None:
    """The command `word` names, by its name or a synonym, in any case."""
    return _BY_WORD.get(word.lower())


def subcommand_of(text: str) -> str:
    """The command `text` asks for, from the fixed set of names (`other` when none): a label
    for metrics, never user text."""
    words = text.split(maxsplit=1)
    if not words:
        return "help"
    command = named(words[0])
    return command.name if command else "other"


def command_for(query: Any) -> Command:
    return _BY_QUERY[type(query)]


def presenter(report: Any) -> Presenter:
    return _BY_REPORT[type(report)]
