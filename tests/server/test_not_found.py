"""Issue 12: "hidden from you" and "doesn't exist" are one answer. For every route and Socket.IO event that
takes an id, an outsider asking for a real thing they may not see gets the same status and the same bytes
as for a well-formed id that names nothing (so guessing ids tells nothing about what exists)."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from server.domain.shop import Order
from server.storage.base import new_id
from server.transport.keys import SERVICES

# (method, path, body): {g} a private group, {c} its conversation, {m} a message in it, {t} a thread in it,
# {p} someone else's private conversation, {s} a sanction (and its appeal) and {k} a case in that group,
# {sc} someone else's support conversation, {u} a member of the group (public), {o} someone else's order.
ROUTES = [
    ("GET", "/api/groups/{g}", None),
    ("PATCH", "/api/groups/{g}", {"name": "新名字"}),
    ("POST", "/api/groups/{g}/join", None),
    ("POST", "/api/groups/{g}/leave", None),
    ("GET", "/api/groups/{g}/members", None),
    ("PUT", "/api/groups/{g}/members/{u}/role", {"role": "member"}),
    ("POST", "/api/groups/{g}/invites", {}),
    ("POST", "/api/groups/{g}/pins", {"message_id": "{m}"}),
    ("DELETE", "/api/groups/{g}/pins/{m}", None),
    ("GET", "/api/groups/{g}/threads", None),
    ("POST", "/api/groups/{g}/threads", {"title": "话题", "text": "一楼"}),
    ("GET", "/api/groups/{g}/rules", None),
    ("PATCH", "/api/groups/{g}/rules", {"slow_mode_seconds": 5}),
    ("GET", "/api/threads/{t}", None),
    ("PATCH", "/api/threads/{t}", {"pinned": True}),
    ("POST", "/api/threads/{t}/like", None),
    ("DELETE", "/api/threads/{t}/like", None),
    ("POST", "/api/threads/{t}/follow", None),
    ("DELETE", "/api/threads/{t}/follow", None),
    ("GET", "/api/conversations/{c}/messages", None),
    ("POST", "/api/conversations/{c}/messages", {"text": "你好"}),
    ("POST", "/api/conversations/{c}/read", {"seq": 1}),
    ("GET", "/api/conversations/{p}/messages", None),
    ("POST", "/api/conversations/{p}/messages", {"text": "你好"}),
    ("POST", "/api/conversations/{p}/read", {"seq": 1}),
    ("POST", "/api/conversations/{own}/messages", {"text": "引用", "reply_to": "{m}"}),
    ("PATCH", "/api/messages/{m}", {"text": "改"}),
    ("DELETE", "/api/messages/{m}", None),
    ("POST", "/api/messages/{m}/like", None),
    ("DELETE", "/api/messages/{m}/like", None),
    ("POST", "/api/messages/{m}/report", {"category": "spam"}),
    ("POST", "/api/users/{u}/report", {"category": "spam", "group_id": "{g}"}),
    ("POST", "/api/me/sanctions/{s}/appeal", {"text": "不服"}),
    ("GET", "/api/moderation/cases/{k}", None),
    ("POST", "/api/moderation/cases/{k}/actions", {"action": "dismiss", "reason": "x"}),
    ("POST", "/api/moderation/users/{u}/actions", {"action": "warn", "reason": "x", "group_id": "{g}"}),
    ("POST", "/api/moderation/sanctions/{s}/lift", {"reason": "x"}),
    ("POST", "/api/moderation/appeals/{s}/decide", {"decision": "uphold", "reason": "x"}),
    ("GET", "/api/support/cases/{sc}", None),
    ("POST", "/api/support/cases/{sc}/handoff", None),
    ("POST", "/api/support/cases/{sc}/rating", {"score": 5}),
    ("POST", "/api/support/cases/{sc}/claim", None),
    ("POST", "/api/support/cases/{sc}/transfer", {"agent_id": "{u}"}),
    ("POST", "/api/support/cases/{sc}/resolve", None),
    ("GET", "/api/me/orders/{o}", None),
]

# (event, payload) for Socket.IO acks, with the same placeholders
EVENTS = [
    ("message:send", {"conversation_id": "{c}", "text": "你好"}),
    ("message:send", {"conversation_id": "{p}", "text": "你好"}),
    ("message:send", {"conversation_id": "{own}", "text": "引用", "reply_to": "{m}"}),
    ("message:edit", {"message_id": "{m}", "text": "改"}),
    ("message:delete", {"message_id": "{m}"}),
    ("reaction:add", {"message_id": "{m}", "emoji": "👍"}),
    ("reaction:remove", {"message_id": "{m}", "emoji": "👍"}),
    ("history", {"conversation_id": "{c}"}),
    ("history", {"conversation_id": "{p}"}),
    ("read", {"conversation_id": "{c}", "seq": 1}),
    ("read", {"conversation_id": "{p}", "seq": 1}),
    ("typing", {"conversation_id": "{c}"}),
    ("typing", {"conversation_id": "{p}"}),
]


@pytest.fixture
async def world(client, people):
    """alice's private group with bob in it (a message, a thread, a report, a sanction and its appeal),
    alice and bob's private conversation, carol's support conversation and order; eve sees none of it.
    eve owns a public group of her own, so she moderates somewhere: the moderation routes answer her
    as a moderator of another scope."""
    alice, bob, carol, eve = [await people(n) for n in ("alice", "bob", "carol", "eve")]
    mod = await people("mod", role="moderator")
    group = (await alice.post("/api/groups", {"name": "密室", "visibility": "private"}))["group"]
    invite = (await alice.post(f"/api/groups/{group['id']}/invites", {}))["invite"]
    await bob.post(f"/api/invites/{invite['code']}/accept")
    conv = group["conversation_id"]
    message = (await alice.post(f"/api/conversations/{conv}/messages", {"text": "只给成员看"}))["message"]
    thread = (await alice.post(f"/api/groups/{group['id']}/threads", {"title": "内部", "text": "一楼"}))["thread"]
    await bob.post(f"/api/messages/{message['id']}/report", {"category": "spam"})  # its case has the message id
    sanction = (await mod.post(f"/api/moderation/users/{bob.id}/actions",
                               {"action": "warn", "reason": "x", "group_id": group["id"]}))["sanction"]
    await bob.post(f"/api/me/sanctions/{sanction['id']}/appeal", {"text": "不服"})
    private = (await alice.post("/api/conversations/private", {"user_id": bob.id}))["conversation"]
    await alice.post(f"/api/conversations/{private['id']}/messages", {"text": "悄悄话"})
    support = (await carol.post("/api/support"))["conversation"]
    svc = client.server.app[SERVICES]
    await svc.storage.orders.put(Order(id="SC20261101", customer_id=carol.id, status="paid", items=[], total="9",
                                       created_at=datetime(2026, 11, 1, tzinfo=timezone.utc)))
    own = (await eve.post("/api/groups", {"name": "夏娃的群"}))["group"]["conversation_id"]
    hidden = {"g": group["id"], "c": conv, "m": message["id"], "t": thread["id"], "p": private["id"],
              "s": sanction["id"], "k": message["id"], "sc": support["id"], "u": alice.id, "o": "SC20261101",
              "own": own}
    # the same shapes, naming nothing (the public ones -- a user, eve's own conversation -- stay)
    missing = {**{key: new_id() for key in hidden}, "o": "SC20269999", "u": alice.id, "own": own}
    return eve, hidden, missing


def fill(value, ids):
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    if isinstance(value, str):
        for key in sorted(ids, key=len, reverse=True):
            value = value.replace("{" + key + "}", ids[key])
    return value


@pytest.mark.parametrize(("method", "path", "body"), ROUTES, ids=[f"{m} {p}" for m, p, _ in ROUTES])
async def test_rest_hidden_and_missing_answer_alike(world, method, path, body):
    eve, hidden, missing = world
    answers = []
    for ids in (hidden, missing):
        resp = await eve.http.request(method, fill(path, ids), json=fill(body, ids), headers=eve.headers)
        answers.append((resp.status, await resp.read()))
    assert answers[0] == answers[1]
    assert answers[0][0] in (403, 404), answers[0]  # 403 only where a made-up id is refused the same way


@pytest.mark.parametrize(("event", "payload"), EVENTS, ids=[f"{e} {sorted(p)}" for e, p in EVENTS])
async def test_socket_hidden_and_missing_answer_alike(world, live, event, payload):
    eve, hidden, missing = world
    sock = await live(eve)
    acks = [await sock.emit(event, fill(payload, ids)) for ids in (hidden, missing)]
    assert acks[0] == acks[1]
    assert acks[0]["ok"] is False and acks[0]["error"]["code"] == "not_found", acks[0]


async def test_socket_sync_reports_hidden_and_missing_conversations_alike(world, live):
    eve, hidden, missing = world
    sock = await live(eve)
    ack = await sock.emit("sync", {"cursors": {hidden["c"]: 0, hidden["p"]: 0, missing["c"]: 0}})
    answers = ack["conversations"]
    assert answers[hidden["c"]] == answers[hidden["p"]] == answers[missing["c"]]
    assert answers[missing["c"]]["error"]["code"] == "not_found"


async def test_the_not_found_body(world):
    eve, hidden, _ = world
    resp = await eve.http.request("GET", f"/api/groups/{hidden['g']}", headers=eve.headers)
    assert resp.status == 404
    assert await resp.json() == {"ok": False, "error": {"code": "not_found", "message": "no such group"}}


async def test_a_member_still_hears_what_they_may_not_do(client, people):
    """403 stays where the thing is visible: a public group's conversation to someone who hasn't joined."""
    owner, other = await people("owner"), await people("other")
    group = (await owner.post("/api/groups", {"name": "公开"}))["group"]
    body = await other.post(f"/api/conversations/{group['conversation_id']}/messages", {"text": "hi"}, status=403)
    assert body["error"]["code"] == "not_member"
    message = (await owner.post(f"/api/conversations/{group['conversation_id']}/messages", {"text": "hi"}))["message"]
    await other.post(f"/api/groups/{group['id']}/join")
    body = await other.call("PATCH", f"/api/messages/{message['id']}", {"text": "改"}, status=403)
    assert body["error"]["code"] == "not_author"
