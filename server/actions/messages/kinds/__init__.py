"""The registry of message kinds. A kind says what its payload is, builds the card that is stored
with the message (one `card` field, whatever the kind), and gives the text that moderation's
index, search and the assistant see. Adding a kind (pictures, group-buys) is a module here and a
line below; the pipeline, storage and the wire don't change."""
from __future__ import annotations

from typing import Protocol

from ....services import Services
from ....validate import Payload
from . import image, order, product, text


class Kind(Protocol):
    name: str
    text_required: bool  # a message of this kind must say something

    def parse(self, p: Payload) -> dict | None:
        """What of a send's payload this kind takes (checked for shape only)."""

    async def card(self, svc: Services, given: dict | None, *, author=None, conversation=None) -> dict | None:
        """The card stored with the message, built from what was given (and the shop's data), for this
        author in this conversation (an order card: only the customer's own order, only in support)."""

    def text_of(self, text: str, card: dict | None) -> str:
        """The words the message carries: what search indexes and the assistant reads."""

    # optional: `async def stored(self, svc, card, conversation)`, run once the message is stored and before
    # anyone is told of it (a picture message: the conversation's readers may now load its pictures)

    def assistant_request(self, card: dict | None) -> str | None:
        """What a card sent alone asks the assistant, as the intent the platform stands for (an order card:
        that order's status), or None: the card's words are read like typed text."""


KINDS: dict[str, Kind] = {k.name: k for k in (text.KIND, product.KIND, order.KIND, image.KIND)}
MESSAGE_TYPES = tuple(KINDS)


def kind_of(name: str) -> Kind:
    return KINDS.get(name, text.KIND)


def text_of(message) -> str:
    """What a stored message says, for search."""
    return kind_of(message.type).text_of(message.text, message.card)


def assistant_request_of(message) -> str | None:
    """A card sent without words: the question it stands for, as an intent with the card's own checked values."""
    if (message.text or "").strip() or not message.card:
        return None
    return kind_of(message.type).assistant_request(message.card)


def assistant_text_of(message) -> str:
    """What the assistant is told a message says: contact details a customer gave support masked
    (they are for the shop's people; Rasa's tracker keeps transcripts)."""
    masked = (message.extra or {}).get("assistant_text")
    return kind_of(message.type).text_of(masked, message.card) if masked else text_of(message)
