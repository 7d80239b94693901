"""What an action needs from the tracker: who is asking, and what they named."""
from __future__ import annotations

from typing import Any, Optional

from rasa_sdk import Tracker

from . import understand
from .api.platform import Customer

ORDER_ID_RE = understand.ORDER_RE
FORM_SLOTS = ("aftersale_kind", "order_id", "item_sku", "exchange_detail", "reason", "photo_description", "photo_ids",
              "confirm")
TALK_SLOTS = ("order_id", "product", "size", "color", "height", "weight")  # what the conversation is about


def customer_of(tracker: Tracker) -> Optional[Customer]:
    """The customer the platform vouched for in the metadata of the latest user message, only for the
    conversation it was signed for: an identity copied into another sender's messages names nobody."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    if not metadata.get("customer_id"):
        for event in reversed(tracker.events):
            if event.get("event") == "user":
                metadata = event.get("metadata") or {}
                break
    customer_id = metadata.get("customer_id")
    if not customer_id or str(metadata.get("conversation_id", "")) != str(tracker.sender_id):
        return None
    try:
        expires = int(metadata.get("expires") or 0)
    except (TypeError, ValueError):
        expires = 0
    return Customer(customer_id=str(customer_id), conversation_id=str(metadata["conversation_id"]),
                    signature=str(metadata.get("signature", "")), expires=expires)


def latest_entity(tracker: Tracker, name: str) -> Optional[str]:
    value = next(tracker.get_latest_entity_values(name), None)
    return str(value).strip() if value else None


def said_order_id(tracker: Tracker) -> Optional[str]:
    """An order number in the latest message (entity or text, written any way), normalised to SC + digits."""
    return (understand.normalize_order_id(latest_entity(tracker, "order_id"))
            or understand.order_id((tracker.latest_message or {}).get("text")))


def named_order_id(tracker: Tracker) -> Optional[str]:
    """An order number in the latest message, else the one talked about before."""
    return said_order_id(tracker) or understand.normalize_order_id(tracker.get_slot("order_id"))


def named_product(tracker: Tracker) -> Optional[str]:
    """A SKU or product name in the latest message, else the product talked about before."""
    return (latest_entity(tracker, "item_sku") or latest_entity(tracker, "product")
            or tracker.get_slot("product"))


def latest_intent(tracker: Tracker) -> str:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name") or ""


def latest_text(tracker: Tracker) -> str:
    return ((tracker.latest_message or {}).get("text") or "").strip()


def understood(tracker: Optional[Tracker]) -> dict:
    """What the assistant understood, for the agent who takes over: the intent of the latest message,
    the form in progress and the question it was at, and every slot that holds something."""
    if tracker is None:
        return {}
    form = (tracker.active_loop or {}).get("name") or None
    requested = tracker.get_slot("requested_slot") if form else None
    if form is None:  # a rule may have just ended the form for this hand-off: what it was at before this message
        form, requested = _form_before_latest_message(tracker)
    # in a form, its answers; otherwise what was talked about (what a finished or dropped form held is stale)
    names = FORM_SLOTS if form else TALK_SLOTS
    slots = {name: tracker.get_slot(name) for name in names if tracker.get_slot(name) not in (None, "")}
    return {"intent": latest_intent(tracker) or None, "form": form, "requested_slot": requested if form else None,
            "slots": slots}


def _form_before_latest_message(tracker: Tracker) -> tuple[Optional[str], Optional[str]]:
    events = list(tracker.events)
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=0)
    loop = requested = None
    for event in events[:last_user]:
        if event.get("event") == "active_loop":
            loop = event.get("name")
        elif event.get("event") == "slot" and event.get("name") == "requested_slot":
            requested = event.get("value")
    return loop, requested


def handoff_payload(reason: str, tracker: Optional[Tracker] = None, **context: Any) -> dict:
    """Tells the platform to queue the conversation for a human, with what the bot knows."""
    payload = {"reason": reason, **{k: v for k, v in context.items() if v}}
    if tracker is not None:
        payload["understood"] = understood(tracker)
    return {"handoff": payload}
