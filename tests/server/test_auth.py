from __future__ import annotations

import pytest
import socketio

from server.app import create_app
from server.clock import FakeClock
from tests.conftest import LiveClient, make_config


async def test_register_and_login_contract(client):
    resp = await client.post("/api/auth/register", json={"username": "xiaomei", "password": "password-123"})
    body = await resp.json()
    assert resp.status == 200 and body["token"] and body["user"]["id"] and body["user"]["username"] == "xiaomei"
    assert body["user"]["avatar"]["initials"] and body["user"]["avatar"]["color"].startswith("#")
    assert "password_hash" not in body["user"]
    resp = await client.post("/api/auth/login", json={"username": "XiaoMei", "password": "password-123"})
    login = await resp.json()
    assert resp.status == 200 and login["user"]["id"] == body["user"]["id"] and login["token"] != body["token"]
    me = await client.get("/api/me", headers={"Authorization": f"Bearer {login['token']}"})
    assert (await me.json())["user"]["username"] == "xiaomei"


async def test_passwords_are_hashed_with_argon2(client, svc):
    await client.post("/api/auth/register", json={"username": "xiaomei", "password": "password-123"})
    stored = await svc.storage.users.get_by_username(username="xiaomei")
    assert stored.password_hash.startswith("$argon2id$") and "password-123" not in stored.password_hash


@pytest.mark.parametrize("payload,code", [
    ({"username": "x", "password": "password-123"}, "invalid_username"),
    ({"username": "bad name!", "password": "password-123"}, "invalid_username"),
    ({"username": "ok_name", "password": "short"}, "invalid_password"),
    ({"username": 12, "password": "password-123"}, "invalid_username"),
    ({"password": "password-123"}, "invalid_username"),
    ({"username": "ok_name", "password": "p" * 129}, "invalid_password"),
])
async def test_register_rejects_bad_input(client, payload, code):
    resp = await client.post("/api/auth/register", json=payload)
    assert resp.status == 400 and (await resp.json())["error"]["code"] == code


async def test_register_rejects_non_json_and_duplicates(client):
    resp = await client.post("/api/auth/register", data="{not json", headers={"Content-Type": "application/json"})
    assert resp.status == 400 and (await resp.json())["error"]["code"] == "invalid_json"
    resp = await client.post("/api/auth/register", json=["a", "b"])
    assert (await resp.json())["error"]["code"] == "invalid_payload"
    await client.post("/api/auth/register", json={"username": "小美", "password": "password-123"})
    resp = await client.post("/api/auth/register", json={"username": "小美", "password": "password-456"})
    assert resp.status == 409 and (await resp.json())["error"]["code"] == "username_taken"


async def test_wrong_password_and_unknown_user_look_the_same(client):
    await client.post("/api/auth/register", json={"username": "xiaomei", "password": "password-123"})
    for name in ("xiaomei", "nobody"):
        resp = await client.post("/api/auth/login", json={"username": name, "password": "wrong-password"})
        assert resp.status == 401 and (await resp.json())["error"]["code"] == "bad_credentials"


async def test_logout_revokes_the_token(client, people):
    p = await people("xiaomei")
    await p.post("/api/auth/logout")
    resp = await client.get("/api/me", headers=p.headers)
    assert resp.status == 401 and (await resp.json())["error"]["code"] == "unauthorized"


async def test_missing_and_garbage_tokens_are_refused(client):
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
        resp = await client.get("/api/me", headers=headers)
        assert resp.status == 401


@pytest.fixture
async def clocked(aiohttp_client, tmp_path):
    clock = FakeClock()
    app = create_app(make_config(tmp_path, token_ttl_days=1), clock=clock)
    return await aiohttp_client(app), clock


async def test_tokens_expire(clocked):
    client, clock = clocked
    resp = await client.post("/api/auth/register", json={"username": "xiaomei", "password": "password-123"})
    token = (await resp.json())["token"]
    clock.advance(hours=23)
    assert (await client.get("/api/me", headers={"Authorization": f"Bearer {token}"})).status == 200
    clock.advance(hours=2)
    assert (await client.get("/api/me", headers={"Authorization": f"Bearer {token}"})).status == 401


async def test_login_backs_off_per_account_and_address(clocked):
    client, clock = clocked
    await client.post("/api/auth/register", json={"username": "xiaomei", "password": "password-123"})

    async def login(password):
        return await client.post("/api/auth/login", json={"username": "xiaomei", "password": password})
    for _ in range(5):  # five free failures
        assert (await login("wrong-password")).status == 401
    resp = await login("password-123")  # then even the right password waits: guessing stays slow
    assert resp.status == 429 and (await resp.json())["error"]["code"] == "rate_limited"
    assert 0 < int(resp.headers["Retry-After"]) <= 30
    clock.advance(seconds=31)
    assert (await login("wrong-password")).status == 401  # one more try, and the wait doubles
    resp = await login("wrong-password")
    assert resp.status == 429 and 30 < (await resp.json())["error"]["details"]["retry_after"] <= 60
    clock.advance(seconds=61)
    assert (await login("password-123")).status == 200  # a success clears the failures
    for _ in range(5):
        assert (await login("wrong-password")).status == 401
    assert (await login("wrong-password")).status == 429


async def test_the_backoff_is_capped_and_never_a_lock(clocked):
    client, clock = clocked
    await client.post("/api/auth/register", json={"username": "xiaomei", "password": "password-123"})
    waits = []
    for _ in range(12):  # a guesser who always waits her turn
        while (resp := await client.post("/api/auth/login", json={"username": "xiaomei",
                                                                 "password": "wrong-password"})).status == 429:
            wait = (await resp.json())["error"]["details"]["retry_after"]
            waits.append(wait)
            clock.advance(seconds=wait)
        assert resp.status == 401
    assert waits[:5] == [30, 60, 120, 240, 480] and max(waits) <= 900  # doubling, at most 15 minutes
    clock.advance(seconds=900)
    resp = await client.post("/api/auth/login", json={"username": "xiaomei", "password": "password-123"})
    assert resp.status == 200


async def test_login_is_rate_limited_per_address(clocked):
    client, clock = clocked
    await client.post("/api/auth/register", json={"username": "xiaomei", "password": "password-123"})
    for i in range(20):  # many accounts guessed from one address
        resp = await client.post("/api/auth/login", json={"username": f"user{i}", "password": "wrong-password"})
        assert resp.status == 401
    resp = await client.post("/api/auth/login", json={"username": "xiaomei", "password": "password-123"})
    assert resp.status == 429
    clock.advance(minutes=16)  # the old failures leave the window
    resp = await client.post("/api/auth/login", json={"username": "xiaomei", "password": "password-123"})
    assert resp.status == 200


@pytest.fixture
async def fronted(aiohttp_client, tmp_path):
    """Behind a trusted front, so each request can come from an address of its own (X-Forwarded-For)."""
    clock = FakeClock()
    app = create_app(make_config(tmp_path, trusted_proxies=("127.0.0.0/8",), login_account_ceiling=10), clock=clock)
    client = await aiohttp_client(app)

    async def login(address, password="wrong-password", username="xiaomei"):
        return await client.post("/api/auth/login", json={"username": username, "password": password},
                                 headers={"X-Forwarded-For": address})
    await client.post("/api/auth/register", json={"username": "xiaomei", "password": "password-123"})
    return login, clock


async def test_a_stranger_elsewhere_never_locks_the_owner_out(fronted):
    """Five wrong passwords for admin or kefu from anywhere used to lock them out for five minutes."""
    login, _ = fronted
    for _ in range(5):
        assert (await login("203.0.113.9")).status == 401
    for _ in range(3):
        assert (await login("203.0.113.9")).status == 429  # the stranger is held ...
    assert (await login("198.51.100.7", "password-123")).status == 200  # ... the owner at home is not
    assert (await login("203.0.113.9")).status == 429  # and her login does not free him


async def test_an_attack_from_many_addresses_only_slows_each_of_them(fronted):
    login, clock = fronted
    for i in range(10):  # ten addresses, one failure each: the account's ceiling is reached
        assert (await login(f"203.0.113.{i}")).status == 401
    assert (await login("192.0.2.1")).status == 401  # a new address: one free failure, then the backoff
    resp = await login("192.0.2.1")
    assert resp.status == 429 and (await resp.json())["error"]["details"]["retry_after"] <= 30
    assert (await login("198.51.100.7", "password-123")).status == 200  # the owner's first try goes through
    assert (await login("198.51.100.8", "wrong-password")).status == 401  # her typo from a new place ...
    assert (await login("198.51.100.8", "password-123")).status == 429  # ... costs her at most 30 s
    clock.advance(seconds=31)
    assert (await login("198.51.100.8", "password-123")).status == 200


async def test_an_address_the_owner_logged_in_from_is_not_held_by_a_guesser_there(fronted):
    login, clock = fronted
    assert (await login("100.64.0.1", "password-123")).status == 200  # her carrier's shared address
    clock.advance(minutes=1)
    for i in range(20):  # someone behind the same address tries many accounts
        assert (await login("100.64.0.1", username=f"user{i}")).status == 401
    assert (await login("100.64.0.1", username="user99")).status == 429  # held there ...
    assert (await login("100.64.0.1", "password-123")).status == 200  # ... she is known there, not held


@pytest.mark.parametrize("payload,code", [
    ({"username": "ab\ud800", "password": "password-123"}, "invalid_username"),
    ({"username": "xiaomei", "password": "password-\udfff"}, "invalid_password"),
    ({"username": "xiao\u0000mei", "password": "password-123"}, "invalid_username"),
])
async def test_login_refuses_unencodable_text(client, payload, code):
    resp = await client.post("/api/auth/login", json=payload)  # sent as the escape \ud800: valid JSON
    assert resp.status == 400 and (await resp.json())["error"]["code"] == code


async def test_behind_a_trusted_front_the_forwarded_address_counts(aiohttp_client, tmp_path):
    """With several processes behind nginx every login comes from the front's address: its
    X-Forwarded-For counts instead, and only a front named in CHAT_TRUSTED_PROXIES is believed."""
    client = await aiohttp_client(create_app(make_config(tmp_path, trusted_proxies=("127.0.0.0/8",))))
    await client.post("/api/auth/register", json={"username": "xiaomei", "password": "password-123"})

    async def login(forwarded, password="wrong-password", username="guess"):
        return await client.post("/api/auth/login", json={"username": username, "password": password},
                                 headers={"X-Forwarded-For": forwarded})
    for i in range(20):  # a guesser at 203.0.113.9, behind the front, spoofing a first hop
        assert (await login(f"10.9.9.{i}, 203.0.113.9", username=f"guess{i}")).status == 401
    assert (await login("203.0.113.9", "password-123", "xiaomei")).status == 429
    assert (await login("198.51.100.7", "password-123", "xiaomei")).status == 200  # someone else is not held

    untrusted = await aiohttp_client(create_app(make_config(tmp_path / "other")))
    await untrusted.post("/api/auth/register", json={"username": "aqiang", "password": "password-123"})
    for i in range(20):  # not a trusted front: the header is the client's word, and ignored
        resp = await untrusted.post("/api/auth/login", json={"username": f"guess{i}", "password": "wrong-password"},
                                    headers={"X-Forwarded-For": f"192.0.2.{i}"})
        assert resp.status == 401
    resp = await untrusted.post("/api/auth/login", json={"username": "aqiang", "password": "password-123"})
    assert resp.status == 429


async def test_socketio_refuses_missing_and_bad_tokens(client, people, live):
    url = str(client.make_url("/"))
    for token in (None, "", "garbage"):
        lc = LiveClient()
        with pytest.raises(socketio.exceptions.ConnectionError):
            await lc.connect(url, token)
    p = await people("xiaomei")
    lc = await live(p)
    assert lc.sio.connected


async def test_profile_update_and_validation(people):
    p = await people("xiaomei")
    body = await p.call("PATCH", "/api/me", {"display_name": "小美", "bio": "爱逛街", "avatar_color": "#ff8800"})
    assert body["user"]["display_name"] == "小美" and body["user"]["avatar"] == {"initials": "小美", "color": "#ff8800"}
    err = await p.call("PATCH", "/api/me", {"avatar_color": "red"}, status=400)
    assert err["error"]["code"] == "invalid_payload"
    err = await p.call("PATCH", "/api/me", {"display_name": "名" * 65}, status=400)
    assert err["error"]["code"] == "too_long"
    other = await p.get(f"/api/users/{p.id}")
    assert other["user"]["bio"] == "爱逛街" and other["presence"] == "offline"


async def test_several_users_at_once(people):
    a, b = await people("xiaomei"), await people("aqiang")
    found = await a.get(f"/api/users?ids={a.id},{b.id},{b.id},{'0' * 24}")
    assert sorted(u["username"] for u in found["users"]) == ["aqiang", "xiaomei"]
    assert (await a.get("/api/users?ids="))["users"] == []
    err = await a.get("/api/users?ids=nope", status=400)
    assert err["error"]["code"] == "invalid_id"
    err = await a.get(f"/api/users?ids={','.join(['0' * 24] * 101)}", status=400)
    assert err["error"]["code"] == "invalid_payload"


async def test_only_platform_admins_set_roles(people):
    admin, member = await people("admin", role="admin"), await people("xiaomei")
    err = await member.call("PUT", f"/api/users/{member.id}/role", {"role": "admin"}, status=403)
    assert err["error"]["code"] == "not_platform_admin"
    body = await admin.call("PUT", f"/api/users/{member.id}/role", {"role": "agent"})
    assert body["user"]["role"] == "agent"
    err = await admin.call("PUT", f"/api/users/{member.id}/role", {"role": "king"}, status=400)
    assert err["error"]["code"] == "invalid_payload"
    err = await admin.call("PUT", "/api/users/not-an-id/role", {"role": "agent"}, status=400)
    assert err["error"]["code"] == "invalid_id"


async def test_tokens_that_are_not_text_are_refused_not_a_500(client, svc):
    from server.actions.auth import access_user_by_token
    assert await access_user_by_token(svc, "tok\ud800en") is None  # hashing it would raise
    resp = await client.get("/api/me", headers={"Authorization": "Bearer caf\xe9\xff"})
    assert resp.status == 401
    lc = LiveClient()
    with pytest.raises(socketio.exceptions.ConnectionError):
        await lc.connect(str(client.make_url("/")), "tok\ud800en")
