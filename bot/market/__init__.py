"""Market data: providers (Yahoo, CSV directory), the Redis price cache and the market facade."""
