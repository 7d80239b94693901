"""A plain text message (the assistant's cards, an order or a rating request, come with its own)."""
from __future__ import annotations

import json


class Text:
    name = "text"
    text_required = True

    def parse(self, p) -> dict | None:
        return None

    async def card(self, svc, given: dict | None, **_) -> dict | None:
        return None

    def text_of(self, text: str, card: dict | None) -> str:
        return text

    def assistant_request(self, card: dict | None) -> str | None:
        return None


def json_intent(intent: str, **slots) -> str | None:
    """Rasa's `/intent{"slot": "value"}` form; None when a value is missing."""
    if not all(isinstance(v, str) and v for v in slots.values()):
        return None
    return f"/{intent}{json.dumps(slots, ensure_ascii=False, separators=(',', ':'))}"


KIND = Text()
