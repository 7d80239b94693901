from __future__ import annotations

import asyncio


async def test_private_conversation_between_two_users(people, live):
    a, b, c = await people("xiaomei"), await people("aqiang"), await people("lily")
    lb, lc = await live(b), await live(c)
    conv = (await a.post("/api/conversations/private", {"user_id": b.id}))["conversation"]
    assert conv["kind"] == "private" and set(conv["participants"]) == {a.id, b.id}
    assert (await b.post("/api/conversations/private", {"user_id": a.id}))["conversation"]["id"] == conv["id"]
    la = await live(a)
    ack = await la.emit("message:send", {"conversation_id": conv["id"], "text": "在吗？"})
    got = await lb.wait_for("message:new")
    assert got["id"] == ack["message"]["id"]
    await asyncio.sleep(0.05)
    assert lc.of("message:new") == []
    listed = (await b.get("/api/conversations"))["conversations"]
    assert listed[0]["id"] == conv["id"] and listed[0]["unread"] == 1
    assert listed[0]["other"]["username"] == "xiaomei" and listed[0]["last_message"]["text"] == "在吗？"
    # only the two read it
    assert (await c.get(f"/api/conversations/{conv['id']}/messages", status=404))["error"]["code"] == \
        "not_found"
    assert (await lc.emit("message:send", {"conversation_id": conv["id"], "text": "偷看"}))["error"]["code"] == \
        "not_found"


async def test_list_by_latest_activity(people):
    a, b, c = await people("xiaomei"), await people("aqiang"), await people("lily")
    ab = (await a.post("/api/conversations/private", {"user_id": b.id}))["conversation"]
    ac = (await a.post("/api/conversations/private", {"user_id": c.id}))["conversation"]
    await b.post(f"/api/conversations/{ab['id']}/messages", {"text": "1"})
    await c.post(f"/api/conversations/{ac['id']}/messages", {"text": "2"})
    assert [x["id"] for x in (await a.get("/api/conversations"))["conversations"]] == [ac["id"], ab["id"]]
    await b.post(f"/api/conversations/{ab['id']}/messages", {"text": "3"})
    assert [x["id"] for x in (await a.get("/api/conversations"))["conversations"]] == [ab["id"], ac["id"]]


async def test_blocked_users_cannot_write(people):
    a, b = await people("xiaomei"), await people("spammer")
    conv = (await b.post("/api/conversations/private", {"user_id": a.id}))["conversation"]
    await a.post(f"/api/users/{b.id}/block")
    assert (await a.get("/api/blocks"))["user_ids"] == [b.id]
    err = await b.post(f"/api/conversations/{conv['id']}/messages", {"text": "买吗"}, status=403)
    assert err["error"]["code"] == "blocked"
    err = await b.post("/api/conversations/private", {"user_id": a.id}, status=403)
    assert err["error"]["code"] == "blocked"
    await a.post(f"/api/conversations/{conv['id']}/messages", {"text": "别发了"})  # the blocker still can
    await a.call("DELETE", f"/api/users/{b.id}/block")
    await b.post(f"/api/conversations/{conv['id']}/messages", {"text": "好的"})


async def test_private_bad_input(people):
    a = await people("xiaomei")
    assert (await a.post("/api/conversations/private", {"user_id": a.id}, status=400))["error"]["code"] == \
        "self_conversation"
    assert (await a.post("/api/conversations/private", {"user_id": "0" * 24}, status=404))["error"]["code"] == \
        "not_found"
    assert (await a.post("/api/conversations/private", {"user_id": "zz"}, status=400))["error"]["code"] == "invalid_id"
    assert (await a.post(f"/api/users/{a.id}/block", status=400))["error"]["code"] == "self_block"
