"""The authorization matrix, generated from the route table and the Socket.IO event table at run time:
every route and every event × {no token, a revoked token, an outsider (in no group), a member of another
group, a moderator of another group}, aimed at someone else's things (a private group, its message, its
thread, a sanction and a report case in it, an appeal, a support case and an order of another customer).

Each must be refused (never a 2xx), except where the table says a route is the caller's own (listing
what the caller may see, acting on the caller's own account): there any caller with a token may get a
2xx, and the answer must not leak the target's data. Without a token or with a revoked one, everything
but the short PUBLIC list is refused. A route or an event missing from the tables fails the suite, so a
new one can't arrive without its denial."""
from __future__ import annotations

import json
import re

import pytest
import socketio

from server.transport.rest_base import ROUTES
from server.transport.sio import EVENT_PAYLOADS

# routes anyone may call, each with why
PUBLIC = {
    ("GET", "/api/health"): "the load balancer's probe: says only that the server is up",
    ("POST", "/api/auth/register"): "creating an account is how one gets a token",
    ("POST", "/api/auth/login"): "logging in is how one gets a token",
    ("GET", "/api/openapi.json"): "the API's published description, no data",
}

# what each route is aimed at: its path parameters (filled from the world's targets) and its body.
# OWN: the route acts on or lists the caller's own things; a 2xx is fine, a leak is not.
# SELF_ONLY: only the rows without a valid token are sent (the route would end the caller's own session).
DENY, OWN, SELF_ONLY = "deny", "own", "self"
T = {
    # the internal bot API takes the bot secret, never a user's token
    ("GET", "/internal/bot/orders"): (DENY, None),
    ("GET", "/internal/bot/orders/{order}"): (DENY, None),
    ("GET", "/internal/bot/products"): (DENY, None),
    ("GET", "/internal/bot/products/{sku}"): (DENY, None),
    ("GET", "/internal/bot/aftersales"): (DENY, None),
    ("POST", "/internal/bot/aftersales"): (DENY, {"kind": "return", "order_id": "SC9001", "sku": "x",
                                                  "reason": "r"}),
    ("POST", "/internal/bot/tickets"): (DENY, {"kind": "complaint", "summary": "s"}),
    ("GET", "/internal/bot/policies"): (DENY, None),
    ("POST", "/api/auth/logout"): (SELF_ONLY, None),
    ("POST", "/api/auth/logout-all"): (SELF_ONLY, None),
    ("POST", "/api/auth/password"): (SELF_ONLY, {"current_password": "whatever-it-is",
                                                 "new_password": "换个新密码-2026"}),
    ("GET", "/api/me"): (OWN, None),
    ("PATCH", "/api/me"): (OWN, {"bio": "x"}),
    ("GET", "/api/users"): (OWN, None),
    ("GET", "/api/users/{user_id}"): (OWN, None),          # a profile is public; its groups must not leak
    ("PUT", "/api/users/{user_id}/role"): (DENY, {"role": "admin"}),
    ("POST", "/api/users/{user_id}/block"): (OWN, None),   # the caller's own block list
    ("DELETE", "/api/users/{user_id}/block"): (OWN, None),
    ("GET", "/api/blocks"): (OWN, None),
    ("GET", "/api/presence"): (OWN, None),
    ("GET", "/api/groups"): (OWN, None),                   # the public directory: the private group not in it
    ("POST", "/api/groups"): (OWN, {"name": "新群"}),
    ("GET", "/api/me/groups"): (OWN, None),
    ("GET", "/api/groups/{group_id}"): (DENY, None),
    ("PATCH", "/api/groups/{group_id}"): (DENY, {"name": "改名"}),
    ("POST", "/api/groups/{group_id}/join"): (DENY, None),  # private: by invitation only
    ("POST", "/api/groups/{group_id}/leave"): (DENY, None),
    ("GET", "/api/groups/{group_id}/members"): (DENY, None),
    ("PUT", "/api/groups/{group_id}/members/{user_id}/role"): (DENY, {"role": "moderator"}),
    ("POST", "/api/groups/{group_id}/invites"): (DENY, {}),
    ("POST", "/api/invites/{code}/accept"): (DENY, None),   # the code is the capability: an unknown one here
    ("POST", "/api/groups/{group_id}/pins"): (DENY, {"message_id": "$message_id"}),
    ("DELETE", "/api/groups/{group_id}/pins/{message_id}"): (DENY, None),
    ("GET", "/api/groups/{group_id}/threads"): (DENY, None),
    ("POST", "/api/groups/{group_id}/threads"): (DENY, {"title": "t", "text": "x"}),
    ("GET", "/api/groups/{group_id}/showcase"): (DENY, None),
    ("GET", "/api/threads/{thread_id}"): (DENY, None),
    ("PATCH", "/api/threads/{thread_id}"): (DENY, {"pinned": True}),
    ("POST", "/api/threads/{thread_id}/like"): (DENY, None),
    ("DELETE", "/api/threads/{thread_id}/like"): (DENY, None),
    ("POST", "/api/threads/{thread_id}/follow"): (DENY, None),
    ("DELETE", "/api/threads/{thread_id}/follow"): (DENY, None),
    ("POST", "/api/messages/{message_id}/like"): (DENY, None),
    ("DELETE", "/api/messages/{message_id}/like"): (DENY, None),
    ("GET", "/api/conversations"): (OWN, None),
    ("POST", "/api/conversations/private"): (OWN, {"user_id": "$user_id"}),  # a direct chat of the caller's own
    ("GET", "/api/conversations/{conversation_id}/messages"): (DENY, None),
    ("POST", "/api/conversations/{conversation_id}/messages"): (DENY, {"text": "闯入"}),
    ("POST", "/api/conversations/{conversation_id}/read"): (DENY, {"seq": 1}),
    ("PATCH", "/api/messages/{message_id}"): (DENY, {"text": "改"}),
    ("DELETE", "/api/messages/{message_id}"): (DENY, None),
    ("GET", "/api/search"): (OWN, None),                   # ?q= words of a private message: not found
    ("GET", "/api/notifications"): (OWN, None),
    ("POST", "/api/notifications/read"): (OWN, {"ids": ["$message_id"]}),
    ("POST", "/api/messages/{message_id}/report"): (DENY, {"category": "spam"}),
    ("POST", "/api/users/{user_id}/report"): (DENY, {"category": "spam", "group_id": "$group_id"}),
    ("GET", "/api/me/sanctions"): (OWN, None),
    ("POST", "/api/uploads"): (OWN, None),                  # the caller's own picture (a JSON body: 400)
    ("POST", "/api/uploads/addresses"): (OWN, {"upload_ids": ["$message_id"]}),  # only those the caller may see
    ("POST", "/api/me/sanctions/{sanction_id}/appeal"): (DENY, {"text": "不是我的处罚"}),
    ("GET", "/api/moderation/cases"): (OWN, None),         # a moderator sees their own groups' cases only
    ("GET", "/api/moderation/cases/{case_id}"): (DENY, None),
    ("POST", "/api/moderation/cases/{case_id}/actions"): (DENY, {"action": "dismiss"}),
    ("POST", "/api/moderation/users/{user_id}/actions"): (DENY, {"action": "warn", "group_id": "$group_id",
                                                                    "reason": "r"}),
    ("POST", "/api/moderation/sanctions/{sanction_id}/lift"): (DENY, {}),
    ("GET", "/api/moderation/appeals"): (OWN, None),
    ("POST", "/api/moderation/appeals/{appeal_id}/decide"): (DENY, {"decision": "overturn", "reason": "r"}),
    ("GET", "/api/moderation/audit"): (OWN, None),
    ("GET", "/api/groups/{group_id}/rules"): (DENY, None),
    ("PATCH", "/api/groups/{group_id}/rules"): (DENY, {"require_order": True}),
    ("GET", "/api/moderation/rules"): (OWN, None),         # the platform's rules, which every client applies
    ("PATCH", "/api/moderation/rules"): (DENY, {"new_account_hours": 1}),
    ("POST", "/api/moderation/check"): (OWN, {"text": "看看", "group_id": "$group_id"}),
    ("GET", "/api/products"): (OWN, None),
    ("GET", "/api/products/{sku}"): (OWN, None),
    ("GET", "/api/me/orders"): (OWN, None),                # the caller's own: the member's order not in it
    ("GET", "/api/me/orders/{order}"): (DENY, None),
    ("GET", "/api/me/aftersales"): (OWN, None),
    ("GET", "/api/shop/policies"): (OWN, None),
    ("PATCH", "/api/shop/policies"): (DENY, {"returns": "x"}),
    ("GET", "/api/shop/aliases"): (OWN, None),             # the catalogue's names: the same for everyone
    ("PUT", "/api/shop/aliases"): (DENY, {"synonyms": [["a", "b"]]}),
    ("POST", "/api/support"): (OWN, None),                 # opens the caller's own case
    ("GET", "/api/support/cases/{conversation_id}"): (DENY, None),
    ("POST", "/api/support/cases/{conversation_id}/handoff"): (DENY, None),
    ("POST", "/api/support/cases/{conversation_id}/rating"): (DENY, {"score": 1}),
    ("GET", "/api/support/queue"): (DENY, None),
    ("GET", "/api/support/mine"): (DENY, None),
    ("GET", "/api/support/agents"): (DENY, None),
    ("POST", "/api/support/cases/{conversation_id}/claim"): (DENY, None),
    ("POST", "/api/support/cases/{conversation_id}/transfer"): (DENY, {"agent_id": "$user_id"}),
    ("POST", "/api/support/cases/{conversation_id}/resolve"): (DENY, None),
    ("GET", "/api/support/canned"): (DENY, None),
    ("PUT", "/api/support/canned"): (DENY, {"replies": []}),
    ("GET", "/api/aftersales"): (DENY, None),
    ("PATCH", "/api/aftersales/{request_id}"): (DENY, {"status": "approved"}),
    ("GET", "/api/tickets"): (DENY, None),
    ("PATCH", "/api/tickets/{ticket_id}"): (DENY, {"status": "closed"}),
    ("POST", "/api/tickets/{ticket_id}/resolve"): (DENY, {"resolution": "已处理"}),
    ("GET", "/api/support/cases/{conversation_id}/notes"): (DENY, None),
    ("POST", "/api/support/cases/{conversation_id}/notes"): (DENY, {"text": "内部备注"}),
    ("GET", "/api/support/notes"): (DENY, None),
    ("GET", "/api/support/customers/{customer_id}/profile"): (DENY, None),
    ("PUT", "/api/support/customers/{customer_id}/profile"): (DENY, {"note": "x", "labels": ["VIP"]}),
    ("GET", "/api/support/stats"): (DENY, None),
}

# the support routes are aimed at the member's support case, the others at the private group's conversation
SUPPORT_CONVERSATION = re.compile(r"^/api/support/cases/")
CALLERS = ("no_token", "revoked", "outsider", "other_member", "other_mod")


def app_routes() -> set[tuple[str, str]]:
    """Every route the app serves under /api and /internal, from its router (not just the documented ones)."""
    from server.app import create_app
    from server.config import Config
    app = create_app(Config(seed_demo=False, data_dir="/nonexistent"))
    found = set()
    for route in app.router.routes():
        path = route.resource.canonical if route.resource else ""
        if route.method in ("HEAD", "OPTIONS", "*") or not path.startswith(("/api/", "/internal/")):
            continue
        found.add((route.method, path))
    return found | {(r.method, r.path) for r in ROUTES}


def test_every_route_is_in_the_matrix():
    missing = sorted(app_routes() - set(T) - set(PUBLIC))
    assert not missing, ("routes without a row in tests/fuzz/test_authz_matrix.py (say how each is refused to "
                         f"someone who must not use it, or why it is public): {missing}")
    stale = sorted(set(T) - app_routes())
    assert not stale, f"rows for routes the app no longer has: {stale}"


def targets(w) -> dict[str, str]:
    return {"group_id": w.ids["group_id"]["private"], "message_id": w.ids["message_id"]["private"],
            "thread_id": w.ids["thread_id"]["private"], "case_id": w.ids["case_id"]["private"],
            "sanction_id": w.ids["sanction_id"]["private"], "appeal_id": w.ids["appeal_id"]["private"],
            "user_id": w.people["member"].id, "customer_id": w.people["member"].id, "order": "SC9001", "sku": "NOSUCHSKU", "code": "nosuchcode",
            "conversation_id": w.ids["conversation_id"]["private"],
            # no after-sales request or ticket exists: well-formed ids (as long as the real ones) of none
            "request_id": "0" * len(w.people["member"].id), "ticket_id": "0" * len(w.people["member"].id)}


def secrets(w) -> dict[str, str]:
    """What the callers must never be shown."""
    return {"private group": w.ids["group_id"]["private"], "its conversation": w.ids["conversation_id"]["private"],
            "its message": w.ids["message_id"]["private"], "its thread": w.ids["thread_id"]["private"],
            "the sanction": w.ids["sanction_id"]["private"], "the report case": w.ids["case_id"]["private"],
            "the support case": w.ids["conversation_id"]["support"], "the order": "SC9001",
            "the searchable message": w.ids["message_id"]["searchable"], "the group's name": "私密群",
            "the message's text": "私密的回复", "the thread's title": "私密帖子"}


def fill(w, path: str, body):
    aim = targets(w)
    if SUPPORT_CONVERSATION.match(path):
        aim["conversation_id"] = w.ids["conversation_id"]["support"]
    url = re.sub(r"\{(\w+)\}", lambda m: aim[m.group(1)], path)
    if body is not None:
        body = json.loads(re.sub(r'"\$(\w+)"', lambda m: json.dumps(aim[m.group(1)]), json.dumps(body)))
    return url, body


def caller(w, name):
    if name == "no_token":
        return None
    return w.people["revoked" if name == "revoked" else name]


def assert_no_leak(w, answer, sent: str, what) -> None:
    text = json.dumps(answer, ensure_ascii=False)
    for label, secret in secrets(w).items():
        if secret in sent:  # an error may echo what was asked for; that tells nothing new
            continue
        assert secret not in text, f"{what}: {label} leaked: {text[:500]}"


MATRIX = sorted(T)


@pytest.mark.parametrize("route", MATRIX, ids=[f"{m} {p}" for m, p in MATRIX])
def test_route_is_refused(world, route):
    method, path = route
    rule, body = T[route]
    url, body = fill(world, path, body)
    params = {"q": "蓝莓蛋糕"} if path == "/api/search" else None
    for name in CALLERS:
        if rule == SELF_ONLY and name not in ("no_token", "revoked"):
            continue
        status, answer = world.run(world.call(caller(world, name), method, url, body, params=params))
        what = f"{method} {url} as {name}"
        assert status < 500, (what, status, answer)
        if name in ("no_token", "revoked"):
            if path.startswith("/internal/"):
                assert status in (401, 403), (what, status, answer)
            else:
                assert status == 401, (what, status, answer)
        elif rule == DENY:  # the bodies are well-formed: a 400 would mean the check for who asks came too late
            assert status in (401, 403, 404), (what, status, answer)
            assert not 200 <= status < 300, (what, status, answer)
        assert_no_leak(world, answer, url + json.dumps([body, params], ensure_ascii=False), what)


def test_public_routes_answer_without_a_token(world):
    status, _ = world.run(world.call(None, "GET", "/api/health"))
    assert status == 200
    status, _ = world.run(world.call(None, "GET", "/api/openapi.json"))
    assert status == 200


# -- Socket.IO ---------------------------------------------------------------------------------------------

EVENT_TARGETS = {
    "message:send": (DENY, {"conversation_id": "$conversation_id", "text": "闯入"}),
    "message:edit": (DENY, {"message_id": "$message_id", "text": "改"}),
    "message:delete": (DENY, {"message_id": "$message_id"}),
    "reaction:add": (DENY, {"message_id": "$message_id", "emoji": "👍"}),
    "reaction:remove": (DENY, {"message_id": "$message_id", "emoji": "👍"}),
    "history": (DENY, {"conversation_id": "$conversation_id"}),
    "read": (DENY, {"conversation_id": "$conversation_id", "seq": 1}),
    "typing": (DENY, {"conversation_id": "$conversation_id", "typing": True}),
    "sync": (OWN, {"cursors": {"$conversation_id": 0}}),        # conversations the caller can't read: left out
    "presence:set": (OWN, {"status": "away"}),                  # the caller's own status
    "presence:subscribe": (OWN, {"user_ids": ["$user_id"]}),    # presence is for anyone signed in
}


def test_every_event_is_in_the_matrix():
    missing = sorted(set(EVENT_PAYLOADS) - set(EVENT_TARGETS))
    assert not missing, f"Socket.IO events without a row in tests/fuzz/test_authz_matrix.py: {missing}"
    assert not set(EVENT_TARGETS) - set(EVENT_PAYLOADS)


def aim_event(w, data):
    aim = targets(w)
    text = re.sub(r'"\$(\w+)"', lambda m: json.dumps(aim[m.group(1)]), json.dumps(data))
    return json.loads(text)


@pytest.mark.parametrize("name", ["no_token", "revoked"])
def test_sockets_without_a_valid_token_are_refused(world, name):
    async def try_connect():
        sio = socketio.AsyncClient(reconnection=False)
        who = caller(world, name)
        try:
            await sio.connect(world.url, auth={"token": who.token} if who else None, transports=["websocket"],
                              wait_timeout=10)
        except socketio.exceptions.ConnectionError:
            return False
        await sio.disconnect()
        return True
    # refused at connect: no event of any row is ever reached without a valid token
    assert world.run(try_connect()) is False


@pytest.mark.parametrize("event", sorted(EVENT_TARGETS))
def test_event_is_refused(world, event):
    rule, data = EVENT_TARGETS[event]
    data = aim_event(world, data)
    for name in ("outsider", "other_member", "other_mod"):
        async def emit(who=world.people[name]):
            sio = await world.socket(who)
            return await sio.call(event, data, timeout=10)
        ack = world.run(emit())
        what = f"{event} as {name}"
        assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), (what, ack)
        if rule == DENY:
            assert ack["ok"] is False, (what, ack)
        if not ack["ok"]:
            assert ack["error"]["code"] != "internal", (what, ack)
        assert_no_leak(world, ack, json.dumps(data, ensure_ascii=False), what)


def test_the_targets_are_real(world):
    """The refusals above mean something: the same requests succeed for those entitled to them."""
    aim, owner, member = targets(world), world.people["owner"], world.people["member"]
    for who, path in ((owner, f"/api/groups/{aim['group_id']}"), (owner, f"/api/threads/{aim['thread_id']}"),
                      (owner, f"/api/conversations/{aim['conversation_id']}/messages"),
                      (owner, f"/api/moderation/cases/{aim['case_id']}"), (member, "/api/me/orders/SC9001"),
                      (member, f"/api/support/cases/{world.ids['conversation_id']['support']}")):
        status, answer = world.run(world.call(who, "GET", path))
        assert status == 200, (path, status, answer)
    status, answer = world.run(world.call(owner, "GET", "/api/search", params={"q": "蓝莓蛋糕"}))
    assert status == 200 and world.ids["message_id"]["searchable"] in json.dumps(answer), answer
