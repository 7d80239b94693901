"""The customer an action acts for: only the one the platform signed for this very conversation."""
from __future__ import annotations

from rasa_sdk import Tracker

from actions.context import customer_of

from conftest import tracker


def _with_metadata(sender: str, metadata: dict) -> Tracker:
    latest = {"text": "我的订单", "intent": {"name": "track_order", "confidence": 0.99}, "entities": [],
              "metadata": metadata}
    return Tracker(sender, {}, latest, [{"event": "user", "text": "我的订单", "metadata": metadata}], False,
                   None, {}, "action_listen")


def test_the_signed_customer_of_this_conversation_is_used_with_its_expiry():
    signed = {"customer_id": "xiaomei", "conversation_id": "c1", "signature": "sig", "expires": 1900000000}
    customer = customer_of(_with_metadata("c1", signed))
    assert (customer.customer_id, customer.conversation_id, customer.expires) == ("xiaomei", "c1", 1900000000)
    assert customer_of(tracker("你好")).customer_id == "xiaomei"


def test_an_identity_replayed_under_another_sender_names_nobody():
    stolen = {"customer_id": "xiaomei", "conversation_id": "c1", "signature": "sig", "expires": 1900000000}
    assert customer_of(_with_metadata("attacker-sender", stolen)) is None
    assert customer_of(_with_metadata("c1", {**stolen, "conversation_id": ""})) is None


def test_a_garbled_expiry_is_sent_as_zero_for_the_platform_to_refuse():
    odd = {"customer_id": "xiaomei", "conversation_id": "c1", "signature": "sig", "expires": "soon"}
    assert customer_of(_with_metadata("c1", odd)).expires == 0
