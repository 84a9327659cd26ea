"""The Redis key layout as markdown, made from the declared families: `bot/store/keys.md`.
Refresh it with `python -m bot.store.key_doc > bot/store/keys.md` (a test fails until then)."""

from __future__ import annotations

from bot.store.key_checks import PARTS
from bot.store.key_families import SECTIONS, Family

_BACKUP = {"state": "yes", "installations": "with installations", None: "no"}


def _owner(family: Family) -> str:
    if family.owner is None:
        return "shared"
    if family.owner in ("WORKSPACE", "TEAM"):
        return f"`<{family.owner}>`"
    return f"via `<{family.owner}>`"


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]


def _family(f: Family) -> tuple[str, ...]:
    return (f"`{f.pattern}`", f.type, _owner(f), _BACKUP[f.backup], f.ttl or "never", f.meaning)


def markdown() -> str:
    lines = [
        "# Redis keys",
        "",
        "Made by `python -m bot.store.key_doc` from `bot/store/key_families.py`: edit the",
        "families there, not this file. Every key starts with the prefix (default `smallcaps:`).",
        "**Workspace** is the part naming the workspace a key belongs to (`via` when through the",
        "channel, rule or firing it names); **backup** says whether `python -m bot state export`",
        "holds it (installations only with `--with-installations`).",
    ]
    columns = ("key", "type", "workspace", "backup", "expires", "meaning")
    for title, families in SECTIONS:
        lines += ["", f"## {title}", "", *_table(columns, [_family(f) for f in families])]
    lines += ["", "## Parts", "", "Each part is checked against its shape before it becomes part"]
    lines += ["of a key (`bot/store/key_checks.py`).", ""]
    lines += _table(
        ("part", "shape"), [(f"`<{n}>`", f"`{p.shape.pattern}`") for n, p in PARTS.items()]
    )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
