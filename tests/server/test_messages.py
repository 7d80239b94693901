"""The message pipeline through real Socket.IO clients."""
from __future__ import annotations

import asyncio
import json
import os
import re

import pytest

from server.domain.shop import ShopProduct


@pytest.fixture
async def room(shop_group, live):
    """Two shoppers in one group, both connected."""
    g, owner, xiaomei, aqiang = shop_group
    return {"group": g, "cid": g["conversation_id"], "owner": owner, "a": xiaomei, "b": aqiang,
            "la": await live(xiaomei), "lb": await live(aqiang)}


async def test_two_shoppers_see_each_other_live(room):
    ack = await room["la"].emit("message:send", {"conversation_id": room["cid"], "text": "大家好", "client_msg_id": "m1"})
    assert ack["ok"] and ack["message"]["seq"] == 1 and ack["message"]["author_id"] == room["a"].id
    assert ack["message"]["created_at"].endswith("Z") and ack["duplicate"] is False
    got = await room["lb"].wait_for("message:new")
    assert got["id"] == ack["message"]["id"] and got["text"] == "大家好"
    reply = await room["lb"].emit("message:send", {"conversation_id": room["cid"], "text": "你好呀",
                                                   "reply_to": got["id"]})
    assert reply["ok"] and reply["message"]["seq"] == 2 and reply["message"]["reply_to"] == got["id"]
    again = await room["la"].wait_for("message:new", lambda d: d["seq"] == 2)
    assert again["text"] == "你好呀"


async def test_event_goes_exactly_to_the_group_room(room, published):
    await room["la"].emit("message:send", {"conversation_id": room["cid"], "text": "hi"})
    news = [e for e in published if e.name == "message:new"]
    assert len(news) == 1 and news[0].rooms == (f"g:{room['group']['id']}",)


async def test_resending_a_client_msg_id_returns_the_original(room):
    la = room["la"]
    first = await la.emit("message:send", {"conversation_id": room["cid"], "text": "只发一次", "client_msg_id": "abc"})
    second = await la.emit("message:send", {"conversation_id": room["cid"], "text": "只发一次", "client_msg_id": "abc"})
    assert second["ok"] and second["duplicate"] and second["message"]["id"] == first["message"]["id"]
    history = await la.emit("history", {"conversation_id": room["cid"]})
    assert [m["text"] for m in history["messages"]] == ["只发一次"]
    await asyncio.sleep(0.05)
    assert len(room["lb"].of("message:new")) == 1


@pytest.mark.parametrize("payload,code", [
    ({"text": "x" * 4001}, "too_long"),
    ({"text": ""}, "invalid_payload"),
    ({"text": "   "}, "invalid_payload"),
    ({"text": 42}, "invalid_payload"),
    ({}, "invalid_payload"),
    ({"text": "hi", "type": "video"}, "invalid_payload"),
    ({"type": "product"}, "invalid_payload"),
    ({"type": "product", "product": {"title": "t", "price": "9"}}, "invalid_payload"),
    ({"type": "product", "product": {"sku": ""}}, "invalid_payload"),
    ({"type": "product", "product": "SC-TEE-05"}, "invalid_payload"),
    ({"type": "product", "product": {"sku": "NO-SUCH-SKU"}}, "not_found"),
    ({"text": "hi", "client_msg_id": "c" * 65}, "too_long"),
    ({"text": "hi", "reply_to": "nope"}, "invalid_id"),
    ({"text": "hi", "reply_to": "0" * 24}, "not_found"),
    ({"text": "bad \x00 nul"}, "invalid_payload"),
    ({"text": "bad \ud800 surrogate"}, "invalid_payload"),
])
async def test_send_rejects_bad_input(room, payload, code):
    ack = await room["la"].emit("message:send", {"conversation_id": room["cid"], **payload})
    assert ack["ok"] is False and ack["error"]["code"] == code, ack
    history = await room["la"].emit("history", {"conversation_id": room["cid"]})
    assert history["messages"] == []  # nothing half-stored


@pytest.mark.parametrize("data", [None, "text", 5, [1, 2], {"conversation_id": "bad"}, {"conversation_id": 7}])
async def test_malformed_payloads_get_an_error_not_a_crash(room, data):
    ack = await room["la"].emit("message:send", data)
    assert ack["ok"] is False and ack["error"]["code"] in ("invalid_payload", "invalid_id")
    assert room["la"].sio.connected


async def test_unknown_events_are_answered(room):
    ack = await room["la"].emit("launch:rockets", {"x": 1})
    assert ack == {"ok": False, "error": {"code": "unknown_event", "message": "unknown event 'launch:rockets'"}}
    assert room["la"].sio.connected


@pytest.fixture
async def catalogue(svc):
    for sku, title, price in [("SC-EARBUDS-02", "降噪蓝牙耳机 Air Pro", "299.00"), ("SC-TEE-05", "纯棉短袖T恤", "79.00")]:
        await svc.storage.products.put(ShopProduct(sku=sku, title=title, price=price))


async def test_a_product_card_is_the_catalogues_whatever_the_sender_claims(room, catalogue):
    ack = await room["la"].emit("message:send", {
        "conversation_id": room["cid"], "type": "product", "text": "这款我在用",
        "product": {"sku": "sc-earbuds-02", "title": "加我薇信 abc12345 清仓", "price": 1,
                    "image_url": "https://elsewhere.example/fake.png"}})
    assert ack["ok"] and ack["message"]["type"] == "product" and ack["message"]["text"] == "这款我在用"
    card = {"sku": "SC-EARBUDS-02", "title": "降噪蓝牙耳机 Air Pro", "price": "299.00", "image_url": ""}
    assert ack["message"]["product"] == card
    assert (await room["lb"].wait_for("message:new"))["product"] == card
    found = await room["b"].get("/api/search?q=耳机")  # searchable by the catalogue's title
    assert any(h["message"]["id"] == ack["message"]["id"] for h in found["messages"])


async def test_a_product_cards_comment_is_moderated_like_any_text(room, catalogue):
    ack = await room["la"].emit("message:send", {"conversation_id": room["cid"], "type": "product",
                                                 "text": "加我薇信 abc12345 更便宜", "product": {"sku": "SC-TEE-05"}})
    assert ack["ok"] is False and ack["error"]["code"] == "moderation_blocked"


async def test_outsiders_can_neither_read_nor_write(room, people, live):
    outsider = await people("outsider")
    lo = await live(outsider)
    ack = await lo.emit("message:send", {"conversation_id": room["cid"], "text": "我能发吗"})
    assert ack["error"]["code"] == "not_member"
    assert (await lo.emit("history", {"conversation_id": room["cid"]}))["error"]["code"] == "not_member"
    assert (await lo.emit("read", {"conversation_id": room["cid"], "seq": 1}))["error"]["code"] == "not_member"
    assert (await lo.emit("typing", {"conversation_id": room["cid"]}))["error"]["code"] == "not_member"
    await room["la"].emit("message:send", {"conversation_id": room["cid"], "text": "members only"})
    await asyncio.sleep(0.05)
    assert lo.of("message:new") == []
    ack = await lo.emit("message:send", {"conversation_id": "0" * 24, "text": "x"})
    assert ack["error"]["code"] == "not_found"


async def test_edit_delete_only_by_author_and_tombstone(room):
    la, lb = room["la"], room["lb"]
    sent = (await la.emit("message:send", {"conversation_id": room["cid"], "text": "原来的话"}))["message"]
    denied = await lb.emit("message:edit", {"message_id": sent["id"], "text": "被改了"})
    assert denied["error"]["code"] == "not_author"
    denied = await lb.emit("message:delete", {"message_id": sent["id"]})
    assert denied["error"]["code"] == "not_author"
    edited = await la.emit("message:edit", {"message_id": sent["id"], "text": "改过的话"})
    assert edited["message"]["edited"] and edited["message"]["text"] == "改过的话"
    update = await lb.wait_for("message:updated", lambda d: d["edited"])
    assert update["text"] == "改过的话" and update["seq"] == sent["seq"]
    assert (await la.emit("message:edit", {"message_id": sent["id"], "text": ""}))["error"]["code"] == "invalid_payload"
    gone = await la.emit("message:delete", {"message_id": sent["id"]})
    assert gone["message"]["deleted"] and gone["message"]["text"] == ""
    await lb.wait_for("message:updated", lambda d: d["deleted"])
    history = (await lb.emit("history", {"conversation_id": room["cid"]}))["messages"]
    assert [(m["seq"], m["deleted"], m["text"]) for m in history] == [(1, True, "")]
    again = await la.emit("message:edit", {"message_id": sent["id"], "text": "复活"})
    assert again["error"]["code"] == "not_found"


async def test_group_moderators_may_delete_others_messages(room):
    sent = (await room["la"].emit("message:send", {"conversation_id": room["cid"], "text": "广告"}))["message"]
    gid = room["group"]["id"]
    await room["owner"].call("PUT", f"/api/groups/{gid}/members/{room['b'].id}/role", {"role": "moderator"})
    ack = await room["lb"].emit("message:delete", {"message_id": sent["id"]})
    assert ack["ok"] and ack["message"]["deleted"]


async def test_reactions(room):
    la, lb = room["la"], room["lb"]
    sent = (await la.emit("message:send", {"conversation_id": room["cid"], "text": "上新啦"}))["message"]
    ack = await lb.emit("reaction:add", {"message_id": sent["id"], "emoji": "👍"})
    assert ack["message"]["reactions"] == {"👍": [room["b"].id]}
    await la.wait_for("message:updated", lambda d: d["reactions"].get("👍"))
    ack = await la.emit("reaction:add", {"message_id": sent["id"], "emoji": "👍"})
    assert ack["message"]["reactions"] == {"👍": [room["b"].id, room["a"].id]}
    ack = await lb.emit("reaction:remove", {"message_id": sent["id"], "emoji": "👍"})
    assert ack["message"]["reactions"] == {"👍": [room["a"].id]}
    for bad in ("", "a b", "x" * 17, "a.b", "$set", None, 5, "\ud83d", "👍\x00", "\x07👍", "\u200b\x1b"):
        ack = await lb.emit("reaction:add", {"message_id": sent["id"], "emoji": bad})
        assert ack["error"]["code"] == "invalid_payload", bad
    # nothing stored that can't be served: the history still reads for everyone
    history = await room["a"].get(f"/api/conversations/{room['cid']}/messages")
    assert history["messages"][-1]["reactions"] == {"👍": [room["a"].id]}


def _picker() -> list[str]:
    """The web client's reaction picker (web/static/chat/message.js: EMOJIS): each must still work."""
    path = os.path.join(os.path.dirname(__file__), "..", "..", "web", "static", "chat", "message.js")
    with open(path, encoding="utf-8") as f:
        found = re.search(r"const EMOJIS = (\[[^\]]*\]);", f.read())
    return json.loads(found.group(1))


PICKER = _picker()


async def test_a_reaction_is_one_emoji(room, svc):
    la = room["la"]
    sent = (await la.emit("message:send", {"conversation_id": room["cid"], "text": "上新啦"}))["message"]
    for emoji in [*PICKER, "👍🏽", "👩\u200d👩\u200d👧\u200d👦", "🏳️\u200d🌈", "🇨🇳", "1️⃣", "☺", "‼️",
                  "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"]:
        ack = await la.emit("reaction:add", {"message_id": sent["id"], "emoji": emoji})
        assert ack["ok"], (emoji, ack)
        await la.emit("reaction:remove", {"message_id": sent["id"], "emoji": emoji})
    for bad in ("ok", "+1", "好", "👍👍", "👍\u200d", "\u200d", "🇨", "1", "👍\u0301", "\u202e👍", "😂\ufe0f\ufe0f"):
        ack = await la.emit("reaction:add", {"message_id": sent["id"], "emoji": bad})
        assert ack["error"]["code"] == "invalid_payload" and ack["error"]["details"]["field"] == "emoji", bad
    # one added when any short text would do can still be taken back
    await svc.storage.messages.add_reaction(message_id=sent["id"], emoji="ok", user_id=room["a"].id)
    ack = await la.emit("reaction:remove", {"message_id": sent["id"], "emoji": "ok"})
    assert ack["ok"] and ack["message"]["reactions"].get("ok", []) == []


async def test_whole_numbers_beyond_what_a_client_reads_are_refused(room):
    la = room["la"]
    for key in ("before", "after", "limit"):
        for huge in (2**64, 2**53):
            got = await room["a"].get(f"/api/conversations/{room['cid']}/messages?{key}={huge}", status=400)
            assert got["error"]["code"] == "invalid_payload" and got["error"]["details"]["field"] == key
            ack = await la.emit("history", {"conversation_id": room["cid"], key: huge})
            assert ack["error"]["code"] == "invalid_payload", (key, ack)
    got = await room["a"].get(f"/api/groups?offset={2**70}", status=400)
    assert got["error"]["details"]["field"] == "offset"
    ack = await la.emit("read", {"conversation_id": room["cid"], "seq": 2**63})
    assert ack["error"]["code"] == "invalid_payload"


async def test_mentions_notify_and_at_all_is_for_admins(room, people, live, svc):
    la, lb = room["la"], room["lb"]
    ack = await la.emit("message:send", {"conversation_id": room["cid"], "text": "@aqiang 你看这个 @nobody"})
    assert ack["message"]["mentions"] == [room["b"].id]
    note = await lb.wait_for("notification", lambda d: d["kind"] == "mention")
    await svc.tasks.join()
    assert note["message_id"] == ack["message"]["id"] and note["actor_id"] == room["a"].id
    notes = await room["b"].get("/api/notifications")
    assert notes["unread"] == 1 and notes["notifications"][0]["kind"] == "mention"
    assert notes["notifications"][0]["message"]["text"] == "@aqiang 你看这个 @nobody"  # the list carries the message
    await room["b"].post("/api/notifications/read", {"ids": [notes["notifications"][0]["id"]]})
    assert (await room["b"].get("/api/notifications"))["unread"] == 0
    denied = await la.emit("message:send", {"conversation_id": room["cid"], "text": "@all 快来"})
    assert denied["error"]["code"] == "mention_all_forbidden"
    lo = await live(room["owner"])
    ok = await lo.emit("message:send", {"conversation_id": room["cid"], "text": "@所有人 今晚八点直播"})
    assert ok["ok"] and ok["message"]["mention_all"]
    await lb.wait_for("notification", lambda d: d["kind"] == "mention_all")


async def test_reply_notifies_the_quoted_author(room):
    first = (await room["la"].emit("message:send", {"conversation_id": room["cid"], "text": "有人用过吗"}))["message"]
    await room["lb"].emit("message:send", {"conversation_id": room["cid"], "text": "用过，不错", "reply_to": first["id"]})
    note = await room["la"].wait_for("notification")
    assert note["kind"] == "reply"


async def test_history_pagination_limits(room):
    la = room["la"]
    for i in range(7):
        await la.emit("message:send", {"conversation_id": room["cid"], "text": f"第{i}条"})
    page = await la.emit("history", {"conversation_id": room["cid"], "limit": 3})
    assert [m["seq"] for m in page["messages"]] == [5, 6, 7]
    page = await la.emit("history", {"conversation_id": room["cid"], "before": 5, "limit": 3})
    assert [m["seq"] for m in page["messages"]] == [2, 3, 4]
    page = await la.emit("history", {"conversation_id": room["cid"], "after": 5})
    assert [m["seq"] for m in page["messages"]] == [6, 7]
    bad = await la.emit("history", {"conversation_id": room["cid"], "limit": 101})
    assert bad["error"]["code"] == "invalid_payload"
    rest = await room["a"].get(f"/api/conversations/{room['cid']}/messages?before=3&limit=100")
    assert [m["seq"] for m in rest["messages"]] == [1, 2]
    await room["a"].get(f"/api/conversations/{room['cid']}/messages?limit=abc", status=400)
    await room["a"].get(f"/api/conversations/{room['cid']}/messages?limit=1000", status=400)


async def test_unread_counts_and_read_markers_follow_the_user(room, live):
    la, lb = room["la"], room["lb"]
    lb2 = await live(room["b"])  # aqiang's second device
    for i in range(3):
        await la.emit("message:send", {"conversation_id": room["cid"], "text": f"m{i}"})
    groups = (await room["b"].get("/api/me/groups"))["groups"]
    assert groups[0]["unread"] == 3
    assert (await room["a"].get("/api/me/groups"))["groups"][0]["unread"] == 0  # own messages are read
    ack = await lb.emit("read", {"conversation_id": room["cid"], "seq": 2})
    assert ack == {"ok": True, "conversation_id": room["cid"], "seq": 2, "unread": 1}
    synced = await lb2.wait_for("read:updated")
    assert synced["seq"] == 2 and synced["unread"] == 1
    assert (await lb.emit("read", {"conversation_id": room["cid"], "seq": 1}))["seq"] == 2  # never backwards
    assert (await lb.emit("read", {"conversation_id": room["cid"], "seq": 99}))["seq"] == 3  # capped
    assert (await room["b"].get("/api/me/groups"))["groups"][0]["unread"] == 0
    assert (await lb.emit("read", {"conversation_id": room["cid"], "seq": -1}))["error"]["code"] == "invalid_payload"


async def test_typing_goes_to_others_not_back(room):
    ack = await room["la"].emit("typing", {"conversation_id": room["cid"], "typing": True})
    assert ack["ok"]
    got = await room["lb"].wait_for("typing")
    assert got == {"conversation_id": room["cid"], "user_id": room["a"].id, "typing": True}
    await asyncio.sleep(0.05)
    assert room["la"].of("typing") == []


async def test_presence_online_away_offline(room, live):
    lb = room["lb"]
    sub = await lb.emit("presence:subscribe", {"user_ids": [room["a"].id, room["owner"].id]})
    assert sub["presence"] == {room["a"].id: "online", room["owner"].id: "offline"}
    ack = await room["la"].emit("presence:set", {"status": "away"})
    assert ack["status"] == "away"
    assert (await lb.wait_for("presence"))["status"] == "away"
    await room["la"].disconnect()
    await lb.wait_for("presence", lambda d: d["status"] == "offline")
    bad = await lb.emit("presence:set", {"status": "invisible"})
    assert bad["error"]["code"] == "invalid_payload"
    got = await room["b"].get(f"/api/presence?user_ids={room['a'].id},{room['b'].id}")
    assert got["presence"] == {room["a"].id: "offline", room["b"].id: "online"}


async def test_reconnect_receives_what_was_missed_in_order_once(room, live):
    la, lb = room["la"], room["lb"]
    await la.emit("message:send", {"conversation_id": room["cid"], "text": "before"})
    seen = (await lb.wait_for("message:new"))["seq"]
    await lb.disconnect()
    for i in range(5):
        await la.emit("message:send", {"conversation_id": room["cid"], "text": f"missed {i}"})
    lb_again = await live(room["b"])
    synced = await lb_again.emit("sync", {"cursors": {room["cid"]: seen}})
    missed = synced["conversations"][room["cid"]]
    assert [m["text"] for m in missed["messages"]] == [f"missed {i}" for i in range(5)]
    assert [m["seq"] for m in missed["messages"]] == [2, 3, 4, 5, 6] and missed["has_more"] is False
    again = await lb_again.emit("sync", {"cursors": {room["cid"]: 6}})
    assert again["conversations"][room["cid"]]["messages"] == []
    await la.emit("message:send", {"conversation_id": room["cid"], "text": "live again"})
    assert (await lb_again.wait_for("message:new"))["seq"] == 7


async def test_sync_pages_and_reports_unreadable(room):
    for i in range(105):
        await room["a"].post(f"/api/conversations/{room['cid']}/messages", {"text": f"m{i}"})
    out = await room["lb"].emit("sync", {"cursors": {room["cid"]: 0, "0" * 24: 0}})
    page = out["conversations"][room["cid"]]
    assert len(page["messages"]) == 100 and page["has_more"] is True
    assert out["conversations"]["0" * 24]["error"]["code"] == "not_found"
    for bad in ({"cursors": []}, {"cursors": {room["cid"]: -1}}, {"cursors": {"x": 1}}, {}):
        assert (await room["lb"].emit("sync", bad))["ok"] is False


async def test_rest_send_uses_the_same_pipeline(room):
    body = await room["a"].post(f"/api/conversations/{room['cid']}/messages", {"text": "来自 REST", "client_msg_id": "r1"})
    got = await room["lb"].wait_for("message:new")
    assert got["id"] == body["message"]["id"]
    dup = await room["a"].post(f"/api/conversations/{room['cid']}/messages", {"text": "来自 REST", "client_msg_id": "r1"})
    assert dup["duplicate"] and dup["message"]["id"] == body["message"]["id"]


async def test_message_likes(room):
    sent = (await room["la"].emit("message:send", {"conversation_id": room["cid"], "text": "点赞我"}))["message"]
    assert (await room["b"].post(f"/api/messages/{sent['id']}/like"))["like_count"] == 1
    assert (await room["b"].post(f"/api/messages/{sent['id']}/like"))["like_count"] == 1
    assert (await room["b"].call("DELETE", f"/api/messages/{sent['id']}/like"))["like_count"] == 0


async def test_send_path_sees_changes_made_after_it_cached_access(room, people):
    """The send path caches access facts; leaving, closing a thread and blocking must still take effect at once."""
    b, cid, gid = room["b"], room["cid"], room["group"]["id"]
    await b.post(f"/api/conversations/{cid}/messages", {"text": "还在群里"})
    thread = (await b.post(f"/api/groups/{gid}/threads", {"title": "话题", "text": "一楼"}))["thread"]
    await b.post(f"/api/conversations/{thread['id']}/messages", {"text": "二楼"})
    await room["owner"].call("PATCH", f"/api/threads/{thread['id']}", {"closed": True})
    err = await b.post(f"/api/conversations/{thread['id']}/messages", {"text": "三楼"}, status=403)
    assert err["error"]["code"] == "thread_closed"
    conv = (await b.post("/api/conversations/private", {"user_id": room["a"].id}))["conversation"]
    await b.post(f"/api/conversations/{conv['id']}/messages", {"text": "你好"})
    await room["a"].post(f"/api/users/{b.id}/block")
    err = await b.post(f"/api/conversations/{conv['id']}/messages", {"text": "还在吗"}, status=403)
    assert err["error"]["code"] == "blocked"
    await b.post(f"/api/groups/{gid}/leave")
    err = await b.post(f"/api/conversations/{cid}/messages", {"text": "走了还能发吗"}, status=403)
    assert err["error"]["code"] == "not_member"
