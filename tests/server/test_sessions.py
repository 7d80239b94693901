"""Sessions that end when they should: a logout, "log out everywhere", a password change, the token's
expiry and a role change reach the open Socket.IO connections at once, not only REST; leaving a group
or being banned from it ends its live events and its notifications."""
from __future__ import annotations

import asyncio

import pytest

from server import events
from server.app import create_app
from tests.conftest import LiveClient, make_config, make_group
from tests.server.support_helpers import wait_until


@pytest.fixture
def config(tmp_path):
    return make_config(tmp_path, token_ttl_days=1, session_sweep_seconds=0.05)


@pytest.fixture
async def client(aiohttp_client, config, clock):
    return await aiohttp_client(create_app(config, clock=clock))


async def closed(socket: LiveClient) -> str:
    """Waits for the server to close the connection; returns the reason it gave."""
    ended = await socket.wait_for(events.SESSION_ENDED)
    await wait_until(lambda: _false(socket.sio.connected))
    return ended["reason"]


async def _false(value):
    return not value


async def second_login(client, persona):
    resp = await client.post("/api/auth/login", json={"username": persona.user["username"], "password": "password-123"})
    assert resp.status == 200
    return (await resp.json())["token"]


async def connect(client, token) -> LiveClient:
    socket = LiveClient()
    await socket.connect(str(client.make_url("/")), token)
    return socket


async def refused(client, token) -> bool:
    try:
        socket = await connect(client, token)
    except Exception:  # ConnectionError: the server refused the token
        return True
    await socket.disconnect()
    return False


async def test_logout_closes_the_connections_of_that_token_only(client, people, live):
    xiaomei = await people("xiaomei")
    group = await make_group(xiaomei)
    phone = await live(xiaomei)
    laptop = await connect(client, await second_login(client, xiaomei))
    await xiaomei.post("/api/auth/logout")
    assert await closed(phone) == "logged_out"
    assert laptop.sio.connected and not laptop.of(events.SESSION_ENDED)
    ack = await laptop.emit(events.HISTORY, {"conversation_id": group["conversation_id"]})
    assert ack["ok"]
    assert await refused(client, xiaomei.token)
    await laptop.disconnect()


async def test_a_closed_connection_receives_nothing_more(client, people, live):
    owner, xiaomei = await people("owner"), await people("xiaomei")
    group = await make_group(owner)
    await xiaomei.post(f"/api/groups/{group['id']}/join")
    socket = await live(xiaomei)
    await xiaomei.post("/api/auth/logout")
    await closed(socket)
    before = len(socket.received)
    await owner.post(f"/api/conversations/{group['conversation_id']}/messages", {"text": "上新啦"})
    await asyncio.sleep(0.2)
    assert socket.received[before:] == []


async def test_logout_everywhere_revokes_every_token_and_closes_every_connection(client, people, live):
    xiaomei, aqiang = await people("xiaomei"), await people("aqiang")
    other_token = await second_login(client, xiaomei)
    phone, laptop, bystander = await live(xiaomei), await connect(client, other_token), await live(aqiang)
    await xiaomei.post("/api/auth/logout-all")
    assert await closed(phone) == "logged_out" and await closed(laptop) == "logged_out"
    for token in (xiaomei.token, other_token):
        resp = await client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
        assert resp.status == 401
        assert await refused(client, token)
    assert bystander.sio.connected and (await aqiang.get("/api/me"))["user"]["id"] == aqiang.id


async def test_logout_everywhere_needs_a_session(client):
    assert (await client.post("/api/auth/logout-all")).status == 401


async def test_a_password_change_ends_every_session_and_gives_this_device_a_new_token(client, people, live):
    xiaomei = await people("xiaomei")
    other_token = await second_login(client, xiaomei)
    phone, laptop = await live(xiaomei), await connect(client, other_token)
    body = await xiaomei.post("/api/auth/password", {"current_password": "password-123",
                                                     "new_password": "换个新密码-2026"})
    assert body["user"]["id"] == xiaomei.id
    assert await closed(laptop) == "password_changed"
    # the phone changed it: its connection carries on under the new session, and ends with it
    assert phone.sio.connected and not phone.of(events.SESSION_ENDED)
    assert (await phone.emit(events.SYNC, {"cursors": {}}))["ok"]
    for token in (xiaomei.token, other_token):
        assert (await client.get("/api/me", headers={"Authorization": f"Bearer {token}"})).status == 401
    assert (await client.get("/api/me", headers={"Authorization": f"Bearer {body['token']}"})).status == 200
    fresh = await connect(client, body["token"])
    assert fresh.sio.connected
    await fresh.disconnect()
    await client.post("/api/auth/logout", headers={"Authorization": f"Bearer {body['token']}"})
    assert await closed(phone) == "logged_out"
    old = await client.post("/api/auth/login", json={"username": "xiaomei", "password": "password-123"})
    assert old.status == 401
    new = await client.post("/api/auth/login", json={"username": "xiaomei", "password": "换个新密码-2026"})
    assert new.status == 200


async def test_a_password_change_refuses_a_wrong_current_password_and_bad_new_ones(client, people, live):
    xiaomei = await people("xiaomei")
    socket = await live(xiaomei)
    path, new = "/api/auth/password", "换个新密码-2026"
    wrong = await xiaomei.post(path, {"current_password": "nope-nope-nope", "new_password": new}, status=403)
    assert wrong["error"]["code"] == "wrong_password"
    short = await xiaomei.post(path, {"current_password": "password-123", "new_password": "short"}, status=400)
    assert short["error"]["code"] == "invalid_password"
    same = await xiaomei.post(path, {"current_password": "password-123", "new_password": "password-123"}, status=400)
    assert same["error"]["code"] == "invalid_password"
    for body in ({}, {"current_password": 5, "new_password": new},
                 {"current_password": "password-123", "new_password": ["x"] * 9}):
        await xiaomei.post(path, body, status=400)
    assert (await client.post(path, json={"current_password": "password-123", "new_password": new})).status == 401
    # nothing changed: the session and its connection hold, the old password still logs in
    assert socket.sio.connected and (await xiaomei.get("/api/me"))["user"]["id"] == xiaomei.id
    await second_login(client, xiaomei)


async def test_an_expired_session_is_closed_by_the_sweep(client, people, live, clock):
    xiaomei = await people("xiaomei")
    socket = await live(xiaomei)
    clock.advance(days=1, seconds=1)
    assert await closed(socket) == "expired"
    assert await refused(client, xiaomei.token)


async def test_an_expired_session_cant_act_before_the_sweep(client, people, live, clock, svc):
    xiaomei = await people("xiaomei")
    group = await make_group(xiaomei)
    socket = await live(xiaomei)
    await svc.live.stop_sweeping()  # only the event's own check is left
    clock.advance(days=1, seconds=1)
    ack = await socket.emit(events.MESSAGE_SEND, {"conversation_id": group["conversation_id"], "text": "还在吗"})
    assert not ack["ok"] and ack["error"]["code"] == "unauthorized"
    assert await closed(socket) == "expired"


async def test_a_demoted_agent_leaves_the_desk_on_the_open_connection(client, people, live, svc):
    admin, kefu = await people("boss", role="admin"), await people("kefu", role="agent")
    desk = await live(kefu)
    svc.publisher.publish(events.SUPPORT_UPDATED, {"probe": 1}, events.desk_room())
    await desk.wait_for(events.SUPPORT_UPDATED, lambda d: d.get("probe") == 1)
    await admin.call("PUT", f"/api/users/{kefu.id}/role", {"role": "member"})
    assert await closed(desk) == "role_changed"
    again = await connect(client, kefu.token)  # the same token reconnects, as a member now
    svc.publisher.publish(events.SUPPORT_UPDATED, {"probe": 2}, events.desk_room())
    svc.publisher.publish(events.NOTIFICATION, {"probe": 3}, events.user_room(kefu.id))
    await again.wait_for(events.NOTIFICATION, lambda d: d.get("probe") == 3)
    assert not again.of(events.SUPPORT_UPDATED)
    await kefu.get("/api/support/queue", status=403)
    await again.disconnect()


async def test_a_demoted_platform_moderator_gets_no_more_cases(client, people, live, svc):
    admin, banzhu = await people("boss", role="admin"), await people("banzhu", role="moderator")
    owner, author, reporter = await people("owner"), await people("xiaomei"), await people("aqiang")
    group = await make_group(owner)
    for p in (author, reporter):
        await p.post(f"/api/groups/{group['id']}/join")
    socket = await live(banzhu)
    await admin.call("PUT", f"/api/users/{banzhu.id}/role", {"role": "member"})
    assert await closed(socket) == "role_changed"
    again = await connect(client, banzhu.token)
    watcher = await live(owner)  # the group's owner moderates it: the case does go out
    bad = (await author.post(f"/api/conversations/{group['conversation_id']}/messages",
                             {"text": "这家店都是骗人的垃圾"}))["message"]
    await reporter.post(f"/api/messages/{bad['id']}/report", {"category": "abuse"})
    await watcher.wait_for(events.MODERATION_CASE, lambda c: c.get("id") == bad["id"])
    assert not again.of(events.MODERATION_CASE)
    await again.disconnect()


async def test_an_unchanged_role_keeps_the_connection(client, people, live):
    admin, kefu = await people("boss", role="admin"), await people("kefu", role="agent")
    desk = await live(kefu)
    await admin.call("PUT", f"/api/users/{kefu.id}/role", {"role": "agent"})
    await asyncio.sleep(0.1)
    assert desk.sio.connected and not desk.of(events.SESSION_ENDED)


async def test_a_moderator_who_leaves_the_group_gets_no_more_of_its_cases(client, people, live):
    owner, mod, author, reporter = [await people(n) for n in ("owner", "groupmod", "xiaomei", "aqiang")]
    group = await make_group(owner)
    for p in (mod, author, reporter):
        await p.post(f"/api/groups/{group['id']}/join")
    await owner.call("PUT", f"/api/groups/{group['id']}/members/{mod.id}/role", {"role": "moderator"})
    socket, watcher = await live(mod), await live(owner)
    await mod.post(f"/api/groups/{group['id']}/leave")
    bad = (await author.post(f"/api/conversations/{group['conversation_id']}/messages",
                             {"text": "这家店都是骗人的垃圾"}))["message"]
    await reporter.post(f"/api/messages/{bad['id']}/report", {"category": "abuse"})
    await watcher.wait_for(events.MODERATION_CASE, lambda c: c.get("id") == bad["id"])
    assert not socket.of(events.MODERATION_CASE)
    assert not [m for e, m in socket.received if e == events.MESSAGE_NEW and m["id"] == bad["id"]]


async def test_a_banned_member_gets_no_notifications_carrying_the_groups_text(client, people, live, clock):
    owner, xiaomei, aqiang = await people("owner"), await people("xiaomei"), await people("aqiang")
    group = await make_group(owner)
    for p in (xiaomei, aqiang):
        await p.post(f"/api/groups/{group['id']}/join")
    conv = group["conversation_id"]
    mine = (await xiaomei.post(f"/api/conversations/{conv}/messages", {"text": "求推荐面霜"}))["message"]
    await aqiang.post(f"/api/conversations/{conv}/messages", {"text": "这款好用", "reply_to": mine["id"]})
    await wait_until(lambda: _has_notifications(xiaomei))
    socket = await live(xiaomei)
    await owner.post(f"/api/moderation/users/{xiaomei.id}/actions",
                     {"action": "ban", "reason": "广告", "group_id": group["id"], "duration": "7d"})
    await aqiang.post(f"/api/conversations/{conv}/messages", {"text": "她被封了吗", "reply_to": mine["id"]})
    await owner.post(f"/api/conversations/{conv}/messages", {"text": "@xiaomei 看这里"})
    await asyncio.sleep(0.3)
    assert not socket.of(events.NOTIFICATION)
    notes = (await xiaomei.get("/api/notifications"))["notifications"]
    assert len(notes) == 1 and notes[0]["message"] is None  # the one from before the ban, without the text


async def _has_notifications(persona):
    return (await persona.get("/api/notifications"))["notifications"]


async def test_a_new_password_meets_the_policy_and_guessing_the_current_one_is_slowed(client, people):
    xiaomei = await people("xiaomei")
    path = "/api/auth/password"
    weak = await xiaomei.post(path, {"current_password": "password-123", "new_password": "12345678"}, status=400)
    assert weak["error"]["code"] == "weak_password" and weak["error"]["details"]["field"] == "new_password"
    for _ in range(5):  # a stolen token guessing the password it would need to lock the owner out
        await xiaomei.post(path, {"current_password": "guess-guess", "new_password": "换个新密码-2026"}, status=403)
    slowed = await xiaomei.post(path, {"current_password": "password-123", "new_password": "换个新密码-2026"},
                                status=429)
    assert slowed["error"]["details"]["retry_after"] >= 1
    assert (await client.post("/api/auth/login", json={"username": "xiaomei", "password": "password-123"})).status == 200
