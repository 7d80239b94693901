"""Every text a member writes meets the content rules a message meets (issue 12): thread titles,
display names, bios, group names, descriptions and announcements, rating comments; report notes
and appeals are screened too but, since they quote what they report, only audited. Likes carry
no text of their own (a like is a flag), so there is nothing of theirs to screen."""
from __future__ import annotations

import pytest

from tests.conftest import make_group

DIVERSION = "加 薇 信 领优惠 abc12345"   # refused as a message (tests/server/test_moderation.py)
ABUSE = "你个 煞-笔"                    # masked in a message


def blocked(body: dict, field: str) -> None:
    error = body["error"]
    assert error["code"] == "moderation_blocked", body
    assert error["details"]["field"] == field and error["details"]["rule"].startswith("diversion:")
    assert "diversion" in error["details"]["categories"]


async def test_a_diversion_refused_as_a_message_is_refused_as_a_thread_title(shop_group):
    group, _, xiaomei, _ = shop_group
    await xiaomei.post(f"/api/conversations/{group['conversation_id']}/messages", {"text": DIVERSION}, status=422)
    url = f"/api/groups/{group['id']}/threads"
    blocked(await xiaomei.post(url, {"title": DIVERSION, "text": "正文没问题"}, status=422), "title")
    assert (await xiaomei.get(url))["threads"] == []   # no empty thread left behind
    made = await xiaomei.post(url, {"title": "晒单：新买的外套", "text": "很暖和"})
    assert made["thread"]["title"] == "晒单：新买的外套"


async def test_a_groups_own_words_apply_to_its_thread_titles(shop_group):
    group, owner, xiaomei, _ = shop_group
    other = await make_group(owner, name="别的群")
    await xiaomei.post(f"/api/groups/{other['id']}/join")
    await owner.call("PATCH", f"/api/groups/{group['id']}/rules", {"words": [{"term": "竞品店", "category": "diversion"}]})
    body = await xiaomei.post(f"/api/groups/{group['id']}/threads", {"title": "竞品店更便宜", "text": "看看"},
                              status=422)
    assert body["error"]["details"] == {"rule": "diversion:竞品店", "categories": ["diversion"], "field": "title"}
    await xiaomei.post(f"/api/groups/{other['id']}/threads", {"title": "竞品店更便宜", "text": "看看"})


@pytest.mark.parametrize("field", ["display_name", "bio"])
async def test_profiles_meet_the_rules(people, field):
    me = await people("xiaomei")
    blocked(await me.call("PATCH", "/api/me", {field: DIVERSION}, status=422), field)
    assert (await me.get("/api/me"))["user"][field] != DIVERSION
    masked = (await me.call("PATCH", "/api/me", {field: ABUSE}))["user"][field]
    assert masked == "你个 ＊-＊"
    assert (await me.call("PATCH", "/api/me", {field: "爱逛街的小美"}))["user"][field] == "爱逛街的小美"


async def test_a_display_name_given_at_registration_meets_the_rules(client):
    resp = await client.post("/api/auth/register", json={"username": "spammer", "password": "password-123",
                                                         "display_name": DIVERSION})
    blocked(await resp.json(), "display_name")
    resp = await client.post("/api/auth/register", json={"username": "spammer", "password": "password-123",
                                                         "display_name": "小美"})
    assert resp.status == 200 and (await resp.json())["user"]["display_name"] == "小美"


@pytest.mark.parametrize("field", ["name", "description"])
async def test_a_new_groups_name_and_description_meet_the_rules(people, field):
    me = await people("owner")
    body = {"name": "好物分享群", "description": "测试", field: DIVERSION}
    blocked(await me.post("/api/groups", body, status=422), field)
    assert (await me.get("/api/me/groups"))["groups"] == []


@pytest.mark.parametrize("field", ["name", "description", "announcement"])
async def test_a_groups_changes_meet_the_rules_with_its_own_words(shop_group, field):
    group, owner, *_ = shop_group
    url = f"/api/groups/{group['id']}"
    blocked(await owner.call("PATCH", url, {field: DIVERSION}, status=422), field)
    await owner.call("PATCH", f"{url}/rules", {"words": [{"term": "竞品店", "category": "diversion"}]})
    body = await owner.call("PATCH", url, {field: "欢迎来竞品店"}, status=422)
    assert body["error"]["details"]["rule"] == "diversion:竞品店"
    assert (await owner.call("PATCH", url, {field: "本周上新"}))["group"][field] == "本周上新"


async def test_a_refused_text_is_audited_with_its_field(shop_group):
    group, owner, xiaomei, _ = shop_group
    await xiaomei.post(f"/api/groups/{group['id']}/threads", {"title": DIVERSION, "text": "正文"}, status=422)
    entries = (await owner.get("/api/moderation/audit?action=engine:block"))["entries"]
    assert entries[0]["target_id"] == xiaomei.id and entries[0]["details"]["field"] == "title"
    assert entries[0]["rule"].startswith("diversion:")


async def test_report_notes_and_appeals_may_quote_what_they_report(shop_group, svc):
    """Refusing them would stop the report of a diversion that quotes it: they are audited instead,
    and what the engine masks stays masked."""
    group, owner, xiaomei, aqiang = shop_group
    conv = group["conversation_id"]
    sent = (await aqiang.post(f"/api/conversations/{conv}/messages", {"text": "这个东西质量很差劲"}))["message"]
    report = (await xiaomei.post(f"/api/messages/{sent['id']}/report",
                                 {"category": "diversion", "note": f"他私信说 {DIVERSION}"}))["report"]
    entries = (await owner.get("/api/moderation/audit?action=engine:block"))["entries"]
    assert entries[0]["details"]["field"] == "note" and entries[0]["target_id"] == xiaomei.id
    report_user = (await xiaomei.post(f"/api/users/{aqiang.id}/report", {"category": "abuse", "group_id": group["id"],
                                                                        "note": f"骂人：{ABUSE}"}))["report"]
    notes = {}
    for case_id in (report["case_id"], report_user["case_id"]):
        case = (await owner.get(f"/api/moderation/cases/{case_id}"))["case"]
        notes[case_id] = case["reports"][0]["note"]
    assert notes == {report["case_id"]: f"他私信说 {DIVERSION}", report_user["case_id"]: "骂人：你个 ＊-＊"}
    mute = (await owner.post(f"/api/moderation/users/{aqiang.id}/actions",
                             {"action": "warn", "reason": "文明发言", "group_id": group["id"]}))["sanction"]
    appeal = (await aqiang.post(f"/api/me/sanctions/{mute['id']}/appeal",
                                {"text": f"我没说过“{DIVERSION}”"}))["appeal"]
    assert appeal["text"] == f"我没说过“{DIVERSION}”"


async def test_a_rating_comment_meets_the_rules(people):
    xiaomei, kefu = await people("xiaomei"), await people("kefu", role="agent")
    conv_id = (await xiaomei.post("/api/support"))["conversation"]["id"]
    await xiaomei.post(f"/api/support/cases/{conv_id}/handoff")
    await kefu.post(f"/api/support/cases/{conv_id}/claim")
    await kefu.post(f"/api/support/cases/{conv_id}/resolve")
    url = f"/api/support/cases/{conv_id}/rating"
    blocked(await xiaomei.post(url, {"score": 1, "comment": DIVERSION}, status=422), "comment")
    await xiaomei.post(url, {"score": 5, "comment": "很耐心 👍"})


async def test_clean_text_passes_untouched(shop_group):
    group, _, xiaomei, _ = shop_group
    for text in ("可以用微信支付吗", "订单SC20261101001到哪了", "去死皮膏好用吗"):
        made = await xiaomei.post(f"/api/groups/{group['id']}/threads", {"title": text, "text": "如题"})
        assert made["thread"]["title"] == text
