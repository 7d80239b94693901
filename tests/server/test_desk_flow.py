"""联系客服 that tells the truth and the reopen rules: opening only greets, after hours the customer is told
what will happen and it does, one ticket per hand-off, 转人工 or an agent's message reopens a resolved case,
and what the assistant understood travels to the desk (never to the customer)."""
from __future__ import annotations

from server.actions import shop

from .support_helpers import AFTER_HOURS
from .test_support import assign, case_of, client, clock, config, messages, open_support, rasa, say  # noqa: F401


async def test_opening_support_queues_and_tickets_nothing_before_the_customer_writes(people, svc, clock):
    clock._now = AFTER_HOURS
    xiaomei, kefu = await people("xiaomei"), await people("kefu", role="agent")
    conv_id, case = await open_support(xiaomei)
    assert case["state"] == "bot" and case["after_hours"] is False
    assert (await kefu.get("/api/support/queue"))["queue"] == []
    assert (await kefu.get("/api/tickets"))["tickets"] == []
    [greeting] = await messages(xiaomei, conv_id)
    assert "小智" in greeting["text"]


async def test_after_hours_with_nobody_online_one_ticket_and_the_assistant_goes_on_answering(people, svc, clock,
                                                                                             rasa, live):
    clock._now = AFTER_HOURS  # Monday 23:00 in Shanghai: the desk opens Tuesday 09:00
    xiaomei, kefu = await people("xiaomei"), await people("kefu", role="agent")
    conv_id, _ = await open_support(xiaomei)
    case = (await xiaomei.post(f"/api/support/cases/{conv_id}/handoff"))["support"]
    assert case["state"] == "queued" and case["after_hours"] is True
    told = (await messages(xiaomei, conv_id))[-1]["text"]
    assert "明天 09:00" in told and "智能客服小智仍会回答" in told
    [ticket] = (await kefu.get("/api/tickets"))["tickets"]
    assert ticket["number"] in told and ticket["kind"] == "after_hours"
    desk_view = await case_of(kefu, conv_id)
    assert desk_view["ticket_id"] == ticket["id"]
    assert "ticket_id" not in await case_of(xiaomei, conv_id)

    await say(xiaomei, conv_id, "那我先问一下尺码", svc)  # told the assistant still answers: it does
    assert rasa.asked[-1]["message"] == "那我先问一下尺码"
    assert (await messages(xiaomei, conv_id))[-1]["text"] == "收到：那我先问一下尺码"
    rasa.script = lambda text: [{"text": "正在转接"}, {"custom": {"handoff": {"reason": "human_handoff"}}}]
    await say(xiaomei, conv_id, "转人工", svc)
    assert len((await kefu.get("/api/tickets"))["tickets"]) == 1  # already queued: no second hand-off or ticket

    await live(kefu)  # an agent comes online: a human can take it now, the assistant steps back
    asked = len(rasa.asked)
    await say(xiaomei, conv_id, "有人在吗", svc)
    assert len(rasa.asked) == asked
    await kefu.post(f"/api/support/cases/{conv_id}/claim")
    await say(xiaomei, conv_id, "你好", svc)
    assert len(rasa.asked) == asked


async def test_after_hours_with_an_agent_online_the_case_is_queued_without_talk_of_tomorrow(people, svc, clock,
                                                                                            live):
    clock._now = AFTER_HOURS
    xiaomei, kefu = await people("xiaomei"), await people("kefu", role="agent")
    await live(kefu)
    conv_id, _ = await open_support(xiaomei)
    case = (await xiaomei.post(f"/api/support/cases/{conv_id}/handoff"))["support"]
    assert case["state"] == "queued" and case["after_hours"] is False
    told = (await messages(xiaomei, conv_id))[-1]["text"]
    assert "已为您转接人工客服" in told and "明天" not in told and "工单" not in told
    assert (await kefu.get("/api/tickets"))["tickets"] == []


async def test_a_complaint_after_hours_gives_one_ticket_the_assistants(people, svc, clock, rasa):
    clock._now = AFTER_HOURS
    xiaomei, kefu = await people("xiaomei"), await people("kefu", role="agent")
    conv_id, _ = await open_support(xiaomei)
    filed = await shop.check_create_ticket(svc, customer_id=xiaomei.id, conversation_id=conv_id, kind="complaint",
                                           summary="快递员态度很差")  # what the assistant's action files
    rasa.script = lambda text: [{"text": f"已记录您的投诉（工单 #{filed.id[-8:].upper()}）"},
                                {"custom": {"handoff": {"reason": "complaint", "ticket_id": filed.id}}}]
    await say(xiaomei, conv_id, "我要投诉快递员", svc)
    [ticket] = (await kefu.get("/api/tickets"))["tickets"]
    assert ticket["id"] == filed.id and ticket["kind"] == "complaint"
    assert ticket["number"] in (await messages(xiaomei, conv_id))[-1]["text"]
    assert (await case_of(kefu, conv_id))["ticket_id"] == filed.id


async def test_a_ticket_id_that_is_not_the_customers_is_not_taken_for_theirs(people, svc, clock, rasa):
    clock._now = AFTER_HOURS
    xiaomei, aqiang, kefu = await people("xiaomei"), await people("aqiang"), await people("kefu", role="agent")
    conv_id, _ = await open_support(xiaomei)
    other = await shop.check_create_ticket(svc, customer_id=aqiang.id, conversation_id="", kind="complaint",
                                           summary="别人的投诉")
    rasa.script = lambda text: [{"custom": {"handoff": {"reason": "complaint", "ticket_id": other.id}}}]
    await say(xiaomei, conv_id, "投诉", svc)
    case = await case_of(kefu, conv_id)
    assert case["ticket_id"] and case["ticket_id"] != other.id  # an after-hours ticket of her own instead
    assert (await svc.storage.tickets.get(ticket_id=case["ticket_id"])).customer_id == xiaomei.id


async def test_handoff_on_a_resolved_case_reopens_it_for_a_human(people, svc):
    xiaomei, kefu = await people("xiaomei"), await people("kefu", role="agent")
    conv_id, _ = await open_support(xiaomei)
    await assign(xiaomei, kefu, conv_id, resolve=True)
    case = (await xiaomei.post(f"/api/support/cases/{conv_id}/handoff"))["support"]
    assert case["state"] == "queued" and not case["rating_pending"]
    assert [c["conversation_id"] for c in (await kefu.get("/api/support/queue"))["queue"]] == [conv_id]
    assert "已为您转接人工客服" in (await messages(xiaomei, conv_id))[-1]["text"]
    again = (await xiaomei.post(f"/api/support/cases/{conv_id}/handoff"))["support"]
    assert again["state"] == "queued" and again["position"] == 1  # asking twice queues once


async def test_an_agent_writing_into_a_resolved_case_reopens_it_and_says_so(people, svc, live):
    xiaomei, kefu, kefu2 = await people("xiaomei"), await people("kefu", role="agent"), \
        await people("kefu2", role="agent")
    conv_id, _ = await open_support(xiaomei)
    await assign(xiaomei, kefu, conv_id, resolve=True)
    body = await kefu2.post(f"/api/conversations/{conv_id}/messages", {"text": "我来补充"}, status=403)
    assert body["error"]["code"] == "not_assigned"  # not theirs: refused, not silently posted
    watcher = await live(xiaomei)
    await kefu.post(f"/api/conversations/{conv_id}/messages", {"text": "刚才忘了说，运费我们承担"})
    case = await case_of(xiaomei, conv_id)
    assert case["state"] == "assigned" and case["agent_id"] == kefu.id and not case["rating_pending"]
    texts = [m["text"] for m in await messages(xiaomei, conv_id)]
    assert texts[-2:] == ["刚才忘了说，运费我们承担", "人工客服 kefu 重新打开了本次会话，继续为您服务。"]
    await watcher.wait_for("support:updated", lambda d: d["state"] == "assigned")
    await kefu.post(f"/api/support/cases/{conv_id}/resolve")  # and it can be finished again
    assert (await case_of(xiaomei, conv_id))["rating_pending"]


async def test_what_the_assistant_understood_reaches_the_desk_not_the_customer(people, svc, rasa, live):
    xiaomei, kefu = await people("xiaomei"), await people("kefu", role="agent")
    conv_id, _ = await open_support(xiaomei)
    understood = {"intent": "return_request", "form": "return_form", "requested_slot": "return_reason",
                  "slots": {"order_id": "SC20261101001", "sku": "TS-01", "empty": None, "confirm": True,
                            "colors": ["白色", "黑色"], "aftersale_kind": "return"}, "junk": {"x": 1}}
    rasa.script = lambda text: [{"custom": {"handoff": {"reason": "human_handoff", "understood": understood,
                                                        "order_id": "SC20261101001"}}}]
    customer = await live(xiaomei)
    await say(xiaomei, conv_id, "转人工", svc)
    seen = await kefu.get(f"/api/support/cases/{conv_id}")
    assert seen["support"]["understood"] == {"intent": "return_request", "form": "return_form",
                                             "requested_slot": "return_reason",
                                             "slots": {"order_id": "SC20261101001", "sku": "TS-01",
                                                       "confirm": "是", "colors": "白色、黑色",
                                                       "aftersale_kind": "退货"}}
    assert seen["support"]["context"] == {"order_id": "SC20261101001"}  # understood is not flattened into it
    assert "understood" not in await case_of(xiaomei, conv_id)
    update = await customer.wait_for("support:updated", lambda d: d["state"] == "queued")
    assert "understood" not in update and "context" not in update


def test_when_the_desk_opens_next_is_said_as_customers_say_it():
    from datetime import datetime, timezone
    from types import SimpleNamespace

    from server.actions.support.hours import next_opening, say_opening
    from server.policy.hours import BusinessHours
    weekdays = SimpleNamespace(hours=BusinessHours.parse("09:00-21:00", "1-5", "Asia/Shanghai"))
    at = lambda *a: datetime(*a, tzinfo=timezone.utc)  # noqa: E731  (UTC; Shanghai is 8 hours ahead)
    assert say_opening(weekdays, at(2026, 11, 22, 23, 30)) == "今天 09:00"   # Monday 07:30 there
    assert say_opening(weekdays, at(2026, 11, 23, 15, 0)) == "明天 09:00"    # Monday 23:00
    assert say_opening(weekdays, at(2026, 11, 27, 14, 0)) == "周一 09:00"    # Friday 22:00: the weekend is closed
    assert say_opening(weekdays, at(2026, 11, 28, 4, 0)) == "后天 09:00"     # Saturday noon: Monday
    opens = next_opening(weekdays, at(2026, 11, 23, 15, 0))
    assert (opens.isoweekday(), opens.hour, opens.minute) == (2, 9, 0)
    late = SimpleNamespace(hours=BusinessHours.parse("20:00-02:00", "1-7", "Asia/Shanghai"))
    assert say_opening(late, at(2026, 11, 23, 10, 0)) == "今天 20:00"        # 18:00 there
