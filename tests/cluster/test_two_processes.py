"""Two (or three) server processes with Redis behave as one platform: logins, delivery, typing and
presence, the flood limit, mutes, kicks, blocks and banned words, seqs, and the faults (Redis away
and back, a process killed with kill -9)."""
from __future__ import annotations

import asyncio

from tests.cluster.conftest import eventually, own_cluster

PASSWORD = "a-long-password-9"  # every account's, as Cluster.register makes them


async def group_of(c, node, owner, *members) -> dict:
    group = (await c.call(node, "POST", "/api/groups", owner["token"],
                          {"name": "好物分享群", "description": "两个进程", "visibility": "public"}))["group"]
    for m in members:
        await c.call(node, "POST", f"/api/groups/{group['id']}/join", m["token"])
    return group


async def say(c, node, person, conv_id, text, status=200) -> dict:
    return await c.call(node, "POST", f"/api/conversations/{conv_id}/messages", person["token"], {"text": text},
                        status=status)


async def refused_within_a_second(c, node, person, conv_id, text, status: int) -> dict:
    """A decision made on another process holds here within a second: the send is refused."""
    async def attempt():
        async with c.http.post(f"{node.url}/api/conversations/{conv_id}/messages", json={"text": text},
                               headers={"Authorization": f"Bearer {person['token']}"}) as r:
            return await r.json() if r.status == status else None
    return await eventually(attempt, 1.0, f"a {status} on {node.name}")


async def test_a_login_on_one_process_is_valid_on_the_other(two):
    a, b = two.nodes
    person = await two.register(a, "xiaomei")
    assert (await two.call(b, "GET", "/api/me", person["token"]))["user"]["username"] == person["username"]
    again = await two.call(b, "POST", "/api/auth/login", json={"username": person["username"],
                                                                 "password": "a-long-password-9"})
    assert (await two.call(a, "GET", "/api/me", again["token"]))["user"]["id"] == person["id"]
    await two.call(b, "POST", "/api/auth/logout", again["token"])
    await two.call(a, "GET", "/api/me", again["token"], status=401)
    health = [await two.call(n, "GET", "/api/health") for n in (a, b)]
    assert {h["redis"] for h in health} == {"up"} and health[0]["process"] != health[1]["process"]


async def test_messages_typing_and_presence_cross_processes(two):
    a, b = two.nodes
    owner, xiaomei, aqiang = [await two.register(a, n) for n in ("owner", "xiaomei", "aqiang")]
    group = await group_of(two, a, owner, xiaomei, aqiang)
    conv = group["conversation_id"]
    on_a = await two.live(a, xiaomei)
    on_b = await two.live(b, aqiang)
    ack = await on_a.emit("message:send", {"conversation_id": conv, "text": "B 进程的人看得到吗"})
    assert ack["ok"], ack
    got = await on_b.wait_for("message:new", lambda d: d["text"] == "B 进程的人看得到吗")
    assert got["seq"] == ack["message"]["seq"]
    await say(two, b, aqiang, conv, "看得到")  # and back, through REST on the other process
    await on_a.wait_for("message:new", lambda d: d["text"] == "看得到")

    await on_a.emit("typing", {"conversation_id": conv, "typing": True})
    typing = await on_b.wait_for("typing", lambda d: d["user_id"] == xiaomei["id"])
    assert typing["typing"] is True and not on_a.of("typing")  # not echoed to the typist

    sub = await on_b.emit("presence:subscribe", {"user_ids": [xiaomei["id"], owner["id"]]})
    assert sub["presence"] == {xiaomei["id"]: "online", owner["id"]: "offline"}
    assert (await on_a.emit("presence:set", {"status": "away"}))["status"] == "away"
    await on_b.wait_for("presence", lambda d: d["user_id"] == xiaomei["id"] and d["status"] == "away")
    seen = await two.call(b, "GET", f"/api/presence?user_ids={xiaomei['id']},{aqiang['id']}", aqiang["token"])
    assert seen["presence"] == {xiaomei["id"]: "away", aqiang["id"]: "online"}
    second = await two.live(b, xiaomei)  # a second tab, on the other process: online again
    await on_b.wait_for("presence", lambda d: d["user_id"] == xiaomei["id"] and d["status"] == "online")
    await on_a.disconnect()
    await second.disconnect()
    await on_b.wait_for("presence", lambda d: d["user_id"] == xiaomei["id"] and d["status"] == "offline")


async def closed_by_server(socket, reason: str) -> None:
    ended = await socket.wait_for("session:ended", timeout=2)
    assert ended["reason"] == reason
    await eventually(lambda: not socket.sio.connected, 2, "the server closing the connection")


async def test_sessions_ended_on_one_process_close_the_connections_on_the_other(two):
    a, b = two.nodes
    xiaomei = await two.register(a, "xiaomei")

    async def login(node) -> dict:
        body = await two.call(node, "POST", "/api/auth/login",
                              json={"username": xiaomei["username"], "password": xiaomei.get("password", PASSWORD)})
        return {**xiaomei, "token": body["token"]}
    other = await login(a)
    on_b, other_on_b = await two.live(b, xiaomei), await two.live(b, other)
    await two.call(a, "POST", "/api/auth/logout", xiaomei["token"])  # on A; the connection is on B
    await closed_by_server(on_b, "logged_out")
    assert other_on_b.sio.connected  # another token's connection holds
    third = await login(b)
    third_on_a = await two.live(a, third)
    changed = await two.call(b, "POST", "/api/auth/password", other["token"],  # on B, from the `other` device
                             {"current_password": PASSWORD, "new_password": "another-long-one-7"})
    await closed_by_server(third_on_a, "password_changed")
    assert other_on_b.sio.connected  # the device that changed it carries on, under its new token
    xiaomei["password"] = "another-long-one-7"
    on_a = await two.live(a, {**xiaomei, "token": (await login(a))["token"]})
    await two.call(b, "POST", "/api/auth/logout-all", changed["token"])  # on B; a connection on A as well
    await closed_by_server(on_a, "logged_out")
    await closed_by_server(other_on_b, "logged_out")


async def test_joining_on_one_process_opens_the_room_on_the_other(two):
    a, b = two.nodes
    owner, newcomer = await two.register(a, "owner"), await two.register(a, "newcomer")
    group = await group_of(two, a, owner)
    watcher = await two.live(b, newcomer)  # connected before joining, to the other process
    await two.call(a, "POST", f"/api/groups/{group['id']}/join", newcomer["token"])
    await asyncio.sleep(0.2)  # the join's room change travels as the event below does: give it no head start
    await say(two, a, owner, group["conversation_id"], "欢迎新人")
    await watcher.wait_for("message:new", lambda d: d["text"] == "欢迎新人")


async def test_the_flood_limit_counts_messages_sent_through_both(two_limited):
    c = two_limited
    a, b = c.nodes
    owner, xiaomei = await c.register(a, "owner"), await c.register(a, "xiaomei")
    conv = (await group_of(c, a, owner, xiaomei))["conversation_id"]
    for i in range(5):  # 5 per minute allowed, alternating processes
        await say(c, (a, b)[i % 2], xiaomei, conv, f"第{i}条消息")
    for node in (a, b):
        refused = await say(c, node, xiaomei, conv, "第六条", status=429)
        assert refused["error"]["code"] == "flood"


async def test_a_mute_a_kick_a_block_and_a_banned_word_hold_on_the_other_process_within_a_second(two):
    a, b = two.nodes
    owner, xiaomei, aqiang = [await two.register(a, n) for n in ("owner", "xiaomei", "aqiang")]
    group = await group_of(two, a, owner, xiaomei, aqiang)
    gid, conv = group["id"], group["conversation_id"]
    # warm process B's caches: membership, sanctions, rules
    await say(two, b, xiaomei, conv, "大家好")
    await say(two, b, aqiang, conv, "你好")

    await two.call(a, "PATCH", f"/api/groups/{gid}/rules", owner["token"],
                   {"words": [{"term": "竞品店", "category": "diversion"}]})
    refused = await refused_within_a_second(two, b, aqiang, conv, "去竞品店买", 422)
    assert refused["error"]["details"]["rule"] == "diversion:竞品店"

    await two.call(a, "POST", f"/api/moderation/users/{xiaomei['id']}/actions", owner["token"],
                   {"action": "mute", "duration": "1h", "reason": "刷屏", "group_id": gid})
    refused = await refused_within_a_second(two, b, xiaomei, conv, "我被禁言了吗", 403)
    assert refused["error"]["code"] == "muted"

    kicked_socket = await two.live(b, aqiang)
    await two.call(a, "POST", f"/api/moderation/users/{aqiang['id']}/actions", owner["token"],
                   {"action": "kick", "reason": "广告", "group_id": gid})
    await refused_within_a_second(two, b, aqiang, conv, "还在吗", 403)
    await say(two, a, owner, conv, "踢出之后的消息")
    await asyncio.sleep(0.5)
    assert not [d for d in kicked_socket.of("message:new") if d["text"] == "踢出之后的消息"]

    private = (await two.call(a, "POST", "/api/conversations/private", aqiang["token"],
                              {"user_id": owner["id"]}))["conversation"]
    await two.call(b, "POST", f"/api/conversations/{private['id']}/messages", aqiang["token"], {"text": "在吗"})
    await two.call(a, "POST", f"/api/users/{aqiang['id']}/block", owner["token"])
    blocked = await refused_within_a_second(two, b, aqiang, private["id"], "还在吗", 403)
    assert blocked["error"]["code"] == "blocked"


async def test_concurrent_senders_on_both_get_distinct_gap_free_seqs(two):
    a, b = two.nodes
    owner, xiaomei, aqiang = [await two.register(a, n) for n in ("owner", "xiaomei", "aqiang")]
    conv = (await group_of(two, a, owner, xiaomei, aqiang))["conversation_id"]
    on_a, on_b = await two.live(a, xiaomei), await two.live(b, aqiang)
    per_sender = 60

    async def burst(lc, who):
        acks = await asyncio.gather(*(lc.emit("message:send", {"conversation_id": conv, "text": f"{who}-{i}",
                                                                "client_msg_id": f"{who}-{i}"})
                                      for i in range(per_sender)))
        assert all(ack["ok"] for ack in acks), [a for a in acks if not a["ok"]][:1]
        return [ack["message"]["seq"] for ack in acks]
    seqs = [s for part in await asyncio.gather(burst(on_a, "a"), burst(on_b, "b")) for s in part]
    assert sorted(seqs) == list(range(1, 2 * per_sender + 1))
    stored = []
    before = None
    while True:
        page = await two.call(b, "GET", f"/api/conversations/{conv}/messages?limit=100"
                              + (f"&before={before}" if before else ""), owner["token"])
        stored += page["messages"]
        if len(page["messages"]) < 100:
            break
        before = page["messages"][0]["seq"]
    assert sorted(m["seq"] for m in stored) == list(range(1, 2 * per_sender + 1))
    assert sorted(m["text"] for m in stored) == sorted([f"a-{i}" for i in range(per_sender)]
                                                       + [f"b-{i}" for i in range(per_sender)])
    # each side received everything the other sent, live
    await eventually(lambda: len(on_a.of("message:new")) >= per_sender, 5, "B's messages on A")
    assert {d["text"] for d in on_a.of("message:new")} >= {f"b-{i}" for i in range(per_sender)}


async def test_redis_going_away_and_coming_back(fresh_two):
    two = fresh_two
    redis_server = two.redis
    a, b = two.nodes
    owner, xiaomei, aqiang = [await two.register(a, n) for n in ("owner", "xiaomei", "aqiang")]
    group = await group_of(two, a, owner, xiaomei, aqiang)
    conv = group["conversation_id"]
    reader = await two.live(b, xiaomei)
    phone = {**aqiang, "token": (await two.call(a, "POST", "/api/auth/login", json={
        "username": aqiang["username"], "password": PASSWORD}))["token"]}
    lost_phone = await two.live(b, phone)
    await say(two, b, aqiang, conv, "B 记住了我是成员")  # B's caches hold aqiang's membership and sanctions
    redis_server.stop()
    await asyncio.sleep(0.2)

    async def redis_is(node, state):
        return (await two.call(node, "GET", "/api/health"))["redis"] == state
    await eventually(lambda: redis_is(a, "down"), 5, "health saying Redis is down")
    await say(two, a, owner, conv, "Redis 不在时也能发")  # stored and acked all the same
    await two.call(a, "POST", f"/api/moderation/users/{aqiang['id']}/actions", owner["token"],
                   {"action": "mute", "duration": "1h", "reason": "刷屏", "group_id": group["id"]})
    assert (await two.call(b, "GET", "/api/me", xiaomei["token"]))["user"]["id"] == xiaomei["id"]
    await two.call(a, "POST", "/api/auth/logout", phone["token"])  # A can't tell B: Redis is away

    redis_server.start()  # same port
    await eventually(lambda: redis_is(a, "up"), 10, "process A hearing Redis again")
    await eventually(lambda: redis_is(b, "up"), 10, "process B hearing Redis again")
    # the mute's news never reached B while Redis was away: B forgot everything when it came back
    refused = await refused_within_a_second(two, b, aqiang, conv, "我还能说话吗", 403)
    assert refused["error"]["code"] == "muted"
    # nor the logout's: B checked its connections' sessions again when it came back
    await closed_by_server(lost_phone, "logged_out")
    assert reader.sio.connected
    await say(two, a, owner, conv, "Redis 回来了")
    await reader.wait_for("message:new", lambda d: d["text"] == "Redis 回来了")
    # what B's reader missed meanwhile, sync fills in
    found = await reader.emit("sync", {"cursors": {conv: 0}})
    texts = [m["text"] for m in found["conversations"][conv]["messages"]]
    assert "Redis 不在时也能发" in texts


async def test_a_process_killed_mid_conversation(fresh_two):
    two = fresh_two
    a, b = two.nodes
    owner, xiaomei, aqiang = [await two.register(a, n) for n in ("owner", "xiaomei", "aqiang")]
    conv = (await group_of(two, a, owner, xiaomei, aqiang))["conversation_id"]
    victim_side = await two.live(a, xiaomei)
    watcher = await two.live(b, aqiang)
    await watcher.emit("presence:subscribe", {"user_ids": [xiaomei["id"]]})
    ack = await victim_side.emit("message:send", {"conversation_id": conv, "text": "第一条"})
    cursor = ack["message"]["seq"]
    a.kill()
    # her client reconnects, to the process that is left, and misses nothing written meanwhile
    await say(two, b, aqiang, conv, "你掉线的时候我说了这句")
    back = await two.live(b, xiaomei)
    found = await back.emit("sync", {"cursors": {conv: cursor}})
    texts = [m["text"] for m in found["conversations"][conv]["messages"]]
    assert texts == ["你掉线的时候我说了这句"]
    await back.disconnect()
    # the dead process's connections are reaped: she goes offline for those watching
    await watcher.wait_for("presence", lambda d: d["user_id"] == xiaomei["id"] and d["status"] == "offline",
                           timeout=15)
    seen = await two.call(b, "GET", f"/api/presence?user_ids={xiaomei['id']}", aqiang["token"])
    assert seen["presence"] == {xiaomei["id"]: "offline"}


async def test_login_backoff_and_slow_mode_count_both_processes_together(two):
    a, b = two.nodes
    owner, xiaomei = await two.register(a, "owner"), await two.register(a, "xiaomei")
    guess = {"username": xiaomei["username"], "password": "not-her-password"}
    right = {"username": xiaomei["username"], "password": "a-long-password-9"}
    for i in range(5):  # five wrong passwords from one address, spread over both processes
        await two.call((a, b)[i % 2], "POST", "/api/auth/login", json=guess, status=401, address="203.0.113.9")
    for node in (a, b):  # that address now waits, on either process
        await two.call(node, "POST", "/api/auth/login", json=right, status=429, address="203.0.113.9")
    for node in (a, b):  # she, at her own address, is not locked out by it
        await two.call(node, "POST", "/api/auth/login", json=right, address="198.51.100.7")
    group = await group_of(two, a, owner, xiaomei)
    await two.call(b, "PATCH", f"/api/groups/{group['id']}/rules", owner["token"], {"slow_mode_seconds": 60})
    await say(two, a, xiaomei, group["conversation_id"], "慢速模式下的第一句")
    refused = await refused_within_a_second(two, b, xiaomei, group["conversation_id"], "马上第二句", 429)
    assert refused["error"]["code"] == "slow_mode"


async def test_sign_ups_per_address_count_both_processes_together(two_few_sign_ups):
    two = two_few_sign_ups
    a, b = two.nodes
    await two.register(a, "first")
    await two.register(b, "second")
    for node in (a, b):
        refused = await two.call(node, "POST", "/api/auth/register", json={"username": "third",
                                                                           "password": "a-long-password-9"},
                                 status=429)
        assert refused["error"]["code"] == "rate_limited" and refused["error"]["details"]["retry_after"] > 0


two_reading_pictures = own_cluster({"CHAT_PICTURE_WAIT_SECONDS": "0"}, first={"CHAT_PICTURE_WAIT_SECONDS": "120"})


async def post_pictures(c, node, person, conv_id, *shots: bytes, status=200) -> dict:
    import io

    from aiohttp import FormData
    ids = []
    for shot in shots:
        form = FormData()
        form.add_field("file", io.BytesIO(shot), filename="photo.jpg", content_type="image/jpeg")
        async with c.http.post(f"{node.url}/api/uploads", data=form,
                               headers={"Authorization": f"Bearer {person['token']}"}) as r:
            assert r.status == 200, await r.text()
            ids.append((await r.json())["upload"]["id"])
    return await c.call(node, "POST", f"/api/conversations/{conv_id}/messages", person["token"],
                        {"type": "image", "images": [{"upload_id": i} for i in ids]}, status=status)


async def test_pictures_are_checked_alike_on_both_processes(two_reading_pictures):
    """The first process waits for its pictures' checks; the second (CHAT_PICTURE_WAIT_SECONDS=0) holds its
    picture messages until they end. What one process learnt (a removed picture) holds on the other."""
    from tests.fixtures.pictures import fixture, qr_photo, recompressed
    c = two_reading_pictures
    a, b = c.nodes
    owner, xiaomei, aqiang = [await c.register(a, n) for n in ("owner", "xiaomei", "aqiang")]
    group = await group_of(c, a, owner, xiaomei, aqiang)
    conv = group["conversation_id"]
    refused = await post_pictures(c, a, xiaomei, conv, qr_photo("https://u.wechat.com/EHx3kq9"), status=422)
    assert refused["error"]["details"]["rule"] == "picture:qr_contact"

    # held on B while read, released to a reader connected to A
    watcher = await c.live(a, aqiang)
    held = (await post_pictures(c, b, xiaomei, conv, fixture("clean_review.jpg")))["message"]
    assert held["hidden_reason"] == "checking"
    released = await watcher.wait_for("message:updated", lambda m: m["id"] == held["id"] and not m["hidden"],
                                      timeout=60)
    upload_id = released["card"]["images"][0]["upload_id"]
    addresses = await c.call(a, "POST", "/api/uploads/addresses", aqiang["token"], {"upload_ids": [upload_id]})
    async with c.http.get(b.url + addresses["uploads"][upload_id]["thumb_url"]) as r:  # signed on A, loaded on B
        assert r.status == 200 and r.headers["Content-Type"] == "image/jpeg"

    # removed by a moderator on A: the same picture, resized, is refused when sent through B
    await c.call(a, "POST", f"/api/messages/{held['id']}/report", aqiang["token"], {"category": "spam"})
    await c.call(a, "POST", f"/api/moderation/cases/{held['id']}/actions", owner["token"],
                 {"action": "delete", "reason": "广告图"})
    author = await c.live(b, xiaomei)
    again = (await post_pictures(c, b, xiaomei, conv, recompressed(fixture("clean_review.jpg"))))["message"]
    told = await author.wait_for("message:refused", lambda e: e["message_id"] == again["id"], timeout=60)
    assert told["rule"] == "picture:removed_again"
