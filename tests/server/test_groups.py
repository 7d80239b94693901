from __future__ import annotations

from tests.conftest import make_group


async def owner_helper_member(people):
    """A group with its owner and two members (helper and xiaomei); returns the group's id and the three."""
    owner, helper, member = await people("owner"), await people("helper"), await people("xiaomei")
    g = await make_group(owner)
    for p in (helper, member):
        await p.post(f"/api/groups/{g['id']}/join")
    return g["id"], owner, helper, member


async def test_create_discover_and_join(people):
    owner, shopper = await people("owner"), await people("xiaomei")
    g = await make_group(owner, "好物分享群")
    await make_group(owner, "穿搭交流")
    await make_group(owner, "内部群", visibility="private")
    found = await shopper.get("/api/groups?q=好物")
    assert [x["name"] for x in found["groups"]] == ["好物分享群"]
    names = {x["name"] for x in (await shopper.get("/api/groups"))["groups"]}
    assert names == {"好物分享群", "穿搭交流"}
    joined = await shopper.post(f"/api/groups/{g['id']}/join")
    assert joined["member"]["role"] == "member"
    err = await shopper.post(f"/api/groups/{g['id']}/join", status=409)
    assert err["error"]["code"] == "already_member"
    mine = await shopper.get("/api/me/groups")
    assert [x["id"] for x in mine["groups"]] == [g["id"]] and mine["groups"][0]["my_role"] == "member"
    members = await shopper.get(f"/api/groups/{g['id']}/members")
    assert {m["user"]["username"]: m["role"] for m in members["members"]} == {"owner": "owner", "xiaomei": "member"}
    assert (await shopper.get(f"/api/groups/{g['id']}"))["group"]["member_count"] == 2


async def test_members_found_by_name_for_mentions(people):
    owner, shopper, outsider = await people("owner"), await people("xiaomei"), await people("xiaoming")
    g = await make_group(owner, "好物分享群")
    await shopper.post(f"/api/groups/{g['id']}/join")
    found = await owner.get(f"/api/groups/{g['id']}/members?q=XIAO")
    assert [m["user"]["username"] for m in found["members"]] == ["xiaomei"]  # members only, not xiaoming
    assert found["members"][0]["presence"] in ("online", "away", "offline")
    assert (await owner.get(f"/api/groups/{g['id']}/members?q=nobody"))["members"] == []
    err = await owner.get(f"/api/groups/{g['id']}/members?q={'x' * 65}", status=400)
    assert err["error"]["code"] == "too_long"
    await outsider.get(f"/api/groups/{g['id']}/members?q=xiao", status=403)


async def test_private_group_is_invisible_to_outsiders(people):
    owner, outsider = await people("owner"), await people("outsider")
    g = await make_group(owner, "内部群", visibility="private")
    err = await outsider.get(f"/api/groups/{g['id']}", status=404)
    assert err["error"]["code"] == "not_found"
    err = await outsider.post(f"/api/groups/{g['id']}/join", status=404)
    err = await outsider.get(f"/api/conversations/{g['conversation_id']}/messages", status=404)


async def test_invite_only_needs_an_invite_link(people):
    owner, shopper, late = await people("owner"), await people("xiaomei"), await people("late")
    g = await make_group(owner, "VIP 会员群", visibility="invite_only")
    err = await shopper.post(f"/api/groups/{g['id']}/join", status=403)
    assert err["error"]["code"] == "invite_required"
    err = await shopper.post(f"/api/groups/{g['id']}/invites", {}, status=403)
    assert err["error"]["code"] == "not_member"
    invite = (await owner.post(f"/api/groups/{g['id']}/invites", {"max_uses": 1}))["invite"]
    assert invite["url"] == f"/invite/{invite['code']}"
    joined = await shopper.post(f"/api/invites/{invite['code']}/accept")
    assert joined["group"]["id"] == g["id"] and joined["group"]["my_role"] == "member"
    err = await late.post(f"/api/invites/{invite['code']}/accept", status=404)
    assert err["error"]["code"] == "not_found"
    err = await late.post("/api/invites/nonexistent/accept", status=404)
    err = await owner.post(f"/api/groups/{g['id']}/invites", {"max_uses": 0}, status=400)
    assert err["error"]["code"] == "invalid_payload"


async def test_leave_and_owner_cannot_leave(people):
    owner, shopper = await people("owner"), await people("xiaomei")
    g = await make_group(owner)
    await shopper.post(f"/api/groups/{g['id']}/join")
    await shopper.post(f"/api/groups/{g['id']}/leave")
    err = await shopper.get(f"/api/conversations/{g['conversation_id']}/messages", status=403)
    assert err["error"]["code"] == "not_member"
    err = await owner.post(f"/api/groups/{g['id']}/leave", status=403)
    assert err["error"]["code"] == "owner_cannot_leave"
    err = await shopper.post(f"/api/groups/{g['id']}/leave", status=403)
    assert err["error"]["code"] == "not_member"


async def test_roles_announcement_and_denials(people, published):
    gid, owner, admin, member = await owner_helper_member(people)
    err = await member.call("PATCH", f"/api/groups/{gid}", {"announcement": "我说了算"}, status=403)
    assert err["error"]["code"] == "not_group_admin"
    err = await member.call("PUT", f"/api/groups/{gid}/members/{admin.id}/role", {"role": "admin"}, status=403)
    await owner.call("PUT", f"/api/groups/{gid}/members/{admin.id}/role", {"role": "admin"})
    err = await admin.call("PUT", f"/api/groups/{gid}/members/{owner.id}/role", {"role": "member"}, status=403)
    assert err["error"]["code"] == "not_group_owner"
    body = await admin.call("PATCH", f"/api/groups/{gid}", {"announcement": "群公告：周五上新"})
    assert body["group"]["announcement"] == "群公告：周五上新" and body["group"]["announcement_at"]
    assert any(e.name == "group:updated" and e.rooms == (f"g:{gid}",) for e in published)
    err = await owner.call("PATCH", f"/api/groups/{gid}", {"name": ""}, status=400)
    err = await owner.call("PATCH", f"/api/groups/{gid}", {"name": "n" * 65}, status=400)
    assert err["error"]["code"] == "too_long"
    err = await owner.call("PATCH", f"/api/groups/{gid}", {"visibility": "secret"}, status=400)
    err = await owner.call("PUT", f"/api/groups/{gid}/members/{'0' * 24}/role", {"role": "admin"}, status=404)


async def test_handing_the_group_over(people, published):
    gid, owner, helper, member = await owner_helper_member(people)
    await owner.call("PUT", f"/api/groups/{gid}/members/{helper.id}/role", {"role": "admin"})
    err = await helper.call("PUT", f"/api/groups/{gid}/members/{member.id}/role", {"role": "owner"}, status=403)
    assert err["error"]["code"] == "not_group_owner"  # an admin can't hand over what isn't theirs
    err = await helper.call("PUT", f"/api/groups/{gid}/members/{member.id}/role", {"role": "admin"}, status=403)
    assert err["error"]["code"] == "not_group_owner"  # nor make admins
    await helper.call("PUT", f"/api/groups/{gid}/members/{member.id}/role", {"role": "moderator"})
    err = await owner.call("PUT", f"/api/groups/{gid}/members/{member.id}/role", {"role": "boss"}, status=400)
    published.clear()
    body = await owner.call("PUT", f"/api/groups/{gid}/members/{helper.id}/role", {"role": "owner"})
    assert body["member"]["role"] == "owner"
    roles = {m["user_id"]: m["role"] for m in (await member.get(f"/api/groups/{gid}/members"))["members"]}
    assert roles == {owner.id: "admin", helper.id: "owner", member.id: "moderator"}
    assert (await member.get(f"/api/groups/{gid}"))["group"]["owner_id"] == helper.id
    told = [e.data["member"] for e in published if e.name == "group:updated" and "member" in e.data]
    assert {(m["user_id"], m["role"]) for m in told} == {(helper.id, "owner"), (owner.id, "admin")}
    await owner.post(f"/api/groups/{gid}/leave")  # no longer the owner: free to leave
    err = await helper.post(f"/api/groups/{gid}/leave", status=403)
    assert err["error"]["code"] == "owner_cannot_leave"


async def test_pins_only_by_group_admins(people):
    owner, member = await people("owner"), await people("xiaomei")
    g = await make_group(owner)
    await member.post(f"/api/groups/{g['id']}/join")
    sent = await member.post(f"/api/conversations/{g['conversation_id']}/messages", {"text": "重要信息"})
    mid = sent["message"]["id"]
    err = await member.post(f"/api/groups/{g['id']}/pins", {"message_id": mid}, status=403)
    assert err["error"]["code"] == "not_group_admin"
    pins = (await owner.post(f"/api/groups/{g['id']}/pins", {"message_id": mid}))["pins"]
    assert [p["message"]["text"] for p in pins] == ["重要信息"]
    assert [p["message_id"] for p in (await member.get(f"/api/groups/{g['id']}"))["pins"]] == [mid]
    await owner.call("DELETE", f"/api/groups/{g['id']}/pins/{mid}")
    assert (await member.get(f"/api/groups/{g['id']}"))["pins"] == []
    other = await make_group(owner, "别的群")
    err = await owner.post(f"/api/groups/{other['id']}/pins", {"message_id": mid}, status=404)
    assert err["error"]["code"] == "not_found"


async def test_group_creation_validates(people):
    p = await people("owner")
    for payload in ({}, {"name": ""}, {"name": "x" * 65}, {"name": "ok", "visibility": "hidden"},
                    {"name": 5}, {"name": "ok", "description": "d" * 501}):
        err = await p.post("/api/groups", payload, status=400)
        assert err["error"]["code"] in ("invalid_payload", "too_long")
