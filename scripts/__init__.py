"""Scripts that use the platform from outside: the demo community (seeded by `python -m server` when
CHAT_SEED_DEMO is on) and the shop import. The app never imports them."""
