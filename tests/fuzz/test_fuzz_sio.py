"""Every Socket.IO event, fuzzed over a real python-socketio connection: payloads from its model's schema
(strategies.py) and payloads of any shape, from a member/moderator and from a platform admin. Every
emit is acked (none hangs), never with `internal`; afterwards the server is healthy and every view reads."""
from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.transport.sio import EVENT_PAYLOADS

from .checks import ack_ok, healthy
from .strategies import NASTY, REST_SHARE, TOTAL, fuzz_settings, model_schema, object_strategy

EVENTS = sorted(EVENT_PAYLOADS)
PER_EVENT = max(1, math.ceil(TOTAL * (1 - REST_SHARE) / len(EVENTS)))
CALLERS = ("mod", "mod", "member", "admin")
BINARY = st.sampled_from([b"", b"\x00\xff", {"conversation_id": b"\x00" * 24}, [b"x", {"y": b"z"}]])
sent = {"examples": 0}


@pytest.mark.parametrize("event", EVENTS)
def test_event(world, event):
    schema, defs = model_schema(EVENT_PAYLOADS[event])
    typed = object_strategy(schema, defs, world.ids)

    @fuzz_settings(PER_EVENT)
    @given(data=st.one_of(typed, typed, typed, NASTY, BINARY, st.none()), caller=st.sampled_from(CALLERS))
    def fuzz(data, caller):
        async def emit():
            sio = await world.socket(world.people[caller])
            return await sio.call(event, data, timeout=10)
        ack = world.run(emit())
        sent["examples"] += 1
        ack_ok(ack, (event, data, caller))
    fuzz()


def test_afterwards_the_server_is_healthy_and_every_view_reads(world):
    world.run(healthy(world))
    assert sent["examples"] >= PER_EVENT * len(EVENTS), sent
