"""Every REST route, fuzzed: bodies from its model's schema (strategies.py), path ids real and not, query
strings, as five kinds of caller. Never a 5xx, never `internal`; afterwards the server is healthy and
every view reads. SHOPCHAT_FUZZ_EXAMPLES scales the run (the default: 10,000 over REST and Socket.IO, a
fixed seed); SHOPCHAT_FUZZ_SEED=N draws other payloads."""
from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from server.transport.rest_base import ROUTES

from .checks import healthy, no_server_error
from .strategies import REST_SHARE, TOTAL, body_strategy, encode, fuzz_settings, path_strategy, query_strategy

# logging out would end the fuzzing callers' sessions (the authorization matrix sends them; a password change
# is fuzzed: without the current password, which the fuzzer doesn't know, it changes nothing)
NOT_FUZZED = {("POST", "/api/auth/logout"), ("POST", "/api/auth/logout-all")}
FUZZED = [r for r in ROUTES if (r.method, r.path) not in NOT_FUZZED]
PER_ROUTE = max(1, math.ceil(TOTAL * REST_SHARE / len(FUZZED)))
CALLERS = ("mod", "mod", "mod", "member", "agent", "admin", None)
sent = {"examples": 0}


async def restore(w) -> None:
    """The fuzzing moderator back in its group and its role (a fuzzed `leave` or role change undoes them)."""
    public = w.ids["_groups"]["public"]["id"]
    await w.call(w.people["mod"], "POST", f"/api/groups/{public}/join")
    await w.call(w.people["owner"], "PUT", f"/api/groups/{public}/members/{w.people['mod'].id}/role",
                 {"role": "moderator"})


@pytest.mark.parametrize("route", FUZZED, ids=[f"{r.method} {r.path}" for r in FUZZED])
def test_route(world, route):
    world.run(restore(world))
    pool = world.ids

    @fuzz_settings(PER_ROUTE)
    @given(path=path_strategy(route.path, pool), body=body_strategy(route.body, pool),
           query=query_strategy(pool), caller=st.sampled_from(CALLERS))
    def fuzz(path, body, query, caller):
        who = world.people[caller] if caller else None
        raw = encode(body) if route.method in ("POST", "PUT", "PATCH", "DELETE") else None
        status, answer = world.run(world.call(who, route.method, path, raw=raw, params=query))
        sent["examples"] += 1
        no_server_error(status, answer, (route.method, path, query, raw[:300] if raw else raw, caller))
    fuzz()


def test_afterwards_the_server_is_healthy_and_every_view_reads(world):
    world.run(healthy(world))
    assert sent["examples"] >= PER_ROUTE * len(FUZZED) or TOTAL < len(FUZZED), sent
