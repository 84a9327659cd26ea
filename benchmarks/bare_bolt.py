"""A bare Bolt app that only acks `/smallcaps`, served by waitress: the benchmark's baseline.

python -m benchmarks.bare_bolt PORT SIGNING_SECRET API_URL
"""

from __future__ import annotations

import sys

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from waitress import serve


def main() -> None:
    port, secret, api_url = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    app = App(signing_secret=secret, client=WebClient(token="xoxb-bench", base_url=api_url))

    @app.command("/smallcaps")
    def ack_only(ack: Ack) -> None:
        ack()

    serve(SlackRequestHandler(app), host="127.0.0.1", port=port, threads=8)


if __name__ == "__main__":
    main()
