"""Request payload models (server/transport/payloads.py): strict types, the old checker's error codes
and fields, and payloads that are odd enough to have crashed a server."""
from __future__ import annotations

import inspect
import json

import pytest
from pydantic import BaseModel, ValidationError

from server.errors import DomainError, InvalidPayload
from server.transport import payloads as P
from server.validate import MAX_TEXT, Payload, check_id, text_problem
from tests.conftest import make_group

ID = "0123456789abcdef01234567"


def outcome(fn):
    try:
        fn()
    except DomainError as exc:
        return exc.code, exc.details.get("field")
    return "ok"


# -- the old checker, as the handlers called it, for comparison -------------------------------------------

def old_draft(data):
    p = Payload(data)
    from server.actions.messages.kinds import MESSAGE_TYPES, kind_of
    kind = kind_of(p.choice("type", MESSAGE_TYPES, required=False, default="text"))
    p.str("text", required=kind.text_required, max_len=MAX_TEXT, default="")
    p.str("client_msg_id", required=False, max_len=64, min_len=1)
    payload = p.str("payload", required=False, max_len=300, min_len=2)
    if payload is not None and not payload.startswith("/"):
        raise InvalidPayload("payload must be a quick-reply payload starting with /", field="payload")
    kind.parse(p)
    p.id("reply_to", required=False)


def old_sio_send(data):
    Payload(data).id("conversation_id")
    old_draft(data)


def new_sio_send(data):
    P.parse(P.SioSendMessage, data).draft()


def old_create_group(data):
    p = Payload(data)
    p.str("name", max_len=64)
    p.str("description", required=False, max_len=500, default="")
    p.choice("visibility", ("public", "private", "invite_only"), required=False, default="public")


def old_create_invite(data):
    p = Payload(data)
    p.int("expires_in_hours", required=False, min_value=1, max_value=24 * 365)
    p.int("max_uses", required=False, min_value=1, max_value=100000)


def old_rate(data):
    p = Payload(data)
    skip = p.bool("skip", default=False)
    if not skip:
        p.int("score", min_value=1, max_value=5)
        p.str("comment", required=False, max_len=500, default="")


def old_report_user(data):
    p = Payload(data)
    p.id("group_id", required=False)
    p.str("category", max_len=32)
    p.str("note", required=False, max_len=2000, default="")


def old_act_on_user(data):
    p = Payload(data)
    p.id("group_id", required=False)
    p.str("action", max_len=16)
    p.str("reason", required=False, max_len=2000, default="")
    p.str("rule", required=False, max_len=120, default="")


def old_sync(data):
    cursors = Payload(data).data.get("cursors")
    if not isinstance(cursors, dict) or len(cursors) > 200:
        raise InvalidPayload("cursors", field="cursors")
    for cid, seq in cursors.items():
        check_id(cid, "cursors")
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 0:
            raise InvalidPayload("cursor", field="cursors")


def old_presence_subscribe(data):
    ids = Payload(data).data.get("user_ids")
    if not isinstance(ids, list) or len(ids) > 200:
        raise InvalidPayload("user_ids", field="user_ids")
    for i in ids:
        check_id(i, "user_ids")


def old_update_thread(data):
    p = Payload(data)
    p.bool("pinned")
    p.bool("closed")


def old_history(data):
    p = Payload(data)
    p.id("conversation_id")
    p.int("before", required=False, min_value=0)
    p.int("after", required=False, min_value=0)
    p.int("limit", required=False, min_value=1, max_value=100, default=50)


ODD_VALUES = [None, 42, 5.0, "5", "", "   ", True, False, [], [1], {}, {"a": 1}, "x" * 5000, "a\x00b",
              "bad \ud800", -1, 0, 1, 6, 10**9, ID, "nope", "/start", "start", " " * 70 + "a"]

CASES = [
    # (old, new, a valid payload to vary one key of at a time)
    (old_sio_send, new_sio_send, {"conversation_id": ID, "text": "hi"}, ["conversation_id", "type", "text",
                                                                         "client_msg_id", "payload", "reply_to"]),
    (old_sio_send, new_sio_send, {"conversation_id": ID, "type": "product", "product": {"sku": "SC-TEE"}},
     ["text", "product"]),
    (old_create_group, lambda d: P.parse(P.CreateGroup, d), {"name": "g"}, ["name", "description", "visibility"]),
    (old_create_invite, lambda d: P.parse(P.CreateInvite, d), {}, ["expires_in_hours", "max_uses"]),
    (old_rate, lambda d: P.parse(P.Rate, d), {"score": 3}, ["skip", "score", "comment"]),
    (old_rate, lambda d: P.parse(P.Rate, d), {"skip": True}, ["score", "comment"]),
    (old_report_user, lambda d: P.parse(P.ReportUser, d), {"category": "spam"}, ["group_id", "category", "note"]),
    (old_act_on_user, lambda d: P.parse(P.ActOnUser, d), {"action": "warn"}, ["group_id", "action", "reason",
                                                                              "rule"]),
    (old_sync, lambda d: P.parse(P.SioSync, d), {"cursors": {ID: 0}}, ["cursors"]),
    (old_presence_subscribe, lambda d: P.parse(P.SioPresenceSubscribe, d), {"user_ids": [ID]}, ["user_ids"]),
    (old_update_thread, lambda d: P.parse(P.UpdateThread, d), {}, ["pinned", "closed"]),
    (old_history, lambda d: P.parse(P.SioHistory, d), {"conversation_id": ID}, ["conversation_id", "before",
                                                                                "after", "limit"]),
]


@pytest.mark.parametrize("old,new,base,keys", CASES)
def test_same_answer_as_the_old_checker(old, new, base, keys):
    compared = 0
    for key in keys:
        for value in ODD_VALUES + [{key: value} for value in ODD_VALUES[:4]]:
            data = {**base, key: value}
            assert outcome(lambda: new(data)) == outcome(lambda: old(data)), (key, value)
            compared += 1
    for data in (None, [], "x", 5, {}):
        assert outcome(lambda: new(data)) == outcome(lambda: old(data)), data
    assert compared > 20


def test_more_odd_lists_and_maps():
    for cursors in ({"nope": 1}, {ID: "1"}, {ID: True}, {ID: -1}, {ID: 1.0}, {f"{i:024x}": 0 for i in range(201)},
                    [ID], {ID: None}):
        data = {"cursors": cursors}
        assert outcome(lambda: P.parse(P.SioSync, data)) == outcome(lambda: old_sync(data)), cursors
    for ids in ([ID] * 201, [ID, 7], [None], ID, [ID] * 200):
        data = {"user_ids": ids}
        assert (outcome(lambda: P.parse(P.SioPresenceSubscribe, data))
                == outcome(lambda: old_presence_subscribe(data))), ids
    assert outcome(lambda: P.parse(P.ReadNotifications, {"ids": [ID] * 501})) == ("invalid_payload", "ids")
    assert outcome(lambda: P.parse(P.ReadNotifications, {"ids": ["x"]})) == ("invalid_id", "ids")


@pytest.mark.parametrize("model,data,code,field", [
    (P.MarkRead, {"seq": "5"}, "invalid_payload", "seq"),           # no coercion of "5" to 5
    (P.MarkRead, {"seq": True}, "invalid_payload", "seq"),          # nor of true to 1
    (P.MarkRead, {"seq": 5.5}, "invalid_payload", "seq"),
    (P.MarkRead, {}, "invalid_payload", "seq"),
    (P.EditMessage, {"text": "x" * 4001}, "too_long", "text"),
    (P.EditMessage, {"text": ["x"]}, "invalid_payload", "text"),
    (P.CreateThread, {"title": "t" * 121, "text": "x" * 4001}, "too_long", "title"),   # the first error wins
    (P.CreateThread, {"title": " ", "text": "x"}, "invalid_payload", "title"),
    (P.Titled, {"title": "x\x00"}, "invalid_payload", "title"),
    (P.UpdateProfile, {"bio": "b" * 281}, "too_long", "bio"),
    (P.UpdateAfterSale, {"status": "nope"}, "invalid_payload", "status"),
    (P.UpdateTicket, {}, "invalid_payload", "status"),
    (P.Transfer, {"agent_id": ID.upper()}, "invalid_id", "agent_id"),
    (P.StartPrivate, {"user_id": 7}, "invalid_id", "user_id"),
    (P.Pin, {"message_id": None}, "invalid_payload", "message_id"),
    (P.Appeal, {"text": "t" * 4001}, "too_long", "text"),
    (P.ActOnCase, {"action": "warn", "delete_message": "yes"}, "invalid_payload", "delete_message"),
    (P.CheckText, {"group_id": "g", "text": "x"}, "invalid_id", "group_id"),
    (P.SioPresenceSet, {"status": "busy"}, "invalid_payload", "status"),
    (P.SioTyping, {"conversation_id": ID, "typing": 1}, "invalid_payload", "typing"),
])
def test_bad_input(model, data, code, field):
    assert outcome(lambda: P.parse(model, data)) == (code, field)


def test_what_a_model_keeps():
    assert P.parse(P.CheckText, {"text": "  spaced  "}).text == "  spaced  "  # the rule tester doesn't strip
    assert P.parse(P.EditMessage, {"text": "  spaced  "}).text == "spaced"
    assert P.parse(P.SioTyping, {"conversation_id": ID, "typing": None}).typing is True  # null is absent
    extra = P.parse(P.SendMessage, {"text": "hi", "unknown": {"deep": [1]}, "type": None})
    assert extra.type == "text" and not hasattr(extra, "unknown")
    patch = P.parse(P.RulesPatch, {"new_account_hours": None, "surprise": 1})
    assert patch.raw == {"new_account_hours": None, "surprise": 1}  # the action refuses `surprise`


def _deep(depth: int) -> str:
    return '{"text": "hi", "extra": ' + "[" * depth + "]" * depth + "}"


def test_deep_nesting_in_a_model_is_no_crash():
    nested: dict = {}
    for _ in range(20_000):
        nested = {"x": nested}
    assert P.parse(P.SendMessage, {"text": "hi", "extra": nested}).text == "hi"
    product = {"text": "hi", "type": "product", "product": nested}
    assert outcome(lambda: P.parse(P.SendMessage, product).draft()) == ("invalid_payload", "sku")


# -- over the wire ------------------------------------------------------------------------------------------

async def test_rest_answers_deep_nesting_with_400(people):
    me = await people("deep")
    group = await make_group(me)
    url = f"/api/conversations/{group['conversation_id']}/messages"
    resp = await me.http.post(url, data=_deep(20_000), headers={**me.headers, "Content-Type": "application/json"})
    assert resp.status == 400 and (await resp.json())["error"]["code"] == "invalid_json"
    resp = await me.http.post(url, data=_deep(40), headers={**me.headers, "Content-Type": "application/json"})
    assert resp.status == 400 and (await resp.json())["error"]["code"] == "invalid_json"  # beyond MAX_DEPTH
    resp = await me.http.post(url, data=_deep(30), headers={**me.headers, "Content-Type": "application/json"})
    assert resp.status == 200, await resp.json()  # nested but within the limit: the unknown key is ignored


async def test_rest_errors_name_the_field(people):
    me = await people("fields")
    group = await make_group(me)
    body = await me.post(f"/api/groups/{group['id']}/invites", {"max_uses": "3"}, status=400)
    assert body["error"]["code"] == "invalid_payload" and body["error"]["details"]["field"] == "max_uses"
    body = await me.call("PATCH", f"/api/groups/{group['id']}", {"name": "n" * 65}, status=400)
    assert body["error"]["code"] == "too_long" and body["error"]["details"]["field"] == "name"
    body = await me.post(f"/api/groups/{group['id']}/join", [1, 2], status=400)  # no model, still an object
    assert body["error"]["code"] == "invalid_payload"


async def test_socketio_answers_deep_nesting_and_keeps_the_connection(client, people):
    """A raw Engine.IO websocket, since the Python client can't even encode 20,000 levels."""
    me = await people("deepsock")
    group = await make_group(me)
    async with client.session.ws_connect(client.make_url("/socket.io/?EIO=4&transport=websocket")) as ws:
        assert (await ws.receive_str()).startswith("0")                  # engine.io open
        await ws.send_str("40" + json.dumps({"token": me.token}))
        assert (await ws.receive_str()).startswith("40")                 # socket.io connect
        deep = "[" * 20_000 + "]" * 20_000
        await ws.send_str('421["message:send",{"conversation_id":"%s","text":"hi","x":%s}]'
                          % (group["conversation_id"], deep))
        await ws.send_str('422["message:send",{"conversation_id":"%s","text":5}]' % group["conversation_id"])
        answers = {}
        while 2 not in answers:
            frame = await ws.receive_str()
            if frame == "2":
                await ws.send_str("3")
            elif frame.startswith("43"):
                number = int(frame[2])
                answers[number] = json.loads(frame[3:])[0]
        assert answers[2]["error"] == {"code": "invalid_payload", "message": "text must be a string",
                                       "details": {"field": "text"}}
        while 1 not in answers:
            frame = await ws.receive_str()
            if frame.startswith("43"):
                answers[int(frame[2])] = json.loads(frame[3:])[0]
        # the deep one is refused before parsing (transport/sio_guard.py), with an ack like any refusal
        assert answers[1]["ok"] is False and answers[1]["error"]["code"] == "invalid_payload"


# -- the text rule: one for every text field -----------------------------------------------------------------

@pytest.mark.parametrize("value,lines,problem", [
    ("你好，世界 👍🏽", False, None),
    ("两行\n\t缩进\r\n", True, None),
    ("a\x00b", True, "nul"),
    ("a\ud800b", True, "unicode"),
    ("\udfff", False, "unicode"),
    ("a\x07b", True, "control"),
    ("a\x1bb", True, "control"),
    ("a\x7fb", True, "control"),
    ("a\x85b", True, "control"),             # C1
    ("a\x9bb", True, "control"),
    ("a\nb", False, "line_break"),
    ("a\tb", False, "line_break"),
    ("a\u2028b", False, "line_break"),
    ("  trimmed  \n", False, None),         # white space at the edges is trimmed, not refused
    ("a\u202eb", False, "bidi"),             # an override in a name turns what follows around
    ("a\u2067b", False, "bidi"),
    ("a\u202eb", True, None),                # a longer text may need one
    ("שלום\u200f", False, None),             # the marks stay allowed
    ("e\u0301\u0302\u0303", False, None),    # a few marks on a letter: Vietnamese, IPA
    ("a" + "\u0301" * 9, True, "combining"),  # a Zalgo tower
    ("👩\u200d👩\u200d👧\u200d👦", False, None),
    ("x" * 10_000, True, None),             # the length is the field's own limit, not the rule's
])
def test_the_text_rule(value, lines, problem):
    assert text_problem(value, lines=lines) == problem


def _model_classes():
    return [m for m in vars(P).values()
            if inspect.isclass(m) and issubclass(m, BaseModel) and m.__module__ == P.__name__]


# fields the models leave to their action, and where the action applies the text rule (tests below and in
# test_hostile_text.py): the emoji (check_emoji), a kind's own part (validate.Payload.str), a duration (a
# choice or a number), a picture message's upload ids (validate.Payload.id), the policies, the canned replies and the catalogue aliases (validate.check_text per text)
CHECKED_BY_THE_ACTION = {"emoji", "product", "order", "image", "images", "aliases", "synonyms", "duration", "policies", "replies", "password", "current_password", "new_password", "kind"}


def test_every_text_field_of_every_model_keeps_the_text_rule():
    """A field added later that takes a string without the rule fails here: it either takes no string at
    all (an id, a number, a choice), or refuses a control character itself, or its action does."""
    checked = 0
    for model in _model_classes():
        for field in model.model_fields:
            try:
                model.model_validate({field: "a\x07b"})
                errors = []
            except ValidationError as exc:
                errors = [e["type"] for e in exc.errors(include_url=False) if e["loc"] and e["loc"][0] == field]
            if field in CHECKED_BY_THE_ACTION:
                continue
            assert errors and errors[0] != "string_type", (model.__name__, field)
            checked += errors[0] == "control"
    assert checked > 40


@pytest.mark.parametrize("model,data,field", [
    (P.Titled, {"title": "两\n行"}, "title"),
    (P.Titled, {"title": "\u202egnp.exe"}, "title"),
    (P.UpdateProfile, {"display_name": "客服\u202e"}, "display_name"),
    (P.UpdateProfile, {"bio": "a\x1b[31m"}, "bio"),
    (P.CreateGroup, {"name": "群\t名"}, "name"),
    (P.UpdateGroup, {"announcement": "x\x00"}, "announcement"),
    (P.Report, {"category": "spam", "note": "\ud83d"}, "note"),
    (P.Register, {"username": "abc\n", "password": "password-123"}, "username"),
    (P.Register, {"username": "abc", "password": "pass\ud800word"}, "password"),
    (P.Login, {"username": "abc", "password": "pass\udc00word"}, "password"),
    (P.BotTicket, {"kind": "complaint", "summary": "\x1b"}, "summary"),
    (P.SendMessage, {"text": "e" + "\u0300" * 20}, "text"),
])
def test_hostile_texts_are_refused_naming_the_field(model, data, field):
    code = P.CREDENTIAL_CODES.get(field, "invalid_payload")  # the sign-up form's own codes for its credentials
    assert outcome(lambda: P.parse(model, data)) == (code, field)


def test_what_the_text_rule_lets_through():
    assert P.parse(P.SendMessage, {"text": "第一行\n\t第二行"}).text == "第一行\n\t第二行"
    assert P.parse(P.Titled, {"title": " 标题 \n"}).title == "标题"
    assert P.parse(P.Register, {"username": "abc", "password": "pass\x07word"}).password == "pass\x07word"


async def test_texts_the_actions_check_keep_the_rule_too(people, svc):
    kefu, admin = await people("kefu", role="agent"), await people("boss", role="admin")
    for replies in ([{"title": "问\n候", "text": "您好"}], [{"title": "问候", "text": "您好\x00"}],
                    [{"title": "问候", "text": "\ud800"}]):
        body = await kefu.call("PUT", "/api/support/canned", {"replies": replies}, status=400)
        assert body["error"]["details"]["field"] == "replies"
    await kefu.call("PUT", "/api/support/canned", {"replies": [{"title": "问候", "text": "您好\n有什么可以帮您"}]})
    body = await admin.call("PATCH", "/api/shop/policies", {"policies": {"shipping": "48小时\x1b发货"}}, status=400)
    assert body["error"]["details"]["field"] == "policies"
    me = await people("plain")
    group = await make_group(me)
    body = await me.post(f"/api/conversations/{group['conversation_id']}/messages",
                         {"type": "product", "product": {"sku": "SC\x00TEE"}}, status=400)
    assert body["error"]["details"]["field"] == "sku"
    resp = await me.http.patch(f"/api/groups/{group['id']}/rules", headers=me.headers,
                               data='{"\\ud800": 1}', )
    body = await resp.json()
    assert resp.status == 400 and body["error"]["code"] == "invalid_payload"
