"""The rules engine guarding the real send pipeline (the app's default hook)."""
from __future__ import annotations


async def test_a_blocked_message_is_never_stored_and_the_sender_learns_the_rule(shop_group, svc):
    group, owner, xiaomei, _ = shop_group
    conv = group["conversation_id"]
    body = await xiaomei.post(f"/api/conversations/{conv}/messages", {"text": "加 薇 信 领优惠 abc12345"}, status=422)
    assert body["error"]["code"] == "moderation_blocked"
    assert body["error"]["details"]["rule"].startswith("diversion:")
    assert (await xiaomei.get(f"/api/conversations/{conv}/messages"))["messages"] == []


async def test_abuse_is_masked_and_delivered_live(shop_group, live):
    group, owner, xiaomei, aqiang = shop_group
    watcher = await live(aqiang)
    socket = await live(xiaomei)
    ack = await socket.emit("message:send", {"conversation_id": group["conversation_id"], "text": "你个 煞-笔"})
    assert ack["ok"] and ack["message"]["text"] == "你个 ＊-＊"
    seen = await watcher.wait_for("message:new", lambda m: m["id"] == ack["message"]["id"])
    assert seen["text"] == "你个 ＊-＊"


async def test_shop_talk_passes_untouched(shop_group):
    group, owner, xiaomei, _ = shop_group
    for text in ("可以用微信支付吗", "订单SC20261101001到哪了", "去死皮膏好用吗", "官网 shopchat.com"):
        sent = await xiaomei.post(f"/api/conversations/{group['conversation_id']}/messages", {"text": text})
        assert sent["message"]["text"] == text


async def test_private_messages_and_edits_are_guarded_too(people):
    xiaomei, aqiang = await people("xiaomei"), await people("aqiang")
    conv = (await xiaomei.post("/api/conversations/private", {"user_id": aqiang.id}))["conversation"]["id"]
    await xiaomei.post(f"/api/conversations/{conv}/messages", {"text": "我电话 一三八 1234 5678"}, status=422)
    sent = (await xiaomei.post(f"/api/conversations/{conv}/messages", {"text": "你好"}))["message"]
    await xiaomei.call("PATCH", f"/api/messages/{sent['id']}", {"text": "兼职刷单日赚千元"}, status=422)
