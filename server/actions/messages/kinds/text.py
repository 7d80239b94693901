"""A plain text message (the assistant's cards, an order or a rating request, come with its own)."""
from __future__ import annotations


class Text:
    name = "text"
    text_required = True

    def parse(self, p) -> dict | None:
        return None

    async def card(self, svc, given: dict | None, **_) -> dict | None:
        return None

    def text_of(self, text: str, card: dict | None) -> str:
        return text


KIND = Text()
