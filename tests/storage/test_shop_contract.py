"""The shop stores' contract, once, over both backends (the `storage` fixture)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from server.domain.shop import AfterSale, Order, ShopProduct
from server.domain.support import Rating, SupportCase
from server.storage.base import DuplicateError, new_id

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=timezone.utc)


async def test_products_put_get_and_search_every_word(storage):
    await storage.products.put(ShopProduct(sku="SC-HOODIE-01", title="加绒连帽卫衣", price="199.00", category="服装",
                                           variants=[{"size": "M", "color": "黑色", "stock": 3}]))
    await storage.products.put(ShopProduct(sku="SC-EAR-02", title="蓝牙耳机 Air", price="299.00", category="数码"))
    hoodie = await storage.products.get(sku="SC-HOODIE-01")
    assert hoodie.variants == [{"size": "M", "color": "黑色", "stock": 3}]
    assert [p.sku for p in await storage.products.search(query="卫衣")] == ["SC-HOODIE-01"]
    assert [p.sku for p in await storage.products.search(query="蓝牙 air")] == ["SC-EAR-02"]
    assert await storage.products.search(query="蓝牙 卫衣") == []
    assert len(await storage.products.search(query="")) == 2
    assert await storage.products.search(query="%") == []  # no wildcards leak into the query
    await storage.products.put(ShopProduct(sku="SC-EAR-02", title="蓝牙耳机 Air", price="259.00"))
    assert (await storage.products.get(sku="SC-EAR-02")).price == "259.00"  # put replaces


async def test_orders_belong_to_one_customer_newest_first(storage):
    for i, (who, day) in enumerate([("u1", 1), ("u1", 3), ("u2", 2)]):
        await storage.orders.put(Order(id=f"SC{i}", customer_id=who, status="paid", total="1.00",
                                       items=[{"sku": "A", "title": "a", "qty": 1}],
                                       created_at=T0 + timedelta(days=day)))
    assert [o.id for o in await storage.orders.list_for_customer(customer_id="u1")] == ["SC1", "SC0"]
    got = await storage.orders.get(order_id="SC2")
    assert got.customer_id == "u2" and got.created_at == T0 + timedelta(days=2)
    assert await storage.orders.get(order_id="nope") is None


async def test_after_sales_updates_are_compare_and_set(storage):
    request = AfterSale(id=new_id(), kind="return", status="pending", customer_id="u1", order_id="SC0",
                        created_at=T0, updated_at=T0)
    await storage.aftersales.add(request)
    try:
        await storage.aftersales.add(request)
        raise AssertionError("a duplicate id must be refused")
    except DuplicateError:
        pass
    approved = AfterSale(**{**{f: getattr(request, f) for f in request.__slots__}, "status": "approved"})
    assert await storage.aftersales.update(approved, expect_status="pending")
    assert not await storage.aftersales.update(approved, expect_status="pending")  # someone got there first
    assert [a.status for a in await storage.aftersales.list(customer_id="u1")] == ["approved"]
    assert await storage.aftersales.list(statuses=("pending",)) == []


async def test_support_cases_queue_in_waiting_order_and_swap_state_once(storage):
    cases = []
    for i in range(3):
        case = SupportCase(conversation_id=f"{i:024x}", customer_id=f"c{i}", state="queued", opened_at=T0,
                           updated_at=T0, queued_at=T0 + timedelta(seconds=[5, 1, 5][i]))
        cases.append(await storage.support.add(case))
    waiting = await storage.support.list(states=("queued",))
    assert [c.customer_id for c in waiting] == ["c1", "c0", "c2"]
    assert [await storage.support.queue_position(c) for c in waiting] == [1, 2, 3]
    claimed = SupportCase(**{**{f: getattr(cases[1], f) for f in cases[1].__slots__}, "state": "assigned",
                             "agent_id": "agent", "assigned_at": T0,
                             "ratings": [Rating(score=5, comment="好", agent_id="agent", rated_at=T0)]})
    assert await storage.support.replace(claimed, expect_state="queued")
    assert not await storage.support.replace(claimed, expect_state="queued")
    back = await storage.support.get(conversation_id=cases[1].conversation_id)
    assert back.state == "assigned" and back.ratings[0].score == 5 and back.ratings[0].rated_at == T0
    assert (await storage.support.for_customer(customer_id="c1")).agent_id == "agent"
    assert await storage.support.queue_position(cases[0]) == 1


async def test_settings_round_trip(storage):
    assert await storage.settings.get(key="policies") is None
    await storage.settings.put(key="policies", value={"shipping": "包邮"})
    await storage.settings.put(key="policies", value={"shipping": "顺丰"})
    assert await storage.settings.get(key="policies") == {"shipping": "顺丰"}


async def test_support_conversations_and_their_participants(storage):
    conv = await storage.conversations.create_support(customer_id="c1", now=T0)
    assert conv.kind == "support" and conv.participants == ("c1",)
    await storage.conversations.set_participants(conversation_id=conv.id, participants=("c1", "agent"))
    assert set((await storage.conversations.get(conversation_id=conv.id)).participants) == {"c1", "agent"}
    assert conv.id in await storage.conversations.ids_readable_by(group_ids=[], user_id="agent")
    assert await storage.conversations.list_private(user_id="c1", limit=10) == []  # not a private chat
