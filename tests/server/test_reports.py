"""Reports, the moderator queue, sanctions, appeals and the audit log, through the API."""
from __future__ import annotations

import pytest

from server.app import create_app
from tests.conftest import make_config, make_group


@pytest.fixture
def config(tmp_path):
    return make_config(tmp_path, reports_per_hour=3)


@pytest.fixture
async def client(aiohttp_client, config, clock):
    return await aiohttp_client(create_app(config, clock=clock))


@pytest.fixture
async def board(people, clock):
    """A group with its owner, a group moderator, shoppers, a platform moderator and an outsider group."""
    owner, mod = await people("owner"), await people("groupmod")
    shoppers = [await people(name) for name in ("xiaomei", "aqiang", "lily", "dawei")]
    platform_mod = await people("banzhu", role="moderator")
    group = await make_group(owner)
    other = await make_group(owner, name="别的群")
    for p in (mod, *shoppers):
        await p.post(f"/api/groups/{group['id']}/join")
    await owner.call("PUT", f"/api/groups/{group['id']}/members/{mod.id}/role", {"role": "moderator"})
    clock.advance(hours=48)
    return {"group": group, "other": other, "owner": owner, "mod": mod, "shoppers": shoppers,
            "platform_mod": platform_mod}


async def post(persona, conv, text):
    return (await persona.post(f"/api/conversations/{conv}/messages", {"text": text}))["message"]


async def test_reports_merge_and_hide_past_the_threshold_live(board, live):
    group, mod = board["group"], board["mod"]
    author, r1, r2, r3 = board["shoppers"]
    conv = group["conversation_id"]
    bad = await post(author, conv, "这家店都是骗人的垃圾")
    watcher = await live(r3)
    moderator_socket = await live(mod)
    first = (await r1.post(f"/api/messages/{bad['id']}/report", {"category": "abuse", "note": "骂人"}))["report"]
    assert first == {"case_id": bad["id"], "hidden": False}
    body = await r1.post(f"/api/messages/{bad['id']}/report", {"category": "abuse"}, status=409)
    assert body["error"]["code"] == "already_reported"
    await r2.post(f"/api/messages/{bad['id']}/report", {"category": "spam"})
    third = (await r3.post(f"/api/messages/{bad['id']}/report", {"category": "abuse"}))["report"]
    assert third["hidden"]
    gone = await watcher.wait_for("message:updated", lambda m: m["id"] == bad["id"] and m["hidden"])
    assert gone["text"] == ""
    await moderator_socket.wait_for("moderation:case", lambda c: c.get("id") == bad["id"] and c["hidden"])
    updates = [m for e, m in moderator_socket.received if e == "message:updated" and m["id"] == bad["id"]]
    assert updates[-1]["text"] == "这家店都是骗人的垃圾" and updates[-1]["hidden_reason"] == "reports"
    history = (await r1.get(f"/api/conversations/{conv}/messages"))["messages"]
    assert history[-1]["hidden"] and history[-1]["text"] == "" and history[-1]["hidden_reason"] == "reports"
    assert gone["hidden_reason"] == "reports"  # why it is gone, for the placeholder; never what it said
    seen_by_mod = (await mod.get(f"/api/conversations/{conv}/messages"))["messages"]
    assert seen_by_mod[-1]["text"] == "这家店都是骗人的垃圾" and seen_by_mod[-1]["hidden_reason"] == "reports"
    cases = (await mod.get("/api/moderation/cases"))["cases"]
    assert len(cases) == 1 and cases[0]["report_count"] == 3 and cases[0]["score"] == 3.0
    assert cases[0]["categories"] == ["abuse", "spam"] and cases[0]["author"]["username"] == "xiaomei"


async def test_a_case_shows_context_reports_and_the_authors_history(board):
    group, mod = board["group"], board["mod"]
    author, r1, *_ = board["shoppers"]
    conv = group["conversation_id"]
    for i in range(7):
        await post(r1, conv, f"前面的消息{i}")
    bad = await post(author, conv, "这个东西质量很差劲")
    await post(r1, conv, "后面的消息")
    await r1.post(f"/api/messages/{bad['id']}/report", {"category": "diversion", "note": "想私下交易"})
    case = (await mod.get(f"/api/moderation/cases/{bad['id']}"))["case"]
    assert case["message"]["text"] == "这个东西质量很差劲"
    assert [m["text"] for m in case["context"]] == [*(f"前面的消息{i}" for i in range(2, 7)), "这个东西质量很差劲", "后面的消息"]
    assert case["reports"][0]["reporter"]["username"] == "aqiang" and case["reports"][0]["note"] == "想私下交易"
    assert case["author"]["user"]["username"] == "xiaomei" and case["author"]["sanctions"] == []


async def test_mute_stops_posting_with_the_time_left_and_the_user_can_appeal_once(board, live, clock):
    group, mod, owner = board["group"], board["mod"], board["owner"]
    author, r1, *_ = board["shoppers"]
    conv = group["conversation_id"]
    bad = await post(author, conv, "你们都是傻子")
    await r1.post(f"/api/messages/{bad['id']}/report", {"category": "abuse"})
    notices = await live(author)
    body = await mod.post(f"/api/moderation/cases/{bad['id']}/actions", {"action": "mute", "duration": "1h"},
                          status=400)
    assert body["error"]["details"]["field"] == "reason"
    await mod.post(f"/api/moderation/cases/{bad['id']}/actions", {"action": "mute", "duration": "3d", "reason": "x"},
                   status=400)
    case = (await mod.post(f"/api/moderation/cases/{bad['id']}/actions",
                           {"action": "mute", "duration": "1h", "reason": "辱骂他人", "delete_message": True}))["case"]
    assert case["state"] == "resolved" and case["resolution"]["action"] == "mute"
    notice = await notices.wait_for("moderation:notice", lambda n: n["sanction"]["kind"] == "mute")
    assert notice["sanction"]["reason"] == "辱骂他人" and notice["sanction"]["seconds_left"] == 3600
    assert notice["sanction"]["rule"] == "report:abuse"

    clock.advance(minutes=10)
    body = await author.post(f"/api/conversations/{conv}/messages", {"text": "为什么"}, status=403)
    assert body["error"]["code"] == "muted" and body["error"]["details"]["seconds_left"] == 3000
    assert body["error"]["details"]["reason"] == "辱骂他人"
    ack = await notices.emit("message:send", {"conversation_id": conv, "text": "为什么"})
    assert not ack["ok"] and ack["error"]["code"] == "muted"
    gone = (await r1.get(f"/api/conversations/{conv}/messages"))["messages"]
    assert gone[-1]["id"] == bad["id"] and gone[-1]["hidden"] and gone[-1]["text"] == ""
    # support stays reachable while muted
    support = (await author.post("/api/support"))["conversation"]["id"]
    await author.post(f"/api/conversations/{support}/messages", {"text": "我被禁言了，找客服"})

    mine = (await author.get("/api/me/sanctions"))["sanctions"]
    mute = next(s for s in mine if s["kind"] == "mute")
    assert {s["kind"] for s in mine} == {"mute", "delete"} and mute["in_force"]
    await r1.post(f"/api/me/sanctions/{mute['id']}/appeal", {"text": "不是我的"}, status=404)
    await author.post(f"/api/me/sanctions/{mute['id']}/appeal", {"text": ""}, status=400)
    await author.post(f"/api/me/sanctions/{mute['id']}/appeal", {"text": "我只是开玩笑，以后注意"})
    body = await author.post(f"/api/me/sanctions/{mute['id']}/appeal", {"text": "再申诉"}, status=409)
    assert body["error"]["code"] == "already_appealed"

    queue = (await mod.get("/api/moderation/appeals"))["appeals"]
    assert [a["id"] for a in queue] == [mute["id"]] and queue[0]["sanction"]["kind"] == "mute"
    # someone who doesn't moderate its scope: the appeal doesn't exist for them (issue 12)
    await r1.post(f"/api/moderation/appeals/{mute['id']}/decide", {"decision": "overturn", "reason": "x"}, status=404)
    await owner.post(f"/api/moderation/appeals/{mute['id']}/decide", {"decision": "overturn", "reason": "初犯，解除禁言"})
    await owner.post(f"/api/moderation/appeals/{mute['id']}/decide", {"decision": "uphold", "reason": "x"}, status=409)
    decided = await notices.wait_for("moderation:notice", lambda n: "appeal" in n)
    assert decided["appeal"]["state"] == "overturned" and not decided["sanction"]["in_force"]
    await post(author, conv, "谢谢管理员")


async def test_mutes_expire(board, clock):
    group, mod = board["group"], board["mod"]
    author = board["shoppers"][0]
    await mod.post(f"/api/moderation/users/{author.id}/actions",
                   {"action": "mute", "duration": 600, "reason": "刷屏", "group_id": group["id"]})
    await author.post(f"/api/conversations/{group['conversation_id']}/messages", {"text": "hi"}, status=403)
    clock.advance(seconds=601)
    await post(author, group["conversation_id"], "hi")


async def test_kick_and_ban(board, clock):
    group, mod, owner = board["group"], board["mod"], board["owner"]
    a, b, *_ = board["shoppers"]
    gid = group["id"]
    await mod.post(f"/api/moderation/users/{a.id}/actions", {"action": "kick", "reason": "广告", "group_id": gid})
    await a.get(f"/api/conversations/{group['conversation_id']}/messages", status=403)
    await a.post(f"/api/groups/{gid}/join")  # a kick is not a ban
    sanction = (await mod.post(f"/api/moderation/users/{b.id}/actions",
                               {"action": "ban", "reason": "诈骗", "group_id": gid, "duration": "7d"}))["sanction"]
    assert sanction["in_force"] and sanction["seconds_left"] == 7 * 86400
    body = await b.post(f"/api/groups/{gid}/join", status=403)
    assert body["error"]["code"] == "banned"
    await b.post(f"/api/groups/{board['other']['id']}/join")  # only this group
    forever = (await owner.post(f"/api/moderation/users/{a.id}/actions",
                                {"action": "ban", "reason": "屡教不改", "group_id": gid}))["sanction"]
    assert forever["permanent"] and forever["seconds_left"] is None
    clock.advance(days=8)
    await b.post(f"/api/groups/{gid}/join")
    await a.post(f"/api/groups/{gid}/join", status=403)
    await mod.post(f"/api/moderation/sanctions/{forever['id']}/lift", {"reason": "误封"})
    await a.post(f"/api/groups/{gid}/join")


async def test_the_notice_of_a_kick_names_the_group_it_took_off_the_list(board, live):
    """member:left takes the group off the kicked member's list first; the notice that follows still names it
    (the web client said 某个社群). A platform decision names no group; an appeal's decision names it too."""
    group, mod, pm = board["group"], board["mod"], board["platform_mod"]
    a, b, *_ = board["shoppers"]
    gid = group["id"]
    sockets = await live(a)
    await mod.post(f"/api/moderation/users/{a.id}/actions", {"action": "kick", "reason": "广告", "group_id": gid})
    kicked = await sockets.wait_for("moderation:notice", lambda n: n["sanction"]["kind"] == "kick")
    assert kicked["group"] == {"id": gid, "name": "好物分享群"} and kicked["sanction"]["scope"] == gid
    order = [e for e, d in sockets.received if e in ("member:left", "moderation:notice")]
    assert order == ["member:left", "moderation:notice"]
    assert gid not in [g["id"] for g in (await a.get("/api/me/groups"))["groups"]]

    await pm.post(f"/api/moderation/users/{a.id}/actions", {"action": "warn", "reason": "注意言行"})
    warned = await sockets.wait_for("moderation:notice", lambda n: n["sanction"]["kind"] == "warn")
    assert "group" not in warned

    banned = (await mod.post(f"/api/moderation/users/{b.id}/actions",
                             {"action": "ban", "reason": "诈骗", "group_id": gid, "duration": "1d"}))["sanction"]
    theirs = await live(b)
    await b.post(f"/api/me/sanctions/{banned['id']}/appeal", {"text": "我没有诈骗"})
    await mod.post(f"/api/moderation/appeals/{banned['id']}/decide", {"decision": "overturn", "reason": "证据不足"})
    decided = await theirs.wait_for("moderation:notice", lambda n: "appeal" in n)
    assert decided["group"]["name"] == "好物分享群" and not decided["sanction"]["in_force"]


async def test_my_sanctions_name_the_group_even_after_a_kick_took_it_off_my_list(board, svc, clock):
    """GET /api/me/sanctions names each group decision's group ({id, name}, as moderation:notice does): the profile
    said 某个社群 for a group the member was kicked from. Platform decisions name none, nor a group that is gone."""
    from server.domain.moderation import Sanction

    group, other, mod, owner, pm = board["group"], board["other"], board["mod"], board["owner"], board["platform_mod"]
    a, b, *_ = board["shoppers"]
    gid = group["id"]
    await mod.post(f"/api/moderation/users/{a.id}/actions",
                   {"action": "mute", "duration": "1h", "reason": "刷屏", "group_id": gid})
    clock.advance(minutes=1)
    await mod.post(f"/api/moderation/users/{a.id}/actions", {"action": "kick", "reason": "广告", "group_id": gid})
    clock.advance(minutes=1)
    await pm.post(f"/api/moderation/users/{a.id}/actions", {"action": "warn", "reason": "注意言行"})
    clock.advance(minutes=1)
    await svc.storage.sanctions.add(Sanction(id="gone-group-sanction", user_id=a.id, kind="warn",
                                             scope="0" * 32, reason="旧社群的警告", rule="",
                                             moderator_id=owner.id, created_at=clock.now()))
    await b.post(f"/api/groups/{other['id']}/join")
    await owner.post(f"/api/moderation/users/{b.id}/actions",
                     {"action": "ban", "reason": "诈骗", "group_id": other["id"], "duration": "1d"})
    assert gid not in [g["id"] for g in (await a.get("/api/me/groups"))["groups"]]

    mine = {s["kind"] + ":" + s["reason"]: s for s in (await a.get("/api/me/sanctions"))["sanctions"]}
    assert set(mine) == {"mute:刷屏", "kick:广告", "warn:注意言行", "warn:旧社群的警告"}
    assert mine["mute:刷屏"]["group"] == {"id": gid, "name": "好物分享群"}
    assert mine["kick:广告"]["group"] == {"id": gid, "name": "好物分享群"}
    assert "group" not in mine["warn:注意言行"] and mine["warn:注意言行"]["scope"] == "platform"
    assert "group" not in mine["warn:旧社群的警告"]
    theirs = (await b.get("/api/me/sanctions"))["sanctions"]
    assert [(s["kind"], s["group"]) for s in theirs] == [("ban", {"id": other["id"], "name": "别的群"})]


async def test_platform_ban_by_a_platform_moderator(board):
    pm, a = board["platform_mod"], board["shoppers"][0]
    await pm.post(f"/api/moderation/users/{a.id}/actions", {"action": "ban", "reason": "诈骗团伙", "duration": "permanent"})
    body = await a.post(f"/api/conversations/{board['group']['conversation_id']}/messages", {"text": "hi"}, status=403)
    assert body["error"]["code"] == "banned" and body["error"]["details"]["scope"] == "platform"
    await a.post(f"/api/groups/{board['other']['id']}/join", status=403)


async def test_only_moderators_act_and_group_moderators_only_in_their_group(board, people):
    group, other, mod, owner = board["group"], board["other"], board["mod"], board["owner"]
    a, b, *_ = board["shoppers"]
    await b.post(f"/api/groups/{other['id']}/join")
    in_other = await post(b, other["conversation_id"], "别的群里的话")
    await owner.post(f"/api/messages/{in_other['id']}/report", {"category": "spam"})
    # group moderator of `group` only
    assert (await mod.get("/api/moderation/cases"))["cases"] == []
    # another scope's case: not found, as a made-up id (issue 12)
    await mod.get(f"/api/moderation/cases/{in_other['id']}", status=404)
    await mod.post(f"/api/moderation/cases/{in_other['id']}/actions", {"action": "dismiss"}, status=404)
    await mod.get(f"/api/moderation/cases?group_id={other['id']}", status=403)
    await mod.post(f"/api/moderation/users/{b.id}/actions", {"action": "warn", "reason": "x", "group_id": other["id"]},
                   status=403)
    await mod.post(f"/api/moderation/users/{b.id}/actions", {"action": "warn", "reason": "x"}, status=403)  # platform
    # members
    for path in ("/api/moderation/cases", "/api/moderation/appeals", "/api/moderation/audit"):
        body = await a.get(path, status=403)
        assert body["error"]["code"] == "not_moderator"
    await a.post(f"/api/moderation/cases/{in_other['id']}/actions", {"action": "dismiss"}, status=404)
    await a.post(f"/api/moderation/users/{b.id}/actions", {"action": "mute", "duration": "1h", "reason": "x",
                                                          "group_id": group["id"]}, status=403)
    # rank: a group moderator can't act on the owner or another moderator; nobody on platform staff
    body = await mod.post(f"/api/moderation/users/{owner.id}/actions",
                          {"action": "mute", "duration": "1h", "reason": "x", "group_id": group["id"]}, status=403)
    assert body["error"]["code"] == "cannot_sanction"
    await owner.post(f"/api/moderation/users/{board['platform_mod'].id}/actions",
                     {"action": "ban", "reason": "x", "group_id": group["id"]}, status=403)
    # platform moderators see every scope
    assert [c["id"] for c in (await board["platform_mod"].get("/api/moderation/cases"))["cases"]] == [in_other["id"]]
    # reporting needs read access: to an outsider, a public group's message doesn't exist
    outsider = await people("outsider")
    await outsider.post(f"/api/messages/{in_other['id']}/report", {"category": "spam"}, status=404)


async def test_report_bad_input_and_rate_limit(board, clock):
    group = board["group"]
    a, b, *_ = board["shoppers"]
    mine = await post(a, group["conversation_id"], "我的消息")
    body = await a.post(f"/api/messages/{mine['id']}/report", {"category": "spam"}, status=400)
    assert body["error"]["code"] == "cannot_report_self"
    await b.post(f"/api/messages/{mine['id']}/report", {"category": "bogus"}, status=400)
    body = await b.post(f"/api/messages/{mine['id']}/report", {"category": "spam", "note": "长" * 501}, status=400)
    assert body["error"]["code"] == "too_long"
    await b.post("/api/messages/0123456789abcdef01234567/report", {"category": "spam"}, status=404)
    await b.post("/api/messages/not-an-id/report", {"category": "spam"}, status=400)
    await b.post(f"/api/users/{b.id}/report", {"category": "spam"}, status=400)
    for i in range(3):  # reports_per_hour=3 in this module
        m = await post(a, group["conversation_id"], f"消息{i}")
        await b.post(f"/api/messages/{m['id']}/report", {"category": "spam"})
    body = await b.post(f"/api/users/{a.id}/report", {"category": "spam"}, status=429)
    assert body["error"]["code"] == "report_rate_limited" and body["error"]["details"]["retry_after"] > 0
    clock.advance(hours=1, seconds=1)
    await b.post(f"/api/users/{a.id}/report", {"category": "spam", "group_id": group["id"]})


async def test_reporter_accuracy_weighs_later_reports(board, clock):
    group, mod = board["group"], board["mod"]
    a, b, c, _ = board["shoppers"]
    for i in range(3):  # b's reports keep being dismissed
        m = await post(a, group["conversation_id"], f"正常的话{i}")
        await b.post(f"/api/messages/{m['id']}/report", {"category": "spam"})
        await mod.post(f"/api/moderation/cases/{m['id']}/actions", {"action": "dismiss"})
    m = await post(a, group["conversation_id"], "再一条")
    clock.advance(hours=1, seconds=1)  # past b's report limit (3 an hour in this module)
    await b.post(f"/api/messages/{m['id']}/report", {"category": "spam"})
    await c.post(f"/api/messages/{m['id']}/report", {"category": "spam"})
    case = (await mod.get(f"/api/moderation/cases/{m['id']}"))["case"]
    weights = {r["reporter_id"]: r["weight"] for r in case["reports"]}
    assert weights[c.id] == 1.0 and weights[b.id] == 0.4  # 2 * (0+1) / (0+3+2)
    moderator_report = await post(a, group["conversation_id"], "版主举报")
    body = await mod.post(f"/api/messages/{moderator_report['id']}/report", {"category": "spam"})
    assert body["report"]["hidden"]  # a moderator's report alone reaches the threshold


async def test_a_resolved_case_reopens_on_new_reports(board, svc):
    group, mod = board["group"], board["mod"]
    a, b, c, _ = board["shoppers"]
    m = await post(a, group["conversation_id"], "有争议的话")
    await b.post(f"/api/messages/{m['id']}/report", {"category": "abuse"})
    await mod.post(f"/api/moderation/cases/{m['id']}/actions", {"action": "dismiss"})
    body = await mod.post(f"/api/moderation/cases/{m['id']}/actions", {"action": "warn", "reason": "x"}, status=409)
    assert body["error"]["code"] == "case_resolved"
    await c.post(f"/api/messages/{m['id']}/report", {"category": "abuse"})
    case = (await mod.get(f"/api/moderation/cases/{m['id']}"))["case"]
    assert case["state"] == "open" and len(case["reports"]) == 2
    await mod.post(f"/api/moderation/cases/{m['id']}/actions", {"action": "warn", "reason": "注意"})
    # b's first report was counted once, as dismissed; the second decision counts only c's report
    assert await svc.storage.reporters.get(user_id=b.id) == {"upheld": 0, "dismissed": 1}
    assert await svc.storage.reporters.get(user_id=c.id) == {"upheld": 1, "dismissed": 0}


async def test_the_audit_log_records_and_searches_everything(board):
    group, mod, owner = board["group"], board["mod"], board["owner"]
    a, b, *_ = board["shoppers"]
    conv = group["conversation_id"]
    await a.post(f"/api/conversations/{conv}/messages", {"text": "加我薇信 abc12345"}, status=422)
    m = await post(a, conv, "你个煞笔")
    assert m["text"] == "你个＊＊"
    await b.post(f"/api/messages/{m['id']}/report", {"category": "abuse", "note": "骂人了"})
    await mod.post(f"/api/moderation/cases/{m['id']}/actions", {"action": "warn", "reason": "注意文明用语"})
    entries = (await mod.get("/api/moderation/audit"))["entries"]
    assert [e["action"] for e in entries] == ["warn", "report", "engine:mask", "engine:block"]
    block = entries[-1]
    assert block["actor_id"] == "engine" and block["rule"].startswith("diversion:") and block["target_id"] == a.id
    assert block["details"]["text"] == "加我薇信 abc12345"
    assert entries[0]["actor_id"] == mod.id and entries[0]["reason"] == "注意文明用语"
    assert [e["action"] for e in (await mod.get("/api/moderation/audit?q=骂人了"))["entries"]] == ["report"]
    about_a = (await mod.get(f"/api/moderation/audit?q={a.id}&action=warn,report"))["entries"]
    assert [e["action"] for e in about_a] == ["warn", "report"]
    await owner.call("PATCH", f"/api/groups/{group['id']}/rules", {"slow_mode_seconds": 10})
    assert (await mod.get("/api/moderation/audit?action=rules:update"))["entries"][0]["actor_id"] == owner.id
    # there is no way to change or remove an entry
    for method in ("PUT", "PATCH", "DELETE"):
        resp = await mod.http.request(method, "/api/moderation/audit", headers=mod.headers)
        assert resp.status == 405


async def test_moderator_delete_hides_for_members_and_an_overturned_appeal_restores_it(board):
    group, mod, owner = board["group"], board["mod"], board["owner"]
    a, b, *_ = board["shoppers"]
    m = await post(a, group["conversation_id"], "其实没问题的话")
    await b.post(f"/api/messages/{m['id']}/report", {"category": "spam"})
    await mod.post(f"/api/moderation/cases/{m['id']}/actions", {"action": "delete", "reason": "疑似广告"})
    seen = (await b.get(f"/api/conversations/{group['conversation_id']}/messages"))["messages"][-1]
    assert seen["text"] == "" and seen["hidden_reason"] == "removed"  # 该消息已被管理员删除
    removed = (await a.get("/api/me/sanctions"))["sanctions"][0]
    assert removed["kind"] == "delete" and removed["message_id"] == m["id"]
    await a.post(f"/api/me/sanctions/{removed['id']}/appeal", {"text": "这不是广告"})
    await owner.post(f"/api/moderation/appeals/{removed['id']}/decide", {"decision": "overturn", "reason": "确认不是广告"})
    restored = (await b.get(f"/api/conversations/{group['conversation_id']}/messages"))["messages"][-1]
    assert restored["text"] == "其实没问题的话" and not restored["hidden"]
    assert (await mod.get("/api/moderation/appeals?state=overturned"))["appeals"][0]["decided_by"] == owner.id


async def test_action_bad_input(board):
    group, mod = board["group"], board["mod"]
    a, b, *_ = board["shoppers"]
    m = await post(a, group["conversation_id"], "一句话")
    await b.post(f"/api/messages/{m['id']}/report", {"category": "spam"})
    url = f"/api/moderation/cases/{m['id']}/actions"
    for payload in ({"action": "explode", "reason": "x"}, {"action": "mute", "reason": "x"},
                    {"action": "mute", "reason": "x", "duration": 5}, {"action": "mute", "reason": "x", "duration": "permanent"},
                    {"action": "ban", "reason": "x", "duration": True}, {"action": "warn", "reason": "长" * 501}):
        await mod.post(url, payload, status=400)
    await mod.post("/api/moderation/cases/0123456789abcdef01234567/actions", {"action": "dismiss"}, status=404)
    await mod.get("/api/moderation/cases?state=weird", status=400)
    await mod.post(f"/api/moderation/users/{a.id}/actions", {"action": "kick", "reason": "x"}, status=400)
    await mod.post(f"/api/moderation/users/{a.id}/actions", {"action": "delete", "reason": "x",
                                                            "group_id": group["id"]}, status=400)


async def test_a_muted_moderator_neither_lifts_their_own_mute_nor_acts_while_it_holds(board):
    """Sanctions bind moderators too (the owner mutes the group's moderator)."""
    gid, owner, mod = board["group"]["id"], board["owner"], board["mod"]
    xiaomei = board["shoppers"][0]
    muted = (await owner.post(f"/api/moderation/users/{mod.id}/actions",
                              {"action": "mute", "duration": "1h", "reason": "滥用权限", "group_id": gid}))["sanction"]
    lift = await mod.post(f"/api/moderation/sanctions/{muted['id']}/lift", {"reason": "我没错"}, status=403)
    assert lift["error"]["code"] in ("muted", "cannot_sanction")
    act = await mod.post(f"/api/moderation/users/{xiaomei.id}/actions",
                         {"action": "warn", "reason": "报复", "group_id": gid}, status=403)
    assert act["error"]["code"] == "muted"
    await owner.post(f"/api/moderation/sanctions/{muted['id']}/lift", {"reason": "误会"})
    await mod.post(f"/api/moderation/users/{xiaomei.id}/actions", {"action": "warn", "reason": "刷屏", "group_id": gid})


async def test_nobody_lifts_a_decision_about_themselves(board, people):
    """A platform moderator, warned by an admin, may act on the platform, but not on that warning."""
    platform_mod = board["platform_mod"]
    boss = await people("boss", role="admin")
    warned = (await boss.post(f"/api/moderation/users/{platform_mod.id}/actions",
                              {"action": "warn", "reason": "越权"}))["sanction"]
    refused = await platform_mod.post(f"/api/moderation/sanctions/{warned['id']}/lift", {"reason": "撤销"},
                                      status=403)
    assert refused["error"]["code"] == "cannot_sanction"
