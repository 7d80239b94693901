"""Invite links: they end (a week unless their creator says otherwise), let a limited number join, and
stay out of the access log."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest
from aiohttp.test_utils import TestServer

from server.app import create_app
from server.clock import FakeClock
from server.transport.access_log import RedactingAccessLogger, redact
from tests.conftest import make_config, make_group


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def config(tmp_path):
    return make_config(tmp_path, invite_max_uses=2)


@pytest.fixture
async def client(aiohttp_client, config, clock):
    server = TestServer(create_app(config, clock=clock))
    await server.start_server(access_log_class=RedactingAccessLogger)  # as python -m server runs it
    return await aiohttp_client(server)


async def accept(persona, code, status=200):
    return await persona.post(f"/api/invites/{code}/accept", status=status)


async def test_an_invite_ends_after_a_week_and_lets_the_configured_number_join(people, clock):
    owner, a, b, c = await people("owner"), await people("aa"), await people("bb"), await people("cc")
    g = await make_group(owner, "VIP 会员群", visibility="invite_only")
    invite = (await owner.post(f"/api/groups/{g['id']}/invites", {}))["invite"]
    assert invite["max_uses"] == 2 and invite["uses"] == 0
    assert datetime.fromisoformat(invite["expires_at"]) == clock.now() + timedelta(days=7)
    await accept(a, invite["code"])
    await accept(b, invite["code"])
    used_up = await accept(c, invite["code"], status=404)
    unknown = await accept(c, "no-such-code", status=404)
    assert used_up["error"]["code"] == unknown["error"]["code"] == "not_found"

    later = (await owner.post(f"/api/groups/{g['id']}/invites", {}))["invite"]
    clock.advance(days=7, seconds=-1)
    await accept(c, later["code"])
    clock.advance(seconds=1)
    expired = await accept(await people("dd"), later["code"], status=404)
    assert expired == unknown


async def test_the_creator_picks_a_shorter_or_longer_life_and_a_use_limit_within_bounds(people, clock):
    owner, a = await people("owner"), await people("aa")
    g = await make_group(owner, "VIP 会员群", visibility="invite_only")
    short = (await owner.post(f"/api/groups/{g['id']}/invites", {"expires_in_hours": 1, "max_uses": 10}))["invite"]
    long = (await owner.post(f"/api/groups/{g['id']}/invites", {"expires_in_hours": 24 * 30}))["invite"]
    assert short["max_uses"] == 10 and long["max_uses"] == 2
    clock.advance(hours=1)
    assert (await accept(a, short["code"], status=404))["error"]["code"] == "not_found"
    clock.advance(days=20)
    await accept(a, long["code"])
    for bad in ({"expires_in_hours": 0}, {"expires_in_hours": 24 * 365 + 1}, {"max_uses": 0},
                {"max_uses": 100001}, {"expires_in_hours": "soon"}, {"max_uses": 1.5}):
        err = await owner.post(f"/api/groups/{g['id']}/invites", bad, status=400)
        assert err["error"]["code"] == "invalid_payload", bad


async def test_links_made_without_an_end_last_as_long_as_a_new_one(people, svc, clock):
    owner, a = await people("owner"), await people("aa")
    g = await make_group(owner, "VIP 会员群", visibility="invite_only")
    await svc.storage.groups.create_invite(group_id=g["id"], code="legacy-code", created_by=owner.id,
                                           created_at=clock.now() - timedelta(days=8), expires_at=None, max_uses=None)
    await svc.storage.groups.create_invite(group_id=g["id"], code="recent-code", created_by=owner.id,
                                           created_at=clock.now() - timedelta(days=1), expires_at=None, max_uses=None)
    assert (await accept(a, "legacy-code", status=404))["error"]["code"] == "not_found"
    await accept(a, "recent-code")


async def test_invite_codes_and_query_tokens_stay_out_of_the_access_log(people, client, caplog):
    caplog.set_level(logging.INFO, logger="aiohttp.access")
    owner, a = await people("owner"), await people("aa")
    g = await make_group(owner, "VIP 会员群", visibility="invite_only")
    code = (await owner.post(f"/api/groups/{g['id']}/invites", {}))["invite"]["code"]
    await client.get(f"/invite/{code}")
    await accept(a, code)
    await accept(a, "guessed-code", status=404)
    await client.get("/socket.io/?EIO=4&transport=polling&token=sekrit-token-value")
    lines = [r.getMessage() for r in caplog.records if r.name == "aiohttp.access"]
    logged = "\n".join(lines)
    assert "/invite/***" in logged and "/api/invites/***/accept" in logged and "token=***" in logged
    for secret in (code, "guessed-code", "sekrit-token-value"):
        assert secret not in logged
        assert all(secret not in str(r.__dict__) for r in caplog.records)  # nor in the record's extra fields


@pytest.mark.parametrize("raw, shown", [
    ("GET /invite/AbC-12_x HTTP/1.1", "GET /invite/*** HTTP/1.1"),
    ("POST /api/invites/AbC/accept HTTP/1.1", "POST /api/invites/***/accept HTTP/1.1"),
    ("GET /socket.io/?EIO=4&token=abc&transport=websocket HTTP/1.1",
     "GET /socket.io/?EIO=4&token=***&transport=websocket HTTP/1.1"),
    ("GET /api/groups?q=invite HTTP/1.1", "GET /api/groups?q=invite HTTP/1.1"),
    ("POST /api/groups/g1/invites HTTP/1.1", "POST /api/groups/g1/invites HTTP/1.1"),
    ("GET /static/app.js HTTP/1.1", "GET /static/app.js HTTP/1.1"),
])
def test_redact(raw, shown):
    assert redact(raw) == shown
