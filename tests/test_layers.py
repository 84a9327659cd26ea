"""Imports point one way: front ends → use cases → domain → stores. Every module of `bot/`,
`handlers/` and `jobs/` is in one layer, and none imports a module of a higher layer (imports
inside functions and under `TYPE_CHECKING` count too)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "handlers", "jobs")

LAYERS: dict[str, tuple[str, ...]] = {
    # What a person or the clock talks to: Slack (listeners, app, HTTP, guard, installations,
    # Block Kit), the console, `ask`, the clock's jobs and the process entry points.
    "front ends": ("handlers", "jobs", "bot.__main__", "bot.cli", "bot.process", "bot.slack"),
    # What the front ends call: the composition root, the commands and their answers, status,
    # workspaces, the alert and summary commands, dispatching summaries, and framing and
    # rendering an answer.
    "use cases": (
        "bot.services",
        "bot.status_report",
        "bot.answers",
        "bot.shared_answers",
        "bot.replies",
        "bot.commands",
        "bot.grammar",
        "bot.workspaces",
        "bot.alerts.service",
        "bot.summaries.subscriptions",
        "bot.summaries.dispatch",
        "bot.render",
    ),
    # What the bot knows, with no front end in it: analytics, market data, alert rules and their
    # machine, summaries' schedule and state, reports and status as plain data, the help text,
    # the universe and calendars, settings, and the layout helpers every renderer shares.
    "domain": (
        "bot.alerts",
        "bot.summaries",
        "bot.analytics",
        "bot.market",
        "bot.render.layout",
        "bot.render.numbers",
        "bot.reports",
        "bot.status",
        "bot.help",
        "bot.universe",
        "bot.trading_calendar",
        "bot.fomc",
        "bot.dating",
        "bot.days",
        "bot.names",
        "bot.amounts",
        "bot.options",
        "bot.limits",
        "bot.errors",
        "bot.asker",
        "bot.clock",
        "bot.operators",
        "bot.watched_levels",
        "bot.failed_posts",
        "bot.job_records",
        "bot.upstream_rate",
        "bot.metrics",
        "bot.wsgi",
        "bot.config",
        "bot.logs",
        "bot.signals",
    ),
    # Redis itself: the connection, the key layout, backups and the clock's lease.
    "stores": ("bot.store",),
}
"""Layers from the top down; a module is in the layer of its longest listed prefix."""

RANK = {prefix: rank for rank, prefixes in enumerate(LAYERS.values()) for prefix in prefixes}
NAMES = list(LAYERS)


def module_names() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            if parts != ["bot"]:  # `bot/__init__.py` is a docstring: it is every layer's
                found[".".join(parts)] = path
    return found


def layer_of(module: str) -> int | None:
    """The rank of `module`'s layer (0 the top), by its longest listed prefix."""
    parts = module.split(".")
    for end in range(len(parts), 0, -1):
        rank = RANK.get(".".join(parts[:end]))
        if rank is not None:
            return rank
    return None


def imports_of(path: Path, modules: dict[str, Path]) -> list[tuple[int, str]]:
    """The project modules `path` imports, with their lines (`from bot import x` names `bot.x`
    when `x` is a module)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            named = [f"{node.module}.{a.name}" for a in node.names]
            inner = [name for name in named if name in modules]
            found += [(node.lineno, name) for name in inner or [node.module]]
    return [(line, name) for line, name in found if name.split(".")[0] in PACKAGES]


def test_every_module_is_in_a_layer() -> None:
    homeless = [name for name in module_names() if layer_of(name) is None]
    assert not homeless, f"modules in no layer (add them to LAYERS): {homeless}"


def test_no_module_imports_a_higher_layer() -> None:
    modules = module_names()
    upward = []
    for name, path in modules.items():
        rank = layer_of(name)
        for line, imported in imports_of(path, modules):
            their = layer_of(imported)
            if rank is not None and their is not None and their < rank:
                upward.append(
                    f"{path.relative_to(ROOT)}:{line} {name} ({NAMES[rank]}) imports "
                    f"{imported} ({NAMES[their]})"
                )
    assert not upward, "imports that run back up:\n" + "\n".join(upward)
