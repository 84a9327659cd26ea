"""Daily summaries: subscriptions, their schedule in Redis, and the fan-out that posts them."""
