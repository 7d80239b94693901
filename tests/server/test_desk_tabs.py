"""The desk as agents expect it: the whole story beside the conversation (after-sales requests, tickets,
earlier rounds, what the assistant understood), internal notes that never reach the customer (REST,
Socket.IO, sync, search), per-customer notes and labels, the after-sales and ticket tabs (approve / reject
with a reason, a resolution posted to the customer, then a rating) and the service figures (JSON and CSV)."""
from __future__ import annotations

import asyncio
import csv
import io
from datetime import timedelta

import pytest

from server.actions import shop
from server.domain.shop import Order

from .support_helpers import IN_HOURS
from .test_support import assign, case_of, client, clock, config, messages, open_support, rasa, say  # noqa: F401


async def an_order(svc, customer_id, order_id="SC20261101001", status="delivered"):
    await svc.storage.orders.put(Order(id=order_id, customer_id=customer_id, status=status, total="199.00",
                                       items=[{"sku": "TS-01", "title": "纯棉T恤", "size": "M", "color": "白色",
                                               "qty": 1, "price": "199.00"}],
                                       created_at=IN_HOURS - timedelta(days=3)))


async def test_the_desk_sees_the_whole_story_beside_the_conversation(people, svc, rasa):
    xiaomei, kefu = await people("xiaomei"), await people("kefu", role="agent")
    conv_id, _ = await open_support(xiaomei)
    await an_order(svc, xiaomei.id)
    await say(xiaomei, conv_id, "你好", svc)  # a first round, finished with a human
    await assign(xiaomei, kefu, conv_id, resolve=True)
    request, _ = await shop.check_create_aftersale(svc, customer_id=xiaomei.id, conversation_id=conv_id,
                                                   kind="return", order_id="SC20261101001", reason="尺码不合适")
    ticket = await shop.check_create_ticket(svc, customer_id=xiaomei.id, conversation_id=conv_id, kind="complaint",
                                            summary="快递太慢")
    await say(xiaomei, conv_id, "我又来了", svc)  # a second round
    await xiaomei.post(f"/api/support/cases/{conv_id}/handoff")
    detail = (await kefu.get(f"/api/support/cases/{conv_id}"))["support"]
    assert [(a["id"], a["status"], a["status_label"]) for a in detail["aftersales"]] == \
        [(request.id, "pending", "待审核")]
    assert [(t["id"], t["status"]) for t in detail["tickets"]] == [(ticket.id, "open")]
    [earlier] = detail["earlier"]
    assert earlier["handed_off"] and earlier["reason"] == "customer_request" and earlier["agent_id"] == kefu.id
    assert earlier["resolved_at"] is not None
    for key in ("aftersales", "tickets", "earlier", "notes", "profile", "understood"):
        assert key not in await case_of(xiaomei, conv_id)  # the customer's own view has none of it


async def test_internal_notes_never_reach_the_customer_rest_socket_sync_search(people, svc, live):
    xiaomei, kefu, kefu2 = await people("xiaomei"), await people("kefu", role="agent"), \
        await people("kefu2", role="agent")
    conv_id, _ = await open_support(xiaomei)
    await assign(xiaomei, kefu, conv_id)
    await kefu.post(f"/api/conversations/{conv_id}/messages", {"text": "您好，我看一下"})
    customer, desk = await live(xiaomei), await live(kefu2)
    secret = "顾客语气激动优先处理"
    note = (await kefu.post(f"/api/support/cases/{conv_id}/notes", {"text": secret}))["note"]
    assert note["author_id"] == kefu.id and note["text"] == secret
    # agents: REST, the case view, the desk's socket, the desk's search
    assert [n["text"] for n in (await kefu2.get(f"/api/support/cases/{conv_id}/notes"))["notes"]] == [secret]
    assert [n["text"] for n in (await kefu2.get(f"/api/support/cases/{conv_id}"))["support"]["notes"]] == [secret]
    pushed = await desk.wait_for("support:note", lambda d: d["id"] == note["id"])
    assert pushed["text"] == secret
    assert [n["id"] for n in (await kefu2.get("/api/support/notes?q=语气激动"))["notes"]] == [note["id"]]
    # the customer: not over REST, not in the history, not on the socket, not in sync, not in search
    body = await xiaomei.get(f"/api/support/cases/{conv_id}/notes", status=403)
    assert body["error"]["code"] == "not_agent"
    await xiaomei.post(f"/api/support/cases/{conv_id}/notes", {"text": "我也写"}, status=403)
    await xiaomei.get("/api/support/notes?q=语气", status=403)
    assert all(secret not in m["text"] for m in await messages(xiaomei, conv_id))
    assert all(secret not in m["text"] for m in await messages(kefu, conv_id))  # never a message at all
    await asyncio.sleep(0.2)
    assert customer.of("support:note") == [] and all(secret not in str(d) for d in customer.of("message:new"))
    synced = await customer.emit("sync", {"cursors": {conv_id: 0}})
    assert synced["ok"] and secret not in str(synced)
    found = await xiaomei.get("/api/search?q=语气激动")
    assert secret not in str(found)
    # bad notes
    await kefu.post(f"/api/support/cases/{conv_id}/notes", {"text": "  "}, status=400)
    await kefu.post(f"/api/support/cases/{conv_id}/notes", {"text": "x" * 1001}, status=400)
    await kefu.post("/api/support/cases/" + "0" * len(conv_id) + "/notes", {"text": "x"}, status=404)


async def test_customer_notes_and_labels_for_the_desk_only(people, svc):
    xiaomei, kefu, aqiang = await people("xiaomei"), await people("kefu", role="agent"), await people("aqiang")
    url = f"/api/support/customers/{xiaomei.id}/profile"
    assert (await kefu.get(url))["profile"] == {"customer_id": xiaomei.id, "note": "", "labels": [],
                                                "updated_at": None, "updated_by": None}
    saved = (await kefu.call("PUT", url, {"note": "只收顺丰", "labels": ["VIP", "VIP", "易过敏"]}))["profile"]
    assert saved["labels"] == ["VIP", "易过敏"] and saved["note"] == "只收顺丰" and saved["updated_by"] == kefu.id
    kept = (await kefu.call("PUT", url, {"labels": ["VIP"]}))["profile"]
    assert kept["note"] == "只收顺丰" and kept["labels"] == ["VIP"]  # what is not sent stays
    conv_id, _ = await open_support(xiaomei)
    assert (await kefu.get(f"/api/support/cases/{conv_id}"))["support"]["profile"]["labels"] == ["VIP"]
    await xiaomei.get(url, status=403)
    await aqiang.call("PUT", url, {"note": "x"}, status=403)
    await kefu.call("PUT", url, {"labels": ["一个特别特别特别长的标签名字"]}, status=400)
    await kefu.call("PUT", url, {"labels": [f"l{i}" for i in range(11)]}, status=400)
    await kefu.call("PUT", url, {"labels": "VIP"}, status=400)
    await kefu.get("/api/support/customers/" + "0" * len(xiaomei.id) + "/profile", status=404)


async def test_approving_or_rejecting_a_return_tells_the_customer_with_the_reason(people, svc):
    xiaomei, kefu = await people("xiaomei"), await people("kefu", role="agent")
    conv_id, _ = await open_support(xiaomei)
    await an_order(svc, xiaomei.id)
    await an_order(svc, xiaomei.id, order_id="SC20261101002")
    first, _ = await shop.check_create_aftersale(svc, customer_id=xiaomei.id, conversation_id=conv_id,
                                                 kind="return", order_id="SC20261101001", reason="尺码不合适")
    second, _ = await shop.check_create_aftersale(svc, customer_id=xiaomei.id, conversation_id=conv_id,
                                                  kind="return", order_id="SC20261101002", reason="不想要了")
    pending = (await kefu.get("/api/aftersales?status=pending"))["aftersales"]
    assert {a["id"] for a in pending} == {first.id, second.id}
    await kefu.call("PATCH", f"/api/aftersales/{first.id}", {"status": "approved", "note": "请寄回仓库"})
    await kefu.call("PATCH", f"/api/aftersales/{second.id}", {"status": "rejected", "note": "已超过 7 天"})
    texts = [m["text"] for m in await messages(xiaomei, conv_id)]
    assert any(first.id[-8:].upper() in t and "已同意" in t and "请寄回仓库" in t for t in texts)
    assert any(second.id[-8:].upper() in t and "已拒绝" in t and "已超过 7 天" in t for t in texts)
    mine = {a["id"]: a["status"] for a in (await xiaomei.get("/api/me/aftersales"))["aftersales"]}
    assert mine == {first.id: "approved", second.id: "rejected"}
    body = await kefu.call("PATCH", f"/api/aftersales/{second.id}", {"status": "approved"}, status=400)
    assert body["error"]["code"] == "bad_transition"


async def test_a_ticket_resolution_is_posted_to_the_customer_then_rated(people, svc):
    xiaomei, kefu = await people("xiaomei"), await people("kefu", role="agent")
    conv_id, _ = await open_support(xiaomei)
    ticket = await shop.check_create_ticket(svc, customer_id=xiaomei.id, conversation_id=conv_id, kind="complaint",
                                            summary="快递员态度差")
    await xiaomei.post(f"/api/tickets/{ticket.id}/resolve", {"resolution": "x"}, status=403)
    await kefu.post(f"/api/tickets/{ticket.id}/resolve", {"resolution": "   "}, status=400)
    done = (await kefu.post(f"/api/tickets/{ticket.id}/resolve",
                            {"resolution": "已向快递公司投诉，并补偿 10 元优惠券"}))["ticket"]
    assert done["status"] == "closed" and done["resolution"].startswith("已向快递公司") and done["resolved_by"] == kefu.id
    last = (await messages(xiaomei, conv_id))[-1]
    assert ticket.id[-8:].upper() in last["text"] and "补偿 10 元优惠券" in last["text"]
    assert last["card"] == {"kind": "rating_request", "conversation_id": conv_id, "ticket_id": ticket.id}
    assert (await case_of(xiaomei, conv_id))["rating_pending"]
    await xiaomei.post(f"/api/support/cases/{conv_id}/rating", {"score": 4, "comment": "处理得挺快"})
    [rating] = (await case_of(kefu, conv_id))["ratings"]
    assert (rating["score"], rating["agent_id"]) == (4, kefu.id)
    stored = (await svc.storage.support.get(conversation_id=conv_id)).ratings[0]
    assert stored.ticket_id == ticket.id
    body = await kefu.post(f"/api/tickets/{ticket.id}/resolve", {"resolution": "again"}, status=409)
    assert body["error"]["code"] == "ticket_closed"
    [listed] = (await kefu.get("/api/tickets?status=closed"))["tickets"]
    assert listed["resolution"] == done["resolution"]


async def test_service_figures_over_a_period_and_as_csv(people, svc, clock, rasa):
    kefu, kefu2 = await people("kefu", role="agent"), await people("kefu2", role="agent")
    shoppers = [await people(f"shopper{i}") for i in range(4)]
    convs = [(await open_support(p))[0] for p in shoppers]
    # shopper0: the assistant alone; shopper1: kefu after 60 s wait, answers 30 s later, resolves at 5 min, 5 stars
    await say(shoppers[0], convs[0], "运费多少", svc)
    await shoppers[1].post(f"/api/support/cases/{convs[1]}/handoff")
    clock.advance(seconds=60)
    await kefu.post(f"/api/support/cases/{convs[1]}/claim")
    clock.advance(seconds=30)
    await kefu.post(f"/api/conversations/{convs[1]}/messages", {"text": "您好"})
    clock.advance(seconds=210)
    await kefu.post(f"/api/support/cases/{convs[1]}/resolve")
    await shoppers[1].post(f"/api/support/cases/{convs[1]}/rating", {"score": 5})
    # shopper2: the assistant's complaint hand-off, kefu2 after 120 s, 2 stars
    rasa.script = lambda text: [{"custom": {"handoff": {"reason": "complaint"}}}]
    await say(shoppers[2], convs[2], "我要投诉", svc)
    clock.advance(seconds=120)
    await kefu2.post(f"/api/support/cases/{convs[2]}/claim")
    await kefu2.post(f"/api/conversations/{convs[2]}/messages", {"text": "抱歉"})
    await kefu2.post(f"/api/support/cases/{convs[2]}/resolve")
    await shoppers[2].post(f"/api/support/cases/{convs[2]}/rating", {"score": 2})
    # shopper3 wrote nothing: opening alone is no conversation
    figures = await kefu.get("/api/support/stats")
    total = figures["total"]
    assert (total["conversations"], total["handed_off"], total["solved_by_assistant"]) == (3, 2, 1)
    assert (total["waiting_p50"], total["waiting_p90"]) == (60.0, 120.0)
    assert (total["first_response_p50"], total["first_response_p90"]) == (90.0, 120.0)
    assert total["resolution_p50"] == 120.0 and total["resolution_p90"] == 300.0
    assert total["csat"] == {"1": 0, "2": 1, "3": 0, "4": 0, "5": 1} and total["csat_satisfied"] == 0.5
    assert {r["reason"]: (r["label"], r["count"]) for r in figures["handoff_reasons"]} == \
        {"customer_request": ("顾客点击转人工", 1), "complaint": ("投诉", 1)}
    agents = {a["agent_id"]: a for a in figures["agents"]}
    assert agents[kefu.id]["first_response_p50"] == 90.0 and agents[kefu.id]["average_score"] == 5
    assert agents[kefu2.id]["waiting_p50"] == 120.0 and agents[kefu2.id]["csat"]["2"] == 1
    today = IN_HOURS.date().isoformat()
    assert figures["to"] == today and figures["days"][-1] == {"date": today, "conversations": 3, "handed_off": 2,
                                                              "solved_by_assistant": 1}
    # another period: nothing in it
    empty = await kefu.get("/api/support/stats?from=2026-10-01&to=2026-10-31")
    assert empty["total"]["conversations"] == 0 and empty["total"]["waiting_p50"] is None and len(empty["days"]) == 31
    resp = await kefu.http.get("/api/support/stats?format=csv", headers=kefu.headers)
    assert resp.status == 200 and resp.content_type == "text/csv"
    rows = list(csv.reader(io.StringIO((await resp.text()).lstrip("\ufeff"))))
    assert rows[1][:5] == ["客服", "会话数", "转人工", "智能客服独立解决", "已解决"]
    assert rows[2][:4] == ["全部", "3", "2", "1"]
    assert {r[0] for r in rows[3:5]} == {"kefu", "kefu2"}
    await shoppers[0].get("/api/support/stats", status=403)


@pytest.mark.parametrize("query", ["from=2026-13-01", "from=2026-11-30&to=2026-11-01", "from=2025-01-01&to=2026-11-01",
                                   "format=xml"])
async def test_service_figures_refuse_bad_periods(people, query):
    kefu = await people("kefu", role="agent")
    await kefu.get(f"/api/support/stats?{query}", status=400)


async def as_the_assistant(client, rasa, path: str, body: dict) -> dict:
    """What the action server does for the customer's latest message: calls the platform's internal API
    with the identity the platform signed into that message's metadata (rasa.asked)."""
    meta = rasa.asked[-1]["metadata"]
    resp = await client.post(path, json=body, headers={
        "X-Bot-Secret": "s3cret", "X-Customer": meta["customer_id"], "X-Conversation": meta["conversation_id"],
        "X-Customer-Expires": str(meta["expires"]), "X-Customer-Sig": meta["signature"]})
    assert resp.status == 200, await resp.text()
    return await resp.json()


async def test_a_round_that_filed_something_for_people_is_not_solved_by_the_assistant_alone(people, svc, clock,
                                                                                           rasa, client):
    kefu = await people("kefu", role="agent")
    chasing, asking, returning, back = [await people(name) for name in ("chasing", "asking", "returning", "back")]
    convs = {p.id: (await open_support(p))[0] for p in (chasing, asking, returning, back)}
    await an_order(svc, chasing.id, order_id="SC20261101001", status="shipped")
    await an_order(svc, returning.id, order_id="SC20261101002")
    await an_order(svc, back.id, order_id="SC20261101003", status="shipped")
    # the assistant answers and opens a 催件 follow-up for people to chase the parcel: never handed off
    await say(chasing, convs[chasing.id], "我的快递三天没动了", svc)
    ticket = (await as_the_assistant(client, rasa, "/internal/bot/tickets",
                                     {"kind": "follow_up", "summary": "物流三天未更新", "order_id": "SC20261101001"}))
    # the assistant alone: an answer, nothing filed
    await say(asking, convs[asking.id], "运费多少", svc)
    # the assistant files a return: people review it
    await say(returning, convs[returning.id], "我要退货，衣服破了", svc)
    await as_the_assistant(client, rasa, "/internal/bot/aftersales",
                           {"kind": "return", "order_id": "SC20261101002", "sku": "TS-01", "reason": "衣服破了"})
    # a first round with a follow-up and a person, then a second round the assistant answers alone
    await say(back, convs[back.id], "快递怎么还没到", svc)
    await as_the_assistant(client, rasa, "/internal/bot/tickets",
                           {"kind": "follow_up", "summary": "催件", "order_id": "SC20261101003"})
    await assign(back, kefu, convs[back.id], resolve=True)
    clock.advance(seconds=600)
    await say(back, convs[back.id], "收到了，谢谢", svc)

    async def figures():
        return await kefu.get("/api/support/stats")
    total = (await figures())["total"]
    assert (total["conversations"], total["handed_off"], total["solved_by_assistant"]) == (5, 1, 2)
    today = IN_HOURS.date().isoformat()
    assert (await figures())["days"][-1] == {"date": today, "conversations": 5, "handed_off": 1,
                                            "solved_by_assistant": 2}
    # people finishing the follow-up doesn't make it the assistant's: a person chased the parcel
    await kefu.post(f"/api/tickets/{ticket['ticket']['id']}/resolve", {"resolution": "已联系快递，明天送达"})
    assert (await figures())["total"]["solved_by_assistant"] == 2
    resp = await kefu.http.get("/api/support/stats?format=csv", headers=kefu.headers)
    rows = list(csv.reader(io.StringIO((await resp.text()).lstrip("\ufeff"))))
    assert rows[2][:4] == ["全部", "5", "1", "2"]
