"""The conversations runner (scripts/bot_conversations.py): its expectation matcher and file checks
(always), and a short run against the real Rasa and action server (SHOPCHAT_BOT_E2E=1) of conversations
that hold on main, plus one planted wrong expectation that it must report."""
from __future__ import annotations

import json
import os

import pytest
import yaml

from scripts import bot_conversations as bc

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
needs_rasa = pytest.mark.skipif(not os.environ.get("SHOPCHAT_BOT_E2E"),
                                reason="needs the assistant's environment: make bot-e2e (make test runs it)")


def expect(**raw) -> dict:
    return bc.check_expect(raw, "test")


def seen(*replies, filed=(), tickets=(), state="bot", problems=()) -> bc.Observed:
    return bc.Observed(replies=list(replies), filed=list(filed), tickets=list(tickets), state=state,
                       problems=list(problems))


RETURN = {"id": "a1", "kind": "return", "status": "pending", "order_id": "SC20261115002", "sku": "SC-SERUM-04",
          "reason": "买多了用不完", "exchange_detail": ""}
EXCHANGE = {"id": "a2", "kind": "exchange", "status": "pending", "order_id": "SC20261101001", "sku": "SC-HOODIE-01",
            "reason": "偏小", "exchange_detail": "黑色 XL"}


# -- the matcher -------------------------------------------------------------------------------------

def test_reply_regex_must_match_some_reply_and_button_titles_count():
    e = expect(reply="请问是哪个订单")
    assert bc.judge(e, seen("您好", "请问是哪个订单？\n[SC20261101001（已发货）]")) == []
    assert bc.judge(expect(reply=r"SC20261101001（已发货）"), seen("请问是哪个订单？\n[SC20261101001（已发货）]")) == []
    [why] = bc.judge(e, seen("抱歉，我没太明白您的意思"))
    assert "does not match" in why
    assert bc.judge(e, seen()) != []  # no reply at all is wrong too


def test_a_list_of_replies_needs_every_one():
    e = expect(reply=["199", "48 ?小时"])
    assert bc.judge(e, seen("卫衣 ¥199.00", "48 小时内发货")) == []
    assert len(bc.judge(e, seen("卫衣 ¥199.00"))) == 1


def test_not_reply_fails_on_any_match_and_says_what_matched():
    e = expect(not_reply=["没有找到", "没太明白"])
    assert bc.judge(e, seen("降噪蓝牙耳机 Air Pro：¥299.00")) == []
    [why] = bc.judge(e, seen("没有找到“保温杯”这件商品"))
    assert "没有找到" in why


def test_filed_matches_exact_ids_any_case_and_text_fields_by_regex():
    e = expect(filed={"kind": "return", "order_id": "sc20261115002", "sku": "SC-SERUM-04", "reason": "买多了"})
    assert bc.judge(e, seen(filed=[RETURN])) == []
    assert bc.judge(e, seen(filed=[{**RETURN, "sku": "SC-EARBUDS-02"}])) != []   # the wrong item
    assert bc.judge(e, seen(filed=[{**RETURN, "kind": "cancel"}])) != []         # the wrong kind
    assert bc.judge(e, seen(filed=[{**RETURN, "reason": "不对，是精华液"}])) != []  # the correction saved as reason
    [why] = bc.judge(e, seen(filed=[]))
    assert "got none" in why


def test_kind_is_exact_not_a_pattern():
    assert bc.judge(expect(filed={"kind": "ret"}), seen(filed=[RETURN])) != []


def test_exchange_detail_regex_tells_l_from_xl():
    e = expect(filed={"kind": "exchange", "exchange_detail": "(^|[^X])L"})
    assert bc.judge(e, seen(filed=[{**EXCHANGE, "exchange_detail": "黑色 L"}])) == []
    assert bc.judge(e, seen(filed=[EXCHANGE])) != []


def test_filed_none_means_nothing_new():
    e = expect(filed="none")
    assert bc.judge(e, seen("好的")) == []
    [why] = bc.judge(e, seen("已为您提交", filed=[RETURN]))
    assert "no new" in why


def test_a_list_of_filed_needs_one_request_each():
    e = expect(filed=[{"kind": "return"}, {"kind": "return"}])
    assert bc.judge(e, seen(filed=[RETURN])) != []
    assert bc.judge(e, seen(filed=[RETURN, {**RETURN, "id": "a3"}])) == []
    assert bc.judge(expect(filed=[{"kind": "return"}, {"kind": "exchange"}]), seen(filed=[EXCHANGE, RETURN])) == []


def test_ticket_kind_and_none():
    complaint = {"id": "t1", "kind": "complaint", "status": "open", "summary": "态度太差", "order_id": None}
    assert bc.judge(expect(ticket={"kind": "complaint"}), seen(tickets=[complaint])) == []
    assert bc.judge(expect(ticket={"kind": "follow_up"}), seen(tickets=[complaint])) != []
    assert bc.judge(expect(ticket={"kind": "complaint", "summary": "态度"}), seen(tickets=[complaint])) == []
    assert bc.judge(expect(ticket="none"), seen()) == []
    assert bc.judge(expect(ticket="none"), seen(tickets=[complaint])) != []


@pytest.mark.parametrize("state,handed", [("bot", False), ("queued", True), ("assigned", True), ("resolved", False)])
def test_handoff_reads_the_case_state(state, handed):
    assert (bc.judge(expect(handoff=True), seen(state=state)) == []) is handed
    assert (bc.judge(expect(handoff=False), seen(state=state)) == []) is not handed


def test_the_runners_own_problems_make_the_turn_wrong():
    assert bc.judge({}, seen("您好")) == []
    assert bc.judge({}, seen("您好", problems=["no offered button with '确认'"])) == ["no offered button with '确认'"]


def test_find_button_takes_the_newest_offer_by_title_or_payload():
    bot = "bot"
    history = [
        {"author_id": bot, "buttons": [{"title": "确认提交", "payload": "/affirm"}]},
        {"author_id": "me", "buttons": [{"title": "确认 (not the assistant's)", "payload": "/x"}]},
        {"author_id": bot, "buttons": [{"title": "SC20261115002（已签收）", "payload": '/track_order{"order_id":"SC20261115002"}'},
                                       {"title": "确认提交", "payload": "/affirm_new"}]},
    ]
    assert bc.find_button(history, bot, "确认")["payload"] == "/affirm_new"
    assert bc.find_button(history, bot, '"order_id":"SC20261115002"')["title"].startswith("SC20261115002")
    assert bc.find_button(history, bot, "取消") is None
    # only what is on offer since the customer last wrote: not the first message's button
    assert bc.find_button(history, bot, "确认提交")["payload"] == "/affirm_new"
    assert bc.find_button(history[:2], bot, "确认") is None
    assert bc.find_button(history + [{"author_id": "me", "text": "好"}], bot, "确认") is None


def test_what_the_customer_sees_is_text_and_button_titles():
    assert bc.shown({"text": "请确认", "buttons": [{"title": "确认提交", "payload": "/affirm"}]}) == "请确认\n[确认提交]"


def test_floor_and_exit_code():
    turn = bc.Turn(1, "你好", None, {})
    report = bc.Report(turns_total=4)
    report.results["a"] = [bc.TurnResult(turn, seen(), [], 0.1) for _ in range(3)]
    assert report.right == 3 and report.score == 0.75
    assert bc.exit_code(report, 0.75) == 0 and bc.exit_code(report, 0.8) == 1
    report.errors["b"] = "could not start"  # its turns count, all wrong
    assert bc.exit_code(report, 0.0) == 0
    out = json.loads(json.dumps(bc.as_json(report, "f.yml", 1.0)))
    assert (out["right"], out["turns"], out["score"], out["errors"]) == (3, 4, 0.75, {"b": "could not start"})
    assert [t["right"] for t in out["conversations"][0]["turns"]] == [True, True, True]


# -- the file format ---------------------------------------------------------------------------------

def parse(conversations) -> list[bc.Conversation]:
    return bc.parse({"conversations": conversations}, customers={"xiaomei", "aqiang", "lily"})


GOOD = {"name": "a", "customer": "xiaomei", "turns": [{"user": "你好", "expect": {"reply": "您好"}}]}


@pytest.mark.parametrize("broken,fragment", [
    ({**GOOD, "turns": [{"user": "你好", "expect": {"replies": "您好"}}]}, "unknown expectation"),
    ({**GOOD, "turns": [{"user": "你好", "press": "确认"}]}, "exactly one of"),
    ({**GOOD, "turns": [{"expect": {}}]}, "exactly one of"),
    ({**GOOD, "turns": []}, "non-empty turns"),
    ({**GOOD, "customer": "kefu"}, "customer must be"),
    ({**GOOD, "turns": [{"user": "你好", "expect": {"reply": "("}}]}, "bad regex"),
    ({**GOOD, "turns": [{"user": "你好", "expect": {"filed": {"sku_id": "X"}}}]}, "unknown field"),
    ({**GOOD, "turns": [{"user": "你好", "expect": {"handoff": "yes"}}]}, "true or false"),
    ({**GOOD, "colour": "red"}, "unknown key"),
])
def test_malformed_files_are_refused_with_where(broken, fragment):
    with pytest.raises(bc.FormatError, match=fragment):
        parse([broken])


def test_names_are_unique_and_new_customers_allowed():
    with pytest.raises(bc.FormatError, match="used twice"):
        parse([GOOD, GOOD])
    [conv] = parse([{**GOOD, "customer": "new", "turns": [{"user": 20261101001}, {"press": "确认"}]}])
    assert conv.customer == "new" and conv.turns[0].user == "20261101001" and conv.turns[1].press == "确认"
    assert conv.turns[1].said == "[按钮] 确认"


def test_the_development_set_is_well_formed():
    conversations = bc.load(os.path.join(ROOT, "bot", "tests", "conversations.yml"))
    assert len(conversations) >= 20 and sum(len(c.turns) for c in conversations) >= 80
    assert {c.customer for c in conversations} >= {"xiaomei", "aqiang", "lily", "new"}


# -- against the real assistant --------------------------------------------------------------------------

SMOKE = """
conversations:
  - name: greet and track
    customer: xiaomei
    turns:
      - user: 你好
        expect: {reply: "您好", handoff: false}
      - user: 我的订单SC20261101001到哪了
        expect: {reply: ["SC20261101001", "派送"], not_reply: "没有找到", filed: none}
      - user: 随便说点什么
        note: planted, the runner must report this turn wrong
        expect: {reply: "这句话不会出现在任何回复里"}
  - name: cancel the unshipped order
    customer: xiaomei
    turns:
      - user: 帮我取消订单SC20261120003
        note: a cancel is shown and asked first, and filed only on a yes
        expect: {filed: none, reply: "确认取消"}
      - press: 确认取消
        expect: {filed: {kind: cancel, order_id: SC20261120003}, reply: "取消申请"}
  - name: complaint goes to a human
    customer: aqiang
    turns:
      - user: 你们客服态度太差了，我要投诉
        expect: {ticket: {kind: complaint}, handoff: true, reply: "投诉"}
"""


@needs_rasa
@pytest.mark.timeout(900)
async def test_the_runner_plays_conversations_against_the_real_assistant(tmp_path):
    conversations = bc.parse(yaml.safe_load(SMOKE))
    report = await bc.run(conversations, log_dir=str(tmp_path / "logs"), echo=False)
    assert report.errors == {}
    assert report.turns_total == 6
    wrong = [(name, r.turn.index) for name, r in report.wrong_turns()]
    assert wrong == [("greet and track", 3)], [(n, r.turn.said, r.wrong, r.observed.text) for n, r in
                                                report.wrong_turns()]
    [planted] = [r for _, r in report.wrong_turns()]
    assert planted.observed.replies  # the assistant did answer; only the planted expectation failed
    assert report.right == 5 and bc.exit_code(report, 0.8) == 0 and bc.exit_code(report, 0.9) == 1
    asked, cancel = report.results["cancel the unshipped order"]
    assert asked.observed.filed == []
    assert [(a["kind"], a["order_id"]) for a in cancel.observed.filed] == [("cancel", "SC20261120003")]
    [complaint] = report.results["complaint goes to a human"]
    assert complaint.observed.state == "queued" and [t["kind"] for t in complaint.observed.tickets] == ["complaint"]
