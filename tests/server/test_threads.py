from __future__ import annotations

import pytest


@pytest.fixture
async def forum(shop_group):
    g, owner, a, b = shop_group
    return {"g": g, "owner": owner, "a": a, "b": b}


async def new_thread(p, gid, title="求推荐蓝牙音箱", text="500元以内，客厅用"):
    return await p.post(f"/api/groups/{gid}/threads", {"title": title, "text": text})


async def test_thread_with_first_post_and_live_replies(forum, live):
    gid = forum["g"]["id"]
    lb = await live(forum["b"])
    created = await new_thread(forum["a"], gid)
    thread, first = created["thread"], created["message"]
    assert thread["title"] == "求推荐蓝牙音箱" and thread["reply_count"] == 0 and first["seq"] == 1
    assert (await lb.wait_for("thread:new"))["id"] == thread["id"]
    la = await live(forum["a"])
    ack = await lb.emit("message:send", {"conversation_id": thread["id"], "text": "推荐某品牌"})
    assert ack["ok"] and ack["message"]["seq"] == 2
    assert (await la.wait_for("message:new", lambda d: d["conversation_id"] == thread["id"] and d["seq"] == 2))
    got = await forum["a"].get(f"/api/threads/{thread['id']}")
    assert got["thread"]["reply_count"] == 1 and got["thread"]["following"] is True


async def test_followers_are_notified_of_replies(forum, live, svc):
    gid = forum["g"]["id"]
    thread = (await new_thread(forum["a"], gid))["thread"]
    la = await live(forum["a"])
    await forum["b"].post(f"/api/conversations/{thread['id']}/messages", {"text": "我也想知道"})
    note = await la.wait_for("notification")
    assert note["kind"] == "thread_reply" and note["conversation_id"] == thread["id"]
    # the owner follows, aqiang doesn't: only the owner hears of the next reply
    await forum["owner"].post(f"/api/threads/{thread['id']}/follow")
    await forum["a"].post(f"/api/conversations/{thread['id']}/messages", {"text": "补充一下"})
    await svc.tasks.join()  # notifications are written by the after-send hook
    owner_notes = await forum["owner"].get("/api/notifications")
    assert [n["kind"] for n in owner_notes["notifications"]] == ["thread_reply"]
    assert (await forum["b"].get("/api/notifications"))["notifications"] == []
    await forum["owner"].call("DELETE", f"/api/threads/{thread['id']}/follow")
    assert (await forum["owner"].get(f"/api/threads/{thread['id']}"))["thread"]["following"] is False


async def test_lists_by_latest_and_by_likes(forum):
    gid = forum["g"]["id"]
    t1 = (await new_thread(forum["a"], gid, "第一个"))["thread"]
    t2 = (await new_thread(forum["a"], gid, "第二个"))["thread"]
    t3 = (await new_thread(forum["b"], gid, "第三个"))["thread"]
    await forum["b"].post(f"/api/conversations/{t1['id']}/messages", {"text": "顶"})
    latest = (await forum["a"].get(f"/api/groups/{gid}/threads"))["threads"]
    assert [t["title"] for t in latest] == ["第一个", "第三个", "第二个"]
    for p in (forum["a"], forum["b"]):
        assert (await p.post(f"/api/threads/{t2['id']}/like"))["like_count"] in (1, 2)
    await forum["a"].post(f"/api/threads/{t3['id']}/like")
    liked = (await forum["a"].get(f"/api/groups/{gid}/threads?sort=liked"))["threads"]
    assert [t["title"] for t in liked] == ["第二个", "第三个", "第一个"]
    assert [t["liked"] for t in liked] == [True, True, False]
    assert (await forum["a"].call("DELETE", f"/api/threads/{t2['id']}/like"))["like_count"] == 1


async def test_only_group_admins_pin_and_close(forum, live):
    gid = forum["g"]["id"]
    t1 = (await new_thread(forum["a"], gid, "普通"))["thread"]
    t2 = (await new_thread(forum["a"], gid, "置顶"))["thread"]
    await new_thread(forum["a"], gid, "最新")
    err = await forum["a"].call("PATCH", f"/api/threads/{t2['id']}", {"pinned": True}, status=403)
    assert err["error"]["code"] == "not_group_admin"
    await forum["owner"].call("PATCH", f"/api/threads/{t2['id']}", {"pinned": True})
    assert (await forum["a"].get(f"/api/groups/{gid}/threads"))["threads"][0]["title"] == "置顶"
    closed = await forum["owner"].call("PATCH", f"/api/threads/{t1['id']}", {"closed": True})
    assert closed["thread"]["closed"]
    lb = await live(forum["b"])
    ack = await lb.emit("message:send", {"conversation_id": t1["id"], "text": "还能回吗"})
    assert ack["error"]["code"] == "thread_closed"
    err = await forum["owner"].call("PATCH", f"/api/threads/{t1['id']}", {"closed": "yes"}, status=400)


async def test_thread_denials_and_bad_input(forum, people):
    gid = forum["g"]["id"]
    outsider = await people("outsider")
    err = await outsider.post(f"/api/groups/{gid}/threads", {"title": "外人", "text": "x"}, status=403)
    assert err["error"]["code"] == "not_member"
    t = (await new_thread(forum["a"], gid))["thread"]
    assert (await outsider.get(f"/api/threads/{t['id']}", status=403))["error"]["code"] == "not_member"
    assert (await outsider.get(f"/api/groups/{gid}/threads", status=403))["error"]["code"] == "not_member"
    await outsider.post(f"/api/threads/{t['id']}/like", status=403)
    for payload, code in (({"title": "", "text": "x"}, "invalid_payload"),
                          ({"title": "t" * 121, "text": "x"}, "too_long"),
                          ({"title": "ok"}, "invalid_payload"),
                          ({"title": "ok", "text": "x" * 4001}, "too_long")):
        err = await forum["a"].post(f"/api/groups/{gid}/threads", payload, status=400)
        assert err["error"]["code"] == code
    assert len((await forum["a"].get(f"/api/groups/{gid}/threads"))["threads"]) == 1  # nothing half-made
    err = await forum["a"].get(f"/api/threads/{forum['g']['conversation_id']}", status=404)
    assert err["error"]["code"] == "not_found"
