"""Slack: the Bolt app, its Web API client, Block Kit layouts and the HTTP server."""
