"""The console at a real terminal (a pty): line editing, history, Ctrl-C, Ctrl-D and SIGHUP."""

from __future__ import annotations

import re
import signal
import sys
import time
from pathlib import Path

import pexpect
import psutil
import pytest

from tests.handlers.conftest import STREAK, Market

pytestmark = pytest.mark.slow  # starts processes of its own

PROMPT = "smallcaps> "
UP = "\x1b[A"
CTRL_A, CTRL_C, CTRL_D = "\x01", "\x03", "\x04"


def console(market: Market, sigint: signal.Handlers = signal.SIG_IGN) -> pexpect.spawn:
    """The console at a terminal, started as a background job of a script starts it: with
    SIGINT ignored (`sigint`), which it must not inherit."""
    child = pexpect.spawn(
        sys.executable,
        ["-m", "bot"],
        env=market.env(),
        encoding="utf-8",
        timeout=60,
        dimensions=(40, 200),
        preexec_fn=lambda: signal.signal(signal.SIGINT, sigint),
    )
    child.expect_exact("smallcaps console · data: CSV files in ")
    child.expect_exact(PROMPT)
    return child


def embedded_redis(market: Market) -> list[psutil.Process]:
    """The redis-server processes keeping their data in the market's home."""
    found = []
    for process in psutil.process_iter(["name", "cwd"]):
        if "redis-server" in (process.info["name"] or "") and process.info["cwd"] == str(
            market.home
        ):
            found.append(process)
    return found


@pytest.fixture
def fresh(market: Market, tmp_path_factory: pytest.TempPathFactory) -> Market:
    """The market with a home of its own: its own embedded Redis and console history."""
    return Market(
        market.directory, tmp_path_factory.mktemp("home"), market.last, market.streak_start
    )


def test_only_the_main_thread_takes_ctrl_c(fresh: Market) -> None:
    """The kernel may give a process's signal to any thread that does not block it (Linux
    prefers the main thread, but not when that one has a signal pending), and Python acts on it
    only in the main thread: every other thread (OpenBLAS's, started at numpy's import, and the
    clock's) blocks SIGINT, SIGTERM and SIGHUP."""
    child = console(fresh)
    child.send("streak\r")  # the clock's threads are running by the time it is answered
    child.expect_exact(PROMPT)

    def blocked(task: Path) -> int:
        status = (task / "status").read_text()
        return int(re.search(r"^SigBlk:\s*([0-9a-f]+)$", status, re.M)[1], 16)  # type: ignore[index]

    tasks = sorted(Path(f"/proc/{child.pid}/task").iterdir())
    others = [t for t in tasks if t.name != str(child.pid)]
    assert others, "the console runs its clock on threads of its own"
    stops = (1 << (signal.SIGINT - 1)) | (1 << (signal.SIGTERM - 1)) | (1 << (signal.SIGHUP - 1))
    unblocked = [
        f"{t.name} ({(t / 'comm').read_text().strip()})"
        for t in others
        if blocked(t) & stops != stops
    ]
    assert unblocked == []
    assert blocked(Path(f"/proc/{child.pid}/task/{child.pid}")) & stops == 0
    child.send(CTRL_D)
    child.expect(pexpect.EOF)
    child.close()


def test_lines_are_edited_recalled_and_dropped_like_a_shell(fresh: Market) -> None:
    child = console(fresh)
    # Ctrl-A goes to the start of the line: readline's editing, not the terminal's alone
    # (each key goes once the one before is on the screen, as a person types: a tty flushes
    # what readline has not read yet when Ctrl-C comes)
    child.send("treak")
    child.expect_exact("treak")
    child.send(CTRL_A + "s\r")
    child.expect_exact(f"{STREAK} sessions in a row")
    child.expect_exact(PROMPT)
    # Ctrl-C drops the line being typed; the next line is read on its own
    child.send("returns yt")
    child.expect_exact("returns yt")
    child.send(CTRL_C)
    child.expect_exact("^C")
    child.expect_exact(PROMPT)
    child.send("help streak\r")
    child.expect_exact("/smallcaps streak [A vs B]")
    child.expect_exact(PROMPT)
    # the up arrow recalls the last command
    child.send(UP + "\r")
    child.expect_exact("/smallcaps streak [A vs B]")
    child.expect_exact(PROMPT)
    child.send(CTRL_D)  # quits: no traceback, status 0
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Traceback" not in (child.before or "")
    history = (fresh.home / "console_history").read_text().splitlines()
    assert history == ["streak", "help streak"]  # the dropped line is not kept

    again = console(fresh)  # the history outlives the session
    again.send(UP + UP + "\r")
    again.expect_exact(f"{STREAK} sessions in a row")
    again.send(CTRL_D)
    again.expect(pexpect.EOF)


def test_closing_the_terminal_stops_the_embedded_redis(fresh: Market) -> None:
    child = console(fresh)
    servers = embedded_redis(fresh)
    assert len(servers) == 1
    child.send("status\r")  # Redis used from the prompt while the clock uses it too
    child.expect_exact("Redis: ok")
    child.expect_exact(PROMPT)
    time.sleep(1.5)
    child.kill(signal.SIGHUP)  # what closing the terminal window sends
    child.expect(pexpect.EOF)
    child.close()
    assert "Traceback" not in (child.before or "")
    deadline = time.monotonic() + 20
    while servers[0].is_running() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not servers[0].is_running() or servers[0].status() == psutil.STATUS_ZOMBIE
