"""Moderation that reads pictures, through the message pipeline: a QR code leading off the platform, a
contact written into a photo, a picture moderators removed posted again, the new-member limit, a group
that holds every picture, and messages held while their pictures are read (released or refused after)."""
from __future__ import annotations

import pytest

from server.actions.moderation import pictures
from server.app import create_app
from tests.conftest import make_config, make_group
from tests.fixtures.pictures import fixture, qr_photo, recompressed
from tests.server.test_uploads import upload


@pytest.fixture
def config(tmp_path, request):
    # long enough for any reading on a busy machine: most tests want the verdict at send time
    return make_config(tmp_path, **{"picture_wait_seconds": 120, **getattr(request, "param", {})})


NO_WAIT = pytest.mark.parametrize("config", [{"picture_wait_seconds": 0}], indirect=True)


@pytest.fixture
def read_at_send(svc, monkeypatch):
    """Pictures are read from their send, not their upload: a send that waits for nothing then always finds
    the reading unfinished (a real reading takes far longer than the send)."""
    monkeypatch.setattr(svc.pictures, "start", lambda upload: None)


@pytest.fixture
async def client(aiohttp_client, config, clock):
    return await aiohttp_client(create_app(config, clock=clock))


@pytest.fixture
async def room(people, clock):
    owner, mod = await people("owner"), await people("groupmod")
    xiaomei, aqiang = await people("xiaomei"), await people("aqiang")
    group = await make_group(owner)
    for p in (mod, xiaomei, aqiang):
        await p.post(f"/api/groups/{group['id']}/join")
    await owner.call("PUT", f"/api/groups/{group['id']}/members/{mod.id}/role", {"role": "moderator"})
    return {"group": group, "conv": group["conversation_id"], "owner": owner, "mod": mod, "xiaomei": xiaomei,
            "aqiang": aqiang}


async def send_pictures(persona, conv, *shots: bytes, text="晒单", status=200):
    ids = [(await upload(persona, shot))["upload"]["id"] for shot in shots]
    body = await persona.post(f"/api/conversations/{conv}/messages",
                              {"type": "image", "images": [{"upload_id": i} for i in ids], "text": text},
                              status=status)
    return body, ids


async def history(persona, conv):
    return (await persona.get(f"/api/conversations/{conv}/messages"))["messages"]


async def test_a_qr_code_to_a_wechat_contact_is_refused_and_nothing_is_posted(room, svc):
    body, ids = await send_pictures(room["xiaomei"], room["conv"], fixture("plain_photo.jpg"),
                                    qr_photo("https://u.wechat.com/EHx3kq9"), status=422)
    err = body["error"]
    assert err["code"] == "moderation_blocked" and err["details"]["rule"] == "picture:qr_contact"
    assert err["details"]["categories"] == ["diversion"]
    assert "qr:https://u.wechat.com/EHx3kq9" in err["details"]["matches"]
    assert not [m for m in await history(room["aqiang"], room["conv"]) if m["type"] == "image"]
    assert (await svc.storage.uploads.get(upload_id=ids[1])).state == "pending"  # never attached
    audit = (await room["owner"].get(f"/api/moderation/audit?group_id={room['group']['id']}"))["entries"]
    assert any(e["rule"] == "picture:qr_contact" and "u.wechat.com" in e["details"]["text"] for e in audit)


async def test_a_qr_code_to_another_site_is_refused_but_the_shops_own_is_fine(room):
    body, _ = await send_pictures(room["xiaomei"], room["conv"], qr_photo("http://cheap-bags.example.net/i/1"),
                                  status=422)
    assert body["error"]["details"]["rule"] == "picture:qr_link"
    sent, _ = await send_pictures(room["xiaomei"], room["conv"], qr_photo("https://shopchat.com/p/123"))
    assert sent["message"]["hidden"] is False


async def test_a_contact_written_into_a_photo_is_judged_like_typed_text(room):
    body, _ = await send_pictures(room["xiaomei"], room["conv"], fixture("contact_wechat.jpg"), status=422)
    details = body["error"]["details"]
    assert details["rule"].startswith("picture:text:diversion") and details["categories"] == ["diversion"]
    assert any(m.startswith("text:") and "abc12345" in m for m in details["matches"])
    body, _ = await send_pictures(room["aqiang"], room["conv"], fixture("contact_phone.jpg"), status=422)
    assert body["error"]["details"]["categories"] == ["diversion"]
    sent, _ = await send_pictures(room["xiaomei"], room["conv"], fixture("clean_review.jpg"), text="质量很好")
    assert sent["message"]["hidden"] is False and sent["message"]["type"] == "image"


async def test_the_groups_own_words_apply_to_what_a_picture_says(room):
    await room["owner"].call("PATCH", f"/api/groups/{room['group']['id']}/rules",
                             {"words": [{"term": "质量很好", "category": "scam"}]})
    body, _ = await send_pictures(room["xiaomei"], room["conv"], fixture("clean_review.jpg"), status=422)
    details = body["error"]["details"]
    assert details["rule"].startswith("picture:text:") and details["categories"] == ["scam"]


async def test_a_removed_picture_posted_again_resized_is_caught(room, svc):
    xiaomei, aqiang, mod = room["xiaomei"], room["aqiang"], room["mod"]
    shot = fixture("clean_review.jpg")
    sent, _ = await send_pictures(xiaomei, room["conv"], shot, text="看看这个")
    message_id = sent["message"]["id"]
    await aqiang.post(f"/api/messages/{message_id}/report", {"category": "spam", "note": "刷屏广告图"})
    await mod.post(f"/api/moderation/cases/{message_id}/actions", {"action": "delete", "reason": "广告图"})
    await svc.tasks.join()
    body, _ = await send_pictures(aqiang, room["conv"], recompressed(shot), status=422)
    assert body["error"]["details"]["rule"] == "picture:removed_again"
    assert body["error"]["details"]["categories"] == ["spam"]
    sent, _ = await send_pictures(aqiang, room["conv"], fixture("plain_photo.jpg"))  # a different picture is fine
    assert sent["message"]["hidden"] is False
    # the removal overturned on appeal: the message is back, and its picture may be posted again
    removal = next(x for x in (await xiaomei.get("/api/me/sanctions"))["sanctions"] if x["kind"] == "delete")
    await xiaomei.post(f"/api/me/sanctions/{removal['id']}/appeal", {"text": "这是我自己拍的买家秀"})
    appeal = (await room["owner"].get(f"/api/moderation/appeals?group_id={room['group']['id']}"))["appeals"][0]
    await room["owner"].post(f"/api/moderation/appeals/{appeal['id']}/decide",
                             {"decision": "overturn", "reason": "误删"})
    sent, _ = await send_pictures(aqiang, room["conv"], recompressed(shot))
    assert sent["message"]["hidden"] is False


async def test_a_new_members_picture_is_refused(aiohttp_client, tmp_path, clock):
    from tests.conftest import Persona
    app = create_app(make_config(tmp_path, new_account_hours=24, picture_wait_seconds=120), clock=clock)
    http = await aiohttp_client(app)

    async def register(name):
        resp = await http.post("/api/auth/register", json={"username": name, "password": "password-123"})
        body = await resp.json()
        return Persona(body["token"], body["user"], http)
    owner = await register("owner")
    group = await make_group(owner)
    clock.advance(hours=48)
    newbie = await register("xinren")
    await newbie.post(f"/api/groups/{group['id']}/join")
    body, _ = await send_pictures(newbie, group["conversation_id"], fixture("plain_photo.jpg"), status=422)
    assert body["error"]["code"] == "new_member_limit" and body["error"]["details"]["rule"] == "new_member:picture"
    await newbie.post(f"/api/conversations/{group['conversation_id']}/messages", {"text": "大家好"})  # words: fine
    sent, _ = await send_pictures(owner, group["conversation_id"], fixture("plain_photo.jpg"))
    assert sent["message"]["hidden"] is False


async def test_a_group_can_hold_every_picture_for_review(room):
    owner, xiaomei, aqiang, mod = room["owner"], room["xiaomei"], room["aqiang"], room["mod"]
    gid = room["group"]["id"]
    rules = (await owner.call("PATCH", f"/api/groups/{gid}/rules", {"hold_pictures": True}))["rules"]
    assert rules["hold_pictures"] is True
    sent, _ = await send_pictures(xiaomei, room["conv"], fixture("clean_review.jpg"))
    message = sent["message"]
    assert message["hidden"] and message["hidden_reason"] == "held"
    seen = [m for m in await history(aqiang, room["conv"]) if m["id"] == message["id"]][0]
    assert seen["hidden"] and "card" not in seen
    queue = (await mod.get(f"/api/moderation/cases?group_id={gid}"))["cases"]
    case = next(c for c in queue if c["message_id"] == message["id"])
    assert case["rule"] == "picture:review"
    detail = (await mod.get(f"/api/moderation/cases/{case['id']}"))["case"]
    assert detail["message"]["card"]["images"]  # the moderator sees the picture, and what was read from it
    assert detail["pictures"][0]["read"] and "质量很好" in detail["pictures"][0]["text"]
    addresses = (await mod.post("/api/uploads/addresses",
                                {"upload_ids": [detail["message"]["card"]["images"][0]["upload_id"]]}))["uploads"]
    assert len(addresses) == 1
    await mod.post(f"/api/moderation/cases/{case['id']}/actions", {"action": "dismiss"})
    seen = [m for m in await history(aqiang, room["conv"]) if m["id"] == message["id"]][0]
    assert not seen["hidden"] and seen["card"]["images"]
    sent, _ = await send_pictures(mod, room["conv"], fixture("clean_review.jpg"))  # moderators aren't held
    assert sent["message"]["hidden"] is False


async def test_hold_pictures_is_checked_and_only_admins_set_it(room):
    gid = room["group"]["id"]
    body = await room["owner"].call("PATCH", f"/api/groups/{gid}/rules", {"hold_pictures": "yes"}, status=400)
    assert body["error"]["details"]["field"] == "hold_pictures"
    await room["xiaomei"].call("PATCH", f"/api/groups/{gid}/rules", {"hold_pictures": True}, status=403)


async def wait_decided(svc, message_id):
    """The hold's decision runs as a background task of the process that took the message."""
    await svc.tasks.join()
    assert not [h for h in await svc.storage.pictures.pending_holds() if h["message_id"] == message_id]


@NO_WAIT
async def test_a_message_whose_pictures_are_still_read_waits_then_is_released(room, svc, live, read_at_send):
    xiaomei, aqiang = room["xiaomei"], room["aqiang"]
    watcher, author_socket = await live(aqiang), await live(xiaomei)
    sent, ids = await send_pictures(xiaomei, room["conv"], fixture("clean_review.jpg"), text="收到啦")
    message = sent["message"]
    assert message["hidden"] and message["hidden_reason"] == "checking"  # its author sees 审核中
    assert message["text"] == "收到啦"
    await wait_decided(svc, message["id"])
    released = await watcher.wait_for("message:updated", lambda m: m["id"] == message["id"] and not m["hidden"])
    assert released["card"]["images"][0]["upload_id"] == ids[0] and released["text"] == "收到啦"
    assert not [e for e, m in watcher.received if e == "message:new" and m["id"] == message["id"]]  # not before
    seen = [m for m in await history(aqiang, room["conv"]) if m["id"] == message["id"]][0]
    assert not seen["hidden"]
    assert not author_socket.of("message:refused")


@NO_WAIT
async def test_a_released_picture_message_tells_those_it_mentions(room, svc, read_at_send):
    xiaomei, aqiang = room["xiaomei"], room["aqiang"]
    sent, _ = await send_pictures(xiaomei, room["conv"], fixture("clean_review.jpg"), text="@aqiang 你看这个")
    await wait_decided(svc, sent["message"]["id"])
    notes = (await aqiang.get("/api/notifications"))["notifications"]
    assert [(n["kind"], n["message_id"]) for n in notes] == [("mention", sent["message"]["id"])]
    assert notes[0]["message"]["text"] == "@aqiang 你看这个"


@NO_WAIT
async def test_a_held_message_whose_picture_is_a_contact_is_refused_and_its_author_told(room, svc, live,
                                                                                         read_at_send):
    xiaomei, aqiang = room["xiaomei"], room["aqiang"]
    author_socket, watcher = await live(xiaomei), await live(aqiang)
    sent, _ = await send_pictures(xiaomei, room["conv"], qr_photo("https://u.wechat.com/EHx3kq9"))
    message_id = sent["message"]["id"]
    await wait_decided(svc, message_id)
    told = await author_socket.wait_for("message:refused", lambda e: e["message_id"] == message_id)
    assert told["rule"] == "picture:qr_contact" and told["categories"] == ["diversion"]
    mine = [m for m in await history(xiaomei, room["conv"]) if m["id"] == message_id][0]
    assert mine["hidden_reason"] == "refused"
    theirs = [m for m in await history(aqiang, room["conv"]) if m["id"] == message_id][0]
    assert theirs["hidden"] and theirs["text"] == "" and "card" not in theirs
    mine_live = [m for e, m in author_socket.received if e == "message:updated" and m["id"] == message_id]
    assert mine_live[-1]["hidden_reason"] == "refused"  # the author's own view, live
    assert not [m for e, m in watcher.received if m and m.get("id") == message_id]  # readers never hear of it


@NO_WAIT
async def test_a_hold_left_by_a_process_that_died_is_decided_by_the_sweep(room, svc, clock, read_at_send):
    sent, _ = await send_pictures(room["xiaomei"], room["conv"], fixture("plain_photo.jpg"))
    message_id = sent["message"]["id"]
    await svc.tasks.join()
    # as if the process had died before deciding: the message is out of sight and its hold pending
    await svc.storage.messages.set_hidden(message_id=message_id, hidden="checking")
    hold = {"message_id": message_id, "conversation_id": room["conv"], "author_id": room["xiaomei"].id,
            "upload_ids": sent["message"]["card"]["images"][0]["upload_id"].split(), "exempt": False,
            "verdict": pictures.verdict_doc(pictures.ALLOW), "at": int(clock.now().timestamp() * 1000)}
    await svc.storage.pictures.hold(message_id=message_id, doc=hold, at_ms=hold["at"])
    assert await pictures.sweep_holds(svc) == 0  # too fresh: its process may still be at it
    clock.advance(seconds=pictures.HOLD_STALE_SECONDS + 1)
    assert await pictures.sweep_holds(svc) == 1
    assert (await svc.storage.messages.get(message_id=message_id)).hidden is None
    assert await pictures.sweep_holds(svc) == 0


async def test_an_avatar_picture_is_checked_and_public(room, client, live):
    xiaomei, aqiang = room["xiaomei"], room["aqiang"]
    watching = await live(aqiang)  # a member of her group
    mine = (await upload(xiaomei, fixture("plain_photo.jpg")))["upload"]
    user = (await xiaomei.call("PATCH", "/api/me", {"avatar_upload_id": mine["id"]}))["user"]
    url = user["avatar"]["url"]
    told = await watching.wait_for("user:updated", lambda u: u["id"] == xiaomei.id)
    assert told["avatar"]["url"] == url  # open pages show it at once
    assert url == f"/media/avatars/{xiaomei.id}?v={mine['id']}" and user["avatar"]["initials"]
    seen = (await aqiang.get(f"/api/users/{xiaomei.id}"))
    assert "avatar" in str(seen) and url in str(seen)
    resp = await client.get(url)  # no token: <img> sends none
    assert resp.status == 200 and resp.headers["Content-Type"] == "image/jpeg"
    assert "immutable" in resp.headers["Cache-Control"] and resp.headers["X-Content-Type-Options"] == "nosniff"
    stale = await client.get(f"/media/avatars/{xiaomei.id}?v=old")
    assert stale.status == 200 and stale.headers["Cache-Control"] == "no-cache"
    # an avatar's upload is attached: the sweep of unposted uploads leaves it alone
    assert (await aqiang.post("/api/uploads/addresses", {"upload_ids": [mine["id"]]}))["uploads"]

    body = await aqiang.call("PATCH", "/api/me", {"avatar_upload_id": mine["id"]}, status=404)  # not theirs
    assert body["error"]["code"] == "upload_not_found"
    await aqiang.call("PATCH", "/api/me", {"avatar_upload_id": "not-an-upload"}, status=404)
    qr = (await upload(aqiang, qr_photo("https://u.wechat.com/EHx3kq9")))["upload"]
    body = await aqiang.call("PATCH", "/api/me", {"avatar_upload_id": qr["id"]}, status=422)
    assert body["error"]["details"]["rule"] == "picture:qr_contact" and body["error"]["details"]["field"] == "avatar"
    assert "url" not in (await aqiang.get("/api/me"))["user"]["avatar"]

    cleared = (await xiaomei.call("PATCH", "/api/me", {"avatar_upload_id": ""}))["user"]
    assert "url" not in cleared["avatar"]
    assert (await client.get(url)).status == 404
