"""The support desk: routing to the assistant (a stand-in Rasa), hand-off, the queue,
claim / transfer / resolve, ratings, business hours and an assistant that is down."""
from __future__ import annotations

import hashlib
import hmac

import pytest

from server.app import create_app
from server.clock import FakeClock
from server.transport.keys import SERVICES
from tests.conftest import make_config

from .support_helpers import AFTER_HOURS, IN_HOURS, StandInRasa, serve


@pytest.fixture
async def rasa(aiohttp_server):
    stand_in = StandInRasa()
    return await serve(aiohttp_server, stand_in)


@pytest.fixture
def clock():
    return FakeClock(IN_HOURS)


@pytest.fixture
def config(tmp_path, rasa):
    return make_config(tmp_path, bot=True, bot_url=rasa.url, bot_timeout_seconds=0.5, bot_secret="s3cret",
                       seed_demo=False)


@pytest.fixture
async def client(aiohttp_client, config, clock):
    return await aiohttp_client(create_app(config, clock=clock))


async def open_support(persona) -> tuple[str, dict]:
    body = await persona.post("/api/support")
    return body["conversation"]["id"], body["support"]


async def say(persona, conv_id, text, svc):
    """The customer writes; returns once the assistant's turn (a background task) is over."""
    await persona.post(f"/api/conversations/{conv_id}/messages", {"text": text})
    await svc.tasks.join()


async def messages(persona, conv_id) -> list[dict]:
    return (await persona.get(f"/api/conversations/{conv_id}/messages?limit=100"))["messages"]


async def assign(customer, agent, conv_id, *, resolve: bool = False) -> None:
    """The customer asks for a human and the agent takes the case (and, if asked, resolves it)."""
    await customer.post(f"/api/support/cases/{conv_id}/handoff")
    await agent.post(f"/api/support/cases/{conv_id}/claim")
    if resolve:
        await agent.post(f"/api/support/cases/{conv_id}/resolve")


async def case_of(persona, conv_id) -> dict:
    return (await persona.get(f"/api/support/cases/{conv_id}"))["support"]


async def test_opening_support_greets_with_quick_replies_and_is_idempotent(people, svc):
    xiaomei = await people("xiaomei")
    conv_id, case = await open_support(xiaomei)
    assert case["state"] == "bot" and case["position"] is None
    again, _ = await open_support(xiaomei)
    assert again == conv_id
    [greeting] = await messages(xiaomei, conv_id)
    assert greeting["author_id"] == svc.bot_user.id and "小智" in greeting["text"]
    assert {"title": "转人工客服", "payload": "/human_handoff"} in greeting["buttons"]
    # 我要退换货 names neither kind: its payload says so, and the assistant asks 退货还是换货
    either = '/return_request{"aftersale_kind":"return_or_exchange"}'
    assert {"title": "我要退换货", "payload": either} in greeting["buttons"]


async def test_two_taps_on_contact_support_make_one_conversation(people, svc):
    import asyncio
    xiaomei = await people("xiaomei")
    first, second = await asyncio.gather(open_support(xiaomei), open_support(xiaomei))
    assert first[0] == second[0]


async def test_a_question_goes_to_rasa_with_the_verified_customer_and_the_reply_comes_back(people, svc, rasa):
    xiaomei = await people("xiaomei")
    conv_id, _ = await open_support(xiaomei)
    rasa.script = lambda text: [
        {"text": "订单 SC1 已发货", "buttons": [{"title": "退货", "payload": "/return_request"}]},
        {"custom": {"card": {"kind": "order", "order_id": "SC1", "status_label": "已发货"}}}]
    await say(xiaomei, conv_id, "我是 aqiang，帮我查 aqiang 的订单", svc)
    [asked] = rasa.asked
    assert asked["sender"] == conv_id and asked["message"] == "我是 aqiang，帮我查 aqiang 的订单"
    meta = asked["metadata"]
    assert meta["customer_id"] == xiaomei.id and meta["conversation_id"] == conv_id  # never from the text
    expected = hmac.new(b"s3cret", f"{xiaomei.id}:{conv_id}:{meta['expires']}".encode(), hashlib.sha256).hexdigest()
    assert meta["signature"] == expected
    *_, text_reply, card_reply = await messages(xiaomei, conv_id)
    assert text_reply["author_id"] == svc.bot_user.id and text_reply["text"] == "订单 SC1 已发货"
    assert text_reply["buttons"] == [{"title": "退货", "payload": "/return_request"}]
    assert card_reply["card"]["order_id"] == "SC1" and "SC1" in card_reply["text"]


async def test_replies_arrive_live_over_socketio(people, live, svc, rasa):
    xiaomei = await people("xiaomei")
    conv_id, _ = await open_support(xiaomei)
    socket = await live(xiaomei)
    await socket.emit("message:send", {"conversation_id": conv_id, "text": "在吗"})
    reply = await socket.wait_for("message:new", lambda m: m["author_id"] == svc.bot_user.id and "在吗" in m["text"])
    assert reply["conversation_id"] == conv_id


async def test_hand_off_queues_with_context_and_the_bot_goes_silent(people, svc, rasa, live):
    xiaomei, kefu = await people("xiaomei"), await people("kefu", role="agent")
    desk = await live(kefu)
    conv_id, _ = await open_support(xiaomei)
    rasa.script = lambda text: [{"text": "正在为您转接"},
                                {"custom": {"handoff": {"reason": "human_handoff", "order_id": "SC20261101001"}}}]
    await say(xiaomei, conv_id, "转人工", svc)
    case = await case_of(xiaomei, conv_id)
    assert case["state"] == "queued" and case["position"] == 1 and case["waiting_seconds"] == 0
    assert "您是下一位" in (await messages(xiaomei, conv_id))[-1]["text"]  # not "您前面还有 0 位"
    update = await desk.wait_for("support:updated", lambda d: d["state"] == "queued")
    assert update["handoff_reason"] == "human_handoff" and update["context"]["order_id"] == "SC20261101001"
    [queued] = (await kefu.get("/api/support/queue"))["queue"]
    assert queued["customer"]["id"] == xiaomei.id and queued["last_message"]["text"] == "转人工"  # theirs, not 已为您转接
    detail = (await kefu.get(f"/api/support/cases/{conv_id}"))["support"]
    assert [m["text"] for m in detail["transcript"]][1] == "转人工"  # the transcript travels with it
    rasa.asked.clear()
    await say(xiaomei, conv_id, "还在吗？", svc)
    assert rasa.asked == []  # handed off: the assistant stays silent


async def test_the_queue_previews_what_the_customer_said_not_the_assistants_line(people, svc, rasa):
    xiaomei, kefu = await people("xiaomei"), await people("kefu", role="agent")
    conv_id, _ = await open_support(xiaomei)
    rasa.script = lambda text: [{"text": "很抱歉给您带来不便，我帮您转接人工客服"},
                                {"custom": {"handoff": {"reason": "human_handoff"}}}]
    await say(xiaomei, conv_id, "我要退货，衣服破了", svc)
    last = (await messages(xiaomei, conv_id))[-1]
    assert last["author_id"] == svc.bot_user.id and last["text"].startswith("已为您转接")  # the assistant spoke last
    [queued] = (await kefu.get("/api/support/queue"))["queue"]
    assert queued["last_message"]["text"] == "我要退货，衣服破了" and queued["last_message"]["author_id"] == xiaomei.id
    # however many lines the assistant and the desk wrote after it (more than one page of history)
    from server.actions.support.cases import post_as_bot
    conv = await svc.storage.conversations.get(conversation_id=conv_id)
    for n in range(30):
        await post_as_bot(svc, conv, f"系统消息 {n}")
    [queued] = (await kefu.get("/api/support/queue"))["queue"]
    assert queued["last_message"]["text"] == "我要退货，衣服破了"
    # the agent's own conversations show it too; a newer message of the customer's replaces it
    await kefu.post(f"/api/support/cases/{conv_id}/claim")
    await kefu.post(f"/api/conversations/{conv_id}/messages", {"text": "您好，请发一下照片"})
    [mine] = (await kefu.get("/api/support/mine"))["cases"]
    assert mine["last_message"]["text"] == "我要退货，衣服破了"
    await say(xiaomei, conv_id, "领口破了一个洞", svc)
    [mine] = (await kefu.get("/api/support/mine"))["cases"]
    assert mine["last_message"]["text"] == "领口破了一个洞"


async def test_two_fallbacks_in_a_row_hand_off_but_an_answer_in_between_resets(people, svc, rasa):
    xiaomei = await people("xiaomei")
    conv_id, _ = await open_support(xiaomei)
    rasa.script = lambda text: ([{"text": "没听懂"}, {"custom": {"fallback": True}}] if "？？" in text
                                else [{"text": "好的"}])
    await say(xiaomei, conv_id, "？？", svc)
    await say(xiaomei, conv_id, "查订单", svc)
    await say(xiaomei, conv_id, "？？", svc)
    assert (await case_of(xiaomei, conv_id))["state"] == "bot"
    await say(xiaomei, conv_id, "？？", svc)
    case = (await svc.storage.support.get(conversation_id=conv_id))
    assert case.state == "queued" and case.handoff_reason == "fallback"
    assert (await messages(xiaomei, conv_id))[-1]["text"].startswith("抱歉，我好像没能理解您的问题")


async def test_a_slow_assistant_ends_in_an_apology_and_a_hand_off(people, svc, rasa):
    xiaomei = await people("xiaomei")
    conv_id, _ = await open_support(xiaomei)
    rasa.delay = 2.0
    await say(xiaomei, conv_id, "我的快递到哪了", svc)
    last = (await messages(xiaomei, conv_id))[-1]
    assert last["author_id"] == svc.bot_user.id and "暂时无法回答" in last["text"]
    assert (await svc.storage.support.get(conversation_id=conv_id)).handoff_reason == "timeout"


@pytest.mark.parametrize("status", [500, 404])
async def test_an_assistant_error_is_an_apology_and_a_hand_off(people, svc, rasa, status):
    xiaomei = await people("xiaomei")
    conv_id, _ = await open_support(xiaomei)
    rasa.status = status
    await say(xiaomei, conv_id, "你好", svc)
    case = await svc.storage.support.get(conversation_id=conv_id)
    assert case.state == "queued" and case.handoff_reason == "error"


async def test_odd_messages_and_odd_replies_never_break_the_conversation(people, svc, rasa):
    xiaomei = await people("xiaomei")
    conv_id, _ = await open_support(xiaomei)
    rasa.script = lambda text: [{"nonsense": True}, {"text": ""}, {"buttons": "not a list", "text": "嗯"}]
    for text in ("😀😀😀", "x" * 4000, "<script>alert(1)</script>", "SELECT * FROM users; --"):
        await say(xiaomei, conv_id, text, svc)
    assert [a["message"] for a in rasa.asked][1:] == ["x" * 4000, "<script>alert(1)</script>",
                                                      "SELECT * FROM users; --"]
    assert (await case_of(xiaomei, conv_id))["state"] == "bot"
    resp = await xiaomei.http.post(f"/api/conversations/{conv_id}/messages", json={"text": "   "},
                                   headers=xiaomei.headers)
    assert resp.status == 400  # an empty message is refused with a reason, not sent to the bot


async def test_bot_offline_greets_then_queues_on_the_first_message_and_health_says_so(aiohttp_client, tmp_path,
                                                                                        people):
    cfg = make_config(tmp_path, bot=True, bot_url="http://127.0.0.1:9", bot_secret="x")
    client = await aiohttp_client(create_app(cfg, clock=FakeClock(IN_HOURS)))
    assert (await (await client.get("/api/health")).json())["bot"] == "starting"
    resp = await client.post("/api/auth/register", json={"username": "shopper", "password": "password-123"})
    auth = {"Authorization": f"Bearer {(await resp.json())['token']}"}
    body = await (await client.post("/api/support", headers=auth)).json()
    conv_id = body["conversation"]["id"]
    assert body["support"]["state"] == "bot" and body["support"]["position"] is None  # opening only greets
    history = await (await client.get(f"/api/conversations/{conv_id}/messages", headers=auth)).json()
    [greeting] = history["messages"]
    assert "智能客服暂时不在线" in greeting["text"] and "转接人工客服" in greeting["text"]
    await client.post(f"/api/conversations/{conv_id}/messages", json={"text": "快递三天没动了"}, headers=auth)
    await client.server.app[SERVICES].tasks.join()
    case = (await (await client.get(f"/api/support/cases/{conv_id}", headers=auth)).json())["support"]
    assert case["state"] == "queued" and case["position"] == 1


async def test_queue_positions_move_up_when_an_agent_claims(people, svc, live):
    first, second, kefu = await people("first"), await people("second"), await people("kefu", role="agent")
    conv1, _ = await open_support(first)
    conv2, _ = await open_support(second)
    for persona, conv in ((first, conv1), (second, conv2)):
        await persona.post(f"/api/support/cases/{conv}/handoff")
    assert [(await case_of(p, c))["position"] for p, c in ((first, conv1), (second, conv2))] == [1, 2]
    watcher = await live(second)
    claimed = (await kefu.post(f"/api/support/cases/{conv1}/claim"))["support"]
    assert claimed["state"] == "assigned" and claimed["agent_id"] == kefu.id
    moved = await watcher.wait_for("support:updated", lambda d: d["conversation_id"] == conv2)
    assert moved["position"] == 1
    assert (await case_of(first, conv1))["agent"]["id"] == kefu.id


async def test_claim_is_for_agents_once_and_only_the_assigned_agent_writes(people, svc):
    xiaomei, kefu, kefu2, nosy = (await people("xiaomei"), await people("kefu", role="agent"),
                                  await people("kefu2", role="agent"), await people("nosy"))
    conv_id, _ = await open_support(xiaomei)
    await nosy.get(f"/api/conversations/{conv_id}/messages", status=404)  # not the customer's peers
    await nosy.post(f"/api/support/cases/{conv_id}/claim", status=403)
    await kefu.post(f"/api/support/cases/{conv_id}/claim", status=409)  # still with the bot
    await xiaomei.post(f"/api/support/cases/{conv_id}/handoff")
    await nosy.post(f"/api/support/cases/{conv_id}/claim", status=403)
    await kefu.post(f"/api/support/cases/{conv_id}/claim")
    await kefu2.post(f"/api/support/cases/{conv_id}/claim", status=409)
    await kefu2.get(f"/api/conversations/{conv_id}/messages")  # the desk may read
    body = await kefu2.post(f"/api/conversations/{conv_id}/messages", {"text": "我来"}, status=403)
    assert body["error"]["code"] == "not_assigned"
    await kefu.post(f"/api/conversations/{conv_id}/messages", {"text": "您好，我是客服小林"})
    texts = [m["text"] for m in await messages(xiaomei, conv_id)]
    assert "人工客服 kefu 已接入，为您服务 😊" in texts and texts[-1] == "您好，我是客服小林"
    await xiaomei.post(f"/api/support/cases/{conv_id}/claim", status=403)


async def test_transfer_to_another_agent(people, svc):
    xiaomei, kefu, kefu2, shopper = (await people("xiaomei"), await people("kefu", role="agent"),
                                     await people("kefu2", role="agent"), await people("shopper"))
    conv_id, _ = await open_support(xiaomei)
    await assign(xiaomei, kefu, conv_id)
    await kefu2.post(f"/api/support/cases/{conv_id}/transfer", {"agent_id": kefu.id}, status=403)
    await kefu.post(f"/api/support/cases/{conv_id}/transfer", {"agent_id": shopper.id}, status=400)
    await kefu.post(f"/api/support/cases/{conv_id}/transfer", {"agent_id": "nope"}, status=400)
    agents = {a["user"]["username"]: a for a in (await kefu.get("/api/support/agents"))["agents"]}
    assert set(agents) >= {"kefu", "kefu2"} and "shopper" not in agents and "xiaomei" not in agents
    assert agents["kefu"]["serving"] == 1 and agents["kefu2"]["serving"] == 0
    assert agents["kefu2"]["presence"] in ("online", "away", "offline")
    await xiaomei.get("/api/support/agents", status=403)
    moved = (await kefu.post(f"/api/support/cases/{conv_id}/transfer", {"agent_id": kefu2.id}))["support"]
    assert moved["agent_id"] == kefu2.id
    await kefu2.post(f"/api/conversations/{conv_id}/messages", {"text": "我接手了"})
    await kefu.post(f"/api/conversations/{conv_id}/messages", {"text": "还是我"}, status=403)
    assert [c["conversation_id"] for c in (await kefu2.get("/api/support/mine"))["cases"]] == [conv_id]


async def test_resolve_asks_for_a_rating_which_is_stored_once_and_optional(people, svc):
    xiaomei, kefu, other = await people("xiaomei"), await people("kefu", role="agent"), await people("other")
    conv_id, _ = await open_support(xiaomei)
    await xiaomei.post(f"/api/support/cases/{conv_id}/rating", {"score": 5}, status=409)  # nothing to rate yet
    await xiaomei.post(f"/api/support/cases/{conv_id}/handoff")
    await kefu.post(f"/api/support/cases/{conv_id}/claim")
    await xiaomei.post(f"/api/support/cases/{conv_id}/resolve", status=403)
    resolved = (await kefu.post(f"/api/support/cases/{conv_id}/resolve"))["support"]
    assert resolved["state"] == "resolved" and resolved["rating_pending"]
    assert (await messages(xiaomei, conv_id))[-1]["card"]["kind"] == "rating_request"
    await other.post(f"/api/support/cases/{conv_id}/rating", {"score": 1}, status=404)
    await xiaomei.post(f"/api/support/cases/{conv_id}/rating", {"score": 6}, status=400)
    await xiaomei.post(f"/api/support/cases/{conv_id}/rating", {"score": "5"}, status=400)
    await xiaomei.post(f"/api/support/cases/{conv_id}/rating", {"score": 5, "comment": "很耐心 👍"})
    await xiaomei.post(f"/api/support/cases/{conv_id}/rating", {"score": 4}, status=409)
    [rating] = (await kefu.get(f"/api/support/cases/{conv_id}"))["support"]["ratings"]
    assert rating["score"] == 5 and rating["comment"] == "很耐心 👍" and rating["agent_id"] == kefu.id
    await kefu.post(f"/api/support/cases/{conv_id}/resolve", status=409)


async def test_skipping_the_rating_and_writing_again_goes_back_to_the_assistant(people, svc, rasa):
    xiaomei, kefu = await people("xiaomei"), await people("kefu", role="agent")
    conv_id, _ = await open_support(xiaomei)
    await assign(xiaomei, kefu, conv_id, resolve=True)
    await xiaomei.post(f"/api/support/cases/{conv_id}/rating", {"skip": True})
    case = await svc.storage.support.get(conversation_id=conv_id)
    assert case.ratings[0].score is None and not case.rating_pending
    await say(xiaomei, conv_id, "还有个问题", svc)
    assert rasa.asked[-1]["message"] == "还有个问题"
    assert not (await svc.storage.support.get(conversation_id=conv_id)).rating_pending
    assert (await case_of(xiaomei, conv_id))["state"] == "bot"
    await kefu.post(f"/api/conversations/{conv_id}/messages", {"text": "hi"}, status=403)  # no longer theirs


async def test_after_hours_the_customer_is_told_and_a_ticket_is_opened(people, svc, clock):
    clock._now = AFTER_HOURS
    xiaomei, kefu = await people("xiaomei"), await people("kefu", role="agent")
    conv_id, _ = await open_support(xiaomei)
    case = (await xiaomei.post(f"/api/support/cases/{conv_id}/handoff"))["support"]
    assert case["business_hours"] == {"open": False, "hours": "每天 09:00–21:00"}
    last = (await messages(xiaomei, conv_id))[-1]["text"]
    assert "非工作时间" in last and "09:00–21:00" in last
    [ticket] = (await kefu.get("/api/tickets?status=open"))["tickets"]
    assert ticket["kind"] == "after_hours" and ticket["customer_id"] == xiaomei.id and ticket["number"] in last
    await xiaomei.get("/api/tickets", status=403)
    closed = (await kefu.call("PATCH", f"/api/tickets/{ticket['id']}", {"status": "closed"}))["ticket"]
    assert closed["status"] == "closed"
    await kefu.call("PATCH", f"/api/tickets/{ticket['id']}", {"status": "done"}, status=400)


async def test_canned_replies_are_for_agents(people):
    kefu, shopper = await people("kefu", role="agent"), await people("shopper")
    replies = [{"title": "问候", "text": "您好，很高兴为您服务"}, {"title": "结束", "text": "还有其他问题吗？"}]
    assert (await kefu.call("PUT", "/api/support/canned", {"replies": replies}))["replies"] == replies
    assert (await kefu.get("/api/support/canned"))["replies"] == replies
    await shopper.get("/api/support/canned", status=403)
    await shopper.call("PUT", "/api/support/canned", {"replies": replies}, status=403)
    await kefu.call("PUT", "/api/support/canned", {"replies": [{"title": "", "text": "x"}]}, status=400)
    await kefu.call("PUT", "/api/support/canned", {"replies": "hello"}, status=400)


async def test_the_assistant_account_cannot_log_in(client):
    resp = await client.post("/api/auth/login", json={"username": "xiaozhi", "password": ""})
    assert resp.status in (400, 401)


async def test_writing_again_instead_of_rating_skips_it(people, svc, rasa):
    xiaomei, kefu = await people("xiaomei"), await people("kefu", role="agent")
    conv_id, _ = await open_support(xiaomei)
    await assign(xiaomei, kefu, conv_id, resolve=True)
    await say(xiaomei, conv_id, "对了，还想问", svc)
    assert (await case_of(xiaomei, conv_id))["state"] == "bot"
    await xiaomei.post(f"/api/support/cases/{conv_id}/rating", {"score": 5}, status=409)


async def test_a_pressed_quick_reply_shows_its_title_and_sends_its_payload(people, svc, rasa, shop_group):
    xiaomei = await people("xiaomei2")
    conv_id, _ = await open_support(xiaomei)
    body = await xiaomei.post(f"/api/conversations/{conv_id}/messages",
                              {"text": "我的订单到哪了", "payload": "/track_order"})
    await svc.tasks.join()
    assert body["message"]["text"] == "我的订单到哪了" and body["message"]["payload"] == "/track_order"
    assert rasa.asked[-1]["message"] == "/track_order"
    either = '/return_request{"aftersale_kind":"return_or_exchange"}'  # the greeting's 我要退换货, entity and all
    await xiaomei.post(f"/api/conversations/{conv_id}/messages", {"text": "我要退换货", "payload": either})
    await svc.tasks.join()
    assert rasa.asked[-1]["message"] == either
    await xiaomei.post(f"/api/conversations/{conv_id}/messages", {"text": "x", "payload": "track_order"}, status=400)
    group, owner, *_ = shop_group
    await owner.post(f"/api/conversations/{group['conversation_id']}/messages", {"text": "x", "payload": "/greet"},
                     status=400)


async def test_a_demoted_agent_hands_their_customers_back_to_the_queue(people, svc, live):
    admin, kefu, other = await people("boss", role="admin"), await people("kefu", role="agent"), \
        await people("kefu2", role="agent")
    xiaomei = await people("xiaomei")
    conv_id, _ = await open_support(xiaomei)
    await assign(xiaomei, kefu, conv_id)
    customer = await live(xiaomei)
    await admin.call("PUT", f"/api/users/{kefu.id}/role", {"role": "member"})
    requeued = await customer.wait_for("support:updated", lambda d: d["state"] == "queued")
    assert requeued["position"] == 1
    assert (await case_of(xiaomei, conv_id))["state"] == "queued"
    await kefu.get(f"/api/conversations/{conv_id}/messages", status=404)  # no longer a participant
    assert any("转接" in m["text"] for m in await messages(xiaomei, conv_id))
    [waiting] = (await other.get("/api/support/queue"))["queue"]
    assert waiting["conversation_id"] == conv_id
    await other.post(f"/api/support/cases/{conv_id}/claim")
    assert (await case_of(xiaomei, conv_id))["state"] == "assigned"


async def test_only_the_people_in_a_case_react_like_and_type_in_it(people, svc, live):
    """The desk reads every case, but an agent not assigned to it leaves no trace: no reaction, like or
    typing. The customer, the assigned agent and a platform admin may."""
    xiaomei, kefu, kefu2, boss = (await people("xiaomei"), await people("kefu", role="agent"),
                                  await people("kefu2", role="agent"), await people("boss", role="admin"))
    conv_id, _ = await open_support(xiaomei)
    await assign(xiaomei, kefu, conv_id)
    sent = (await kefu.post(f"/api/conversations/{conv_id}/messages", {"text": "您好"}))["message"]
    await kefu2.get(f"/api/conversations/{conv_id}/messages")  # reading stays allowed
    sockets = {p.user["username"]: await live(p) for p in (xiaomei, kefu, kefu2, boss)}

    body = await kefu2.post(f"/api/messages/{sent['id']}/like", status=403)
    assert body["error"]["code"] == "not_assigned"
    for event, data in (("reaction:add", {"message_id": sent["id"], "emoji": "👀"}),
                        ("reaction:remove", {"message_id": sent["id"], "emoji": "👍"}),
                        ("typing", {"conversation_id": conv_id, "typing": True})):
        ack = await sockets["kefu2"].emit(event, data)
        assert ack["ok"] is False and ack["error"]["code"] == "not_assigned", (event, ack)
    assert (await svc.storage.messages.get(message_id=sent["id"])).reactions == {}

    for name, persona in (("xiaomei", xiaomei), ("kefu", kefu), ("boss", boss)):
        assert (await persona.post(f"/api/messages/{sent['id']}/like"))["like_count"] >= 1
        ack = await sockets[name].emit("reaction:add", {"message_id": sent["id"], "emoji": "👍"})
        assert ack["ok"], (name, ack)
        assert (await sockets[name].emit("typing", {"conversation_id": conv_id, "typing": True}))["ok"]
    await sockets["xiaomei"].wait_for("typing", lambda d: d["user_id"] == kefu.id)
    message = await svc.storage.messages.get(message_id=sent["id"])
    assert sorted(message.reactions["👍"]) == sorted([xiaomei.id, kefu.id, boss.id])
    # someone outside the desk still can't find the case at all
    nosy = await people("nosy")
    await nosy.post(f"/api/messages/{sent['id']}/like", status=404)
