"""Nothing stored that can't be served (issue 12): each hostile text through each route that takes a
text, then every view read back. A lone surrogate in a reaction used to be stored, and from then on the
group's history, its pins and search answered 500 for every member.

Each write must answer 200, 400 or 422 (never 500), refuse what the text rule refuses (NUL, lone
surrogates, other control characters, combining-mark towers; line breaks and bidi overrides in
one-line fields; what is too long), and keep what it allows as sent. After each value, every view
(history, pins, threads, search, notifications, sync, profiles, members, the desk, the moderators'
cases, appeals and audit log, the rules) answers 200 with valid UTF-8 JSON in which no string breaks
the text rule. Both storage backends."""
from __future__ import annotations

import json

import pytest
from yarl import URL

from server.app import create_app
from server.validate import text_problem
from tests.conftest import BACKENDS, make_config, make_group, open_backend

# name -> (the hostile part, is it refused everywhere, refused in one-line fields)
HOSTILE = {
    "lone_surrogate": ("a\ud800b", True, True),
    "low_surrogate": ("\udfff", True, True),
    "nul": ("a\x00b", True, True),
    "c0": ("a\x07\x1b[31mb\x08", True, True),
    "c1": ("a\x85\x9bb", True, True),
    "del": ("a\x7fb", True, True),
    "combining_flood": ("z" + "\u0301" * 50, True, True),
    "too_long": ("长" * 10_000, True, True),
    "bidi_override": ("\u202egnp\u202c", False, True),
    "line_break": ("两\n行\r\n\t缩进", False, True),
    "zwj_emoji": ("👩\u200d👩\u200d👧\u200d👦 🏳️\u200d🌈 🇨🇳 👍🏽", False, False),
    "invisible": ("\ufeff\u200b\u2060\u200f", False, False),
    "noncharacters": ("\uffff\U0010ffff\ue000", False, False),
    "markup": ("<img src=x onerror=alert(1)>{{7*7}}${x}", False, False),
}
ONE_EMOJI = {"zwj_emoji": "👩\u200d👩\u200d👧\u200d👦"}  # the reaction to try for a value (else its hostile part)


@pytest.fixture
def config(tmp_path):
    return make_config(tmp_path, reports_per_hour=10_000)


@pytest.fixture(params=BACKENDS)
async def client(request, aiohttp_client, config, tmp_path):
    if request.param == "sqlite":
        return await aiohttp_client(create_app(config))

    async def factory():
        return await open_backend("mongodb", tmp_path)
    return await aiohttp_client(create_app(config, storage_factory=factory))


def served_cleanly(raw: bytes) -> object:
    """The body is UTF-8 JSON, and no string in it breaks the text rule (as a text with lines)."""
    body = json.loads(raw.decode("utf-8"))
    stack = [body]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            assert text_problem(item) is None, ascii(item[:80])
    return body


class Writer:
    """Every write answers 200, 400 or 422; `expect` says which, by what the text rule does."""

    def __init__(self):
        self.outcomes: list[tuple[str, int]] = []

    async def __call__(self, persona, method, path, body, *, refused: bool | None = None, allow=(200, 400, 422)):
        resp = await persona.http.request(method, path, json=body, headers=persona.headers)
        data = served_cleanly(await resp.read())
        assert resp.status in allow, (method, path, resp.status, data)
        if refused is not None:
            assert (resp.status == 400) == refused, (method, path, resp.status, data)
        self.outcomes.append((path, resp.status))
        return resp.status, data


async def read(persona, path, status=200):
    resp = await persona.http.get(URL(path, encoded=True) if "%" in path else path, headers=persona.headers)
    body = served_cleanly(await resp.read())
    assert resp.status == status, (path, resp.status, body)
    return body


async def ack(socket, event, data):
    found = await socket.emit(event, data)
    served_cleanly(json.dumps(found, ensure_ascii=False).encode("utf-8"))
    return found


async def test_each_hostile_text_through_each_route_then_every_view(people, live, svc):
    owner, xiaomei, aqiang = await people("owner"), await people("xiaomei"), await people("aqiang")
    kefu, admin, mod = await people("kefu", role="agent"), await people("boss", role="admin"), \
        await people("mod", role="moderator")
    group = await make_group(owner)
    gid, gconv = group["id"], group["conversation_id"]
    for p in (xiaomei, aqiang):
        await p.post(f"/api/groups/{gid}/join")
    la, lb = await live(xiaomei), await live(aqiang)
    first = (await xiaomei.post(f"/api/conversations/{gconv}/messages", {"text": "hostile 第一条"}))["message"]
    await owner.post(f"/api/groups/{gid}/pins", {"message_id": first["id"]})
    support_conv = (await xiaomei.post("/api/support"))["conversation"]["id"]
    await xiaomei.post(f"/api/support/cases/{support_conv}/handoff")  # opening only greets
    await kefu.post(f"/api/support/cases/{support_conv}/claim")
    threads, cases = [], []
    write = Writer()

    async def read_everything():
        await read(xiaomei, f"/api/conversations/{gconv}/messages?limit=100")
        detail = await read(xiaomei, f"/api/groups/{gid}")
        assert detail["pins"]
        await read(xiaomei, f"/api/groups/{gid}/threads?limit=100")
        for tid in threads:
            await read(aqiang, f"/api/threads/{tid}")
            await read(aqiang, f"/api/conversations/{tid}/messages")
        await read(xiaomei, "/api/search?q=hostile&limit=50")
        for p in (xiaomei, aqiang):
            await read(p, "/api/notifications")
            await read(p, "/api/me")
            await read(p, "/api/me/groups")
            await read(p, "/api/me/sanctions")
        await read(aqiang, f"/api/users/{xiaomei.id}")
        await read(aqiang, f"/api/users?ids={xiaomei.id},{aqiang.id}")
        await read(xiaomei, f"/api/groups/{gid}/members")
        await read(xiaomei, f"/api/groups/{gid}/members?q=hostile")
        await read(xiaomei, "/api/groups?q=hostile")
        await read(xiaomei, "/api/groups")
        synced = await ack(lb, "sync", {"cursors": {gconv: 0}})
        assert synced["ok"], synced
        assert (await ack(lb, "history", {"conversation_id": gconv, "limit": 100}))["ok"]
        # the desk, and the customer's side of it
        await read(xiaomei, f"/api/conversations/{support_conv}/messages?limit=100")
        await read(xiaomei, f"/api/support/cases/{support_conv}")
        for path in ("/api/support/queue", "/api/support/mine", f"/api/support/cases/{support_conv}",
                     "/api/support/canned", "/api/support/agents", "/api/shop/policies"):
            await read(kefu, path)
        # the moderators: the group's owner and a platform moderator
        for m in (owner, mod):
            for state in ("open", "resolved"):
                for case in (await read(m, f"/api/moderation/cases?state={state}&limit=100"))["cases"]:
                    await read(m, f"/api/moderation/cases/{case['id']}")
            await read(m, "/api/moderation/appeals?state=open")
            await read(m, "/api/moderation/appeals?state=upheld")
            await read(m, "/api/moderation/audit?limit=100")
            await read(m, "/api/moderation/audit?q=hostile")
        await read(owner, f"/api/groups/{gid}/rules")
        await read(mod, "/api/moderation/rules")

    for i, (name, (part, refused, one_line_refused)) in enumerate(HOSTILE.items()):
        text = f"hostile {part} @aqiang"
        line = f"hostile {part}"

        # messages: sent and edited over REST and Socket.IO, in the group and at the desk
        status, sent = await write(xiaomei, "POST", f"/api/conversations/{gconv}/messages", {"text": text},
                                   refused=refused)
        if status == 200:
            await owner.post(f"/api/groups/{gid}/pins", {"message_id": sent["message"]["id"]})
            assert sent["message"]["text"] == text.strip()
        got = await ack(lb, "message:send", {"conversation_id": gconv, "text": text})
        assert got["ok"] is not refused, (name, got)
        clean = (await xiaomei.post(f"/api/conversations/{gconv}/messages", {"text": f"hostile clean {i}"}))["message"]
        await write(xiaomei, "PATCH", f"/api/messages/{clean['id']}", {"text": text}, refused=refused)
        got = await ack(la, "message:edit", {"message_id": clean["id"], "text": line})
        assert got["ok"] is not refused, (name, got)
        await write(xiaomei, "POST", f"/api/conversations/{support_conv}/messages", {"text": line}, refused=refused)
        await write(kefu, "POST", f"/api/conversations/{support_conv}/messages", {"text": line}, refused=refused)

        # a reaction is one emoji: only a value that is one is taken
        emoji = ONE_EMOJI.get(name, part)
        got = await ack(lb, "reaction:add", {"message_id": clean["id"], "emoji": emoji})
        assert got["ok"] is (name in ONE_EMOJI), (name, got)

        # threads: the title is one line, the first post and the replies are messages
        status, made = await write(xiaomei, "POST", f"/api/groups/{gid}/threads", {"title": line, "text": "正文"},
                                   refused=one_line_refused)
        if status == 200:
            threads.append(made["thread"]["id"])
        status, made = await write(xiaomei, "POST", f"/api/groups/{gid}/threads",
                                   {"title": f"hostile 帖子 {i}", "text": text}, refused=refused)
        if status == 200:
            threads.append(made["thread"]["id"])
            await write(aqiang, "POST", f"/api/conversations/{made['thread']['id']}/messages", {"text": text},
                        refused=refused)

        # profiles: a display name is one line, a bio may have lines
        await write(xiaomei, "PATCH", "/api/me", {"display_name": line}, refused=one_line_refused)
        await write(xiaomei, "PATCH", "/api/me", {"bio": line[:280]}, refused=refused and name != "too_long")
        resp = await xiaomei.http.post("/api/auth/register", json={"username": f"reg{i}", "password": "password-123",
                                                                   "display_name": line})
        served_cleanly(await resp.read())
        assert (resp.status == 400) == one_line_refused, (name, resp.status)

        # groups: a name is one line; descriptions and announcements may have lines
        await write(owner, "POST", "/api/groups", {"name": line}, refused=one_line_refused)
        await write(owner, "POST", "/api/groups", {"name": f"hostile 群 {i}", "description": line[:500]},
                    refused=refused and name != "too_long")
        await write(owner, "PATCH", f"/api/groups/{gid}", {"name": line}, refused=one_line_refused)
        await write(owner, "PATCH", f"/api/groups/{gid}", {"description": line}, refused=refused)
        await write(owner, "PATCH", f"/api/groups/{gid}", {"announcement": text}, refused=refused)

        # the group's rules: terms are one line, checked whole; a message still goes afterwards
        await write(owner, "PATCH", f"/api/groups/{gid}/rules",
                    {"words": [{"term": "hostile好词", "category": "custom"}, {"term": part[:64], "category": "custom"}]},
                    refused=one_line_refused and name != "too_long" or (not part[:64].strip()))
        await write(owner, "PATCH", f"/api/groups/{gid}/rules", {"allow": [part[:64]]},
                    refused=one_line_refused and name != "too_long" or (not part[:64].strip()))
        await xiaomei.post(f"/api/conversations/{gconv}/messages", {"text": f"hostile after the rules {i}"})

        # reports and what follows them: a sanction with its reason, the appeal and its decision
        reported = (await aqiang.post(f"/api/conversations/{gconv}/messages", {"text": f"hostile 被举报 {i}"}))
        await write(xiaomei, "POST", f"/api/messages/{reported['message']['id']}/report",
                    {"category": "spam", "note": line[:500]}, refused=refused and name != "too_long")
        target = await people(f"target{i}")
        status, report = await write(xiaomei, "POST", f"/api/users/{target.id}/report",
                                     {"category": "abuse", "note": text}, refused=refused)
        if status == 200:
            cases.append(report["report"]["case_id"])
        status, warned = await write(owner, "POST", f"/api/moderation/users/{aqiang.id}/actions",
                                     {"action": "warn", "reason": line, "group_id": gid}, refused=refused)
        if status != 200:
            warned = await owner.post(f"/api/moderation/users/{aqiang.id}/actions",
                                      {"action": "warn", "reason": "文明发言", "group_id": gid})
        sanction = warned["sanction"]["id"]
        status, _ = await write(aqiang, "POST", f"/api/me/sanctions/{sanction}/appeal", {"text": text},
                                refused=refused)
        if status != 200:
            await aqiang.post(f"/api/me/sanctions/{sanction}/appeal", {"text": "请复核"})
        await write(owner, "POST", f"/api/moderation/appeals/{sanction}/decide",
                    {"decision": "uphold", "reason": text}, refused=refused)
        await write(owner, "POST", "/api/moderation/check", {"text": text, "group_id": gid}, refused=refused)

        # the desk's own texts: canned replies (a one-line title), the shop's policies, a rating
        await write(kefu, "PUT", "/api/support/canned", {"replies": [{"title": line[:40], "text": "您好"}]},
                    refused=one_line_refused and name != "too_long" or (not line[:40].strip()))
        await write(kefu, "PUT", "/api/support/canned", {"replies": [{"title": "问候", "text": line[:1000]}]},
                    refused=refused and name != "too_long")
        await write(admin, "PATCH", "/api/shop/policies", {"policies": {"shipping": line[:1000]}},
                    refused=refused and name != "too_long")
        customer = await people(f"customer{i}")
        rated = (await customer.post("/api/support"))["conversation"]["id"]
        await customer.post(f"/api/support/cases/{rated}/handoff")
        await kefu.post(f"/api/support/cases/{rated}/claim")
        await kefu.post(f"/api/support/cases/{rated}/resolve")
        await write(customer, "POST", f"/api/support/cases/{rated}/rating", {"score": 4, "comment": line[:500]},
                    refused=refused and name != "too_long")
        await read(kefu, f"/api/support/cases/{rated}")

        await read_everything()

    # a query string meets the rule too (invalid UTF-8 in it arrives as U+FFFD): searching never breaks
    for q, status in (("%ED%A0%80", 200), ("%FF", 200), ("%F0%9F%91%8D", 200), ("%00", 400), ("%1B%5B31m", 400)):
        for persona, path in ((xiaomei, "/api/search"), (xiaomei, "/api/groups"), (xiaomei, f"/api/groups/{gid}/members"),
                              (owner, "/api/moderation/audit"), (xiaomei, "/api/products")):
            await read(persona, f"{path}?q={q}", status=status)
    assert len(threads) == 4 + 6 and len(cases) == 6  # titles of the 4 one-line values, first posts of the 6
    assert {status for _, status in write.outcomes} == {200, 400}  # a 422 would be the engine, not the rule
