"""`python -m bot`: Slack (Socket Mode or HTTP) when credentials are set, else the console.

The console and Socket Mode run the clock (alerts) in this process; HTTP mode leaves it to
`python -m jobs`, the Procfile's `clock`.

`python -m bot ask "<command>"` prints one answer; `python -m bot console` forces the console.
`python -m bot state export > backup.json` and `python -m bot state import backup.json` back up
and restore every rule, subscription, watched level and alert state. `python -m bot
new-token-key` prints a key to encrypt Slack tokens with (many-workspace mode); `python -m bot
rotate-token-key` re-encrypts every installation with SMALLCAPS_TOKEN_KEY's first key.
"""

from __future__ import annotations

import sys

from bot.signals import signals_stay_with_the_main_thread


def main(argv: list[str] | None = None) -> int:
    # Threads that start while the libraries load (OpenBLAS's, at numpy's import) never take
    # Ctrl-C, SIGTERM or SIGHUP: only the main thread does, at once.
    with signals_stay_with_the_main_thread():
        from bot.cli import main as run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
