"""State that every server process must see alike: counters, locks, caches and their invalidation.
Each has a local implementation (one process, the embedded default) and a Redis one (CHAT_REDIS_URL)."""
