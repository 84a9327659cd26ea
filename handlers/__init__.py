"""Front ends, each turning what a person typed or clicked into an answer (`bot.answers`) and
rendering it: Slack (`handlers/slack/`, one module a feature), the console (`console.py`) and
the one-shot `ask` (`ask.py`)."""
