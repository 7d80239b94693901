"""Shop data through the API: catalogue, my orders, after-sales, policies, and the internal
API the bot's action server uses (shared secret + the customer the platform signed)."""
from __future__ import annotations

import asyncio
import time

import json

import pytest

from scripts.demo import seed_shop_if_empty
from scripts.shop_import import ShopData, check, read_orders_csv, read_products_csv, write
from server.integrations.rasa import sign_customer
from tests.conftest import make_config

SECRET = "bot-secret-for-tests"


@pytest.fixture
def config(tmp_path):
    return make_config(tmp_path, bot_secret=SECRET)


@pytest.fixture
async def shop(svc, people):
    """The demo catalogue and orders, owned by fresh xiaomei / aqiang / lily accounts."""
    personas = {name: await people(name) for name in ("xiaomei", "aqiang", "lily")}
    await seed_shop_if_empty(svc)
    for persona in personas.values():  # the platform only vouches for a customer in their support conversation
        SUPPORT[persona.id] = (await persona.post("/api/support"))["conversation"]["id"]
    return personas


SUPPORT: dict[str, str] = {}  # customer id -> their support conversation (filled by the shop fixture)


def bot_headers(customer_id: str | None = None, conversation_id: str | None = None, *, secret: str = SECRET,
                signature: str | None = None, expires: int | None = None) -> dict:
    headers = {"X-Bot-Secret": secret}
    if customer_id is not None:
        conversation_id = conversation_id or SUPPORT.get(customer_id, "c1")
        expires = int(time.time()) + 600 if expires is None else expires
        headers.update({"X-Customer": customer_id, "X-Conversation": conversation_id,
                        "X-Customer-Expires": str(expires),
                        "X-Customer-Sig": signature or sign_customer(SECRET, customer_id, conversation_id, expires)})
    return headers


async def test_catalogue_search_and_product_detail(client, shop):
    xiaomei = shop["xiaomei"]
    found = (await xiaomei.get("/api/products?q=卫衣"))["products"]
    assert [p["sku"] for p in found] == ["SC-HOODIE-01"]
    hoodie = (await xiaomei.get("/api/products/sc-hoodie-01"))["product"]
    assert hoodie["price"] == "199.00" and hoodie["in_stock"] and len(hoodie["size_chart"]) == 4
    assert len((await xiaomei.get("/api/products?limit=100"))["products"]) == 6
    await xiaomei.get("/api/products/NOPE-1", status=404)
    await xiaomei.get("/api/products?limit=0", status=400)


async def test_customers_see_only_their_own_orders(client, shop):
    xiaomei, aqiang = shop["xiaomei"], shop["aqiang"]
    mine = (await xiaomei.get("/api/me/orders"))["orders"]
    assert [o["id"] for o in mine] == ["SC20261120003", "SC20261101001", "SC20261115002"]  # newest first
    order = (await xiaomei.get("/api/me/orders/sc20261101001"))["order"]
    assert order["status_label"] == "已发货" and order["logistics"][-1]["text"].startswith("【上海浦东】")
    theirs = await aqiang.get("/api/me/orders/SC20261101001", status=404)
    made_up = await aqiang.get("/api/me/orders/SC99999999999", status=404)
    assert theirs == made_up
    assert [a["status_label"] for a in (await aqiang.get("/api/me/aftersales"))["aftersales"]] == ["退款中"]


async def test_internal_api_needs_the_secret_and_a_signed_customer(client, shop):
    xiaomei = shop["xiaomei"]
    resp = await client.get("/internal/bot/policies")
    assert resp.status == 401
    resp = await client.get("/internal/bot/policies", headers={"X-Bot-Secret": "wrong"})
    assert resp.status == 401
    resp = await client.get("/internal/bot/orders", headers=bot_headers(xiaomei.id, signature="0" * 64))
    assert resp.status == 403
    expires = int(time.time()) + 600
    resp = await client.get("/internal/bot/orders", headers=bot_headers(xiaomei.id, expires=expires,
                                                                        signature=sign_customer(SECRET, xiaomei.id,
                                                                                                "c2", expires)))
    assert resp.status == 403
    resp = await client.get("/internal/bot/orders", headers=bot_headers(xiaomei.id))
    assert resp.status == 200 and len((await resp.json())["orders"]) == 3


async def test_a_guessed_order_number_gets_the_same_answer_as_a_made_up_one(client, shop):
    aqiang = shop["aqiang"]
    theirs = await client.get("/internal/bot/orders/SC20261101001", headers=bot_headers(aqiang.id))
    made_up = await client.get("/internal/bot/orders/SC20260000000", headers=bot_headers(aqiang.id))
    assert theirs.status == made_up.status == 404
    assert await theirs.json() == await made_up.json()
    own = await client.get("/internal/bot/orders/SC20261110004", headers=bot_headers(aqiang.id))
    assert (await own.json())["order"]["status"] == "delivered"


async def test_bot_creates_after_sales_requests_only_on_own_orders(client, shop):
    xiaomei, aqiang = shop["xiaomei"], shop["aqiang"]

    async def create(persona, **body):
        resp = await client.post("/internal/bot/aftersales", json=body, headers=bot_headers(persona.id))
        return resp.status, await resp.json()

    status, body = await create(xiaomei, kind="return", order_id="SC20261115002", sku="SC-EARBUDS-02",
                                reason="不喜欢")
    assert status == 200
    request = body["aftersale"]
    assert (request["status"], request["refund_amount"], request["title"]) == ("pending", "299.00", "降噪蓝牙耳机 Air Pro")
    assert (await create(aqiang, kind="return", order_id="SC20261115002", sku="SC-EARBUDS-02"))[0] == 404
    assert (await create(xiaomei, kind="return", order_id="SC20261115002"))[0] == 400  # two items: which?
    assert (await create(xiaomei, kind="return", order_id="SC20261115002", sku="SC-TEE-05"))[0] == 400
    assert (await create(xiaomei, kind="refund", order_id="SC20261115002"))[0] == 400
    assert (await create(xiaomei, kind="return", order_id="SC20261120003"))[1]["error"]["code"] == "order_not_shipped"
    status, body = await create(xiaomei, kind="cancel", order_id="SC20261120003")
    assert status == 200 and body["aftersale"]["refund_amount"] == "158.00"
    assert (await create(xiaomei, kind="cancel", order_id="SC20261101001"))[1]["error"]["code"] == "order_shipped"
    status, body = await create(xiaomei, kind="damaged", order_id="SC20261101001", description="袖口有破洞")
    assert status == 200 and body["aftersale"]["sku"] == "SC-HOODIE-01"
    mine = await client.get("/internal/bot/aftersales", headers=bot_headers(xiaomei.id))
    assert len((await mine.json())["aftersales"]) == 3


async def test_asking_again_for_what_is_still_being_handled_files_nothing_new(client, shop, people, svc):
    xiaomei = shop["xiaomei"]

    async def create(**body):
        resp = await client.post("/internal/bot/aftersales", json=body, headers=bot_headers(xiaomei.id))
        assert resp.status == 200, await resp.json()
        return await resp.json()

    first = await create(kind="return", order_id="SC20261115002", sku="SC-EARBUDS-02", reason="不喜欢")
    again = await create(kind="return", order_id="SC20261115002", sku="sc-earbuds-02", reason="还是想退")
    assert not first["duplicate"] and again["duplicate"] and again["aftersale"]["id"] == first["aftersale"]["id"]
    other_item = await create(kind="return", order_id="SC20261115002", sku="SC-SERUM-04")  # another item: its own
    assert not other_item["duplicate"]
    two = await asyncio.gather(*(create(kind="cancel", order_id="SC20261120003") for _ in range(2)))
    assert sorted(t["duplicate"] for t in two) == [False, True]  # two taps at once: one request
    assert two[0]["aftersale"]["id"] == two[1]["aftersale"]["id"]
    assert len(await svc.storage.aftersales.list(customer_id=xiaomei.id)) == 3
    # once it is decided, asking again is a new request
    kefu = await people("kefu", role="agent")
    await kefu.call("PATCH", f"/api/aftersales/{first['aftersale']['id']}", {"status": "rejected", "note": "已拆封"})
    assert not (await create(kind="return", order_id="SC20261115002", sku="SC-EARBUDS-02"))["duplicate"]


async def test_agents_move_after_sales_requests_along_their_flow(client, shop, people):
    xiaomei, kefu = shop["xiaomei"], await people("kefu", role="agent")
    resp = await client.post("/internal/bot/aftersales", headers=bot_headers(xiaomei.id),
                             json={"kind": "return", "order_id": "SC20261101001", "reason": "太大"})
    request_id = (await resp.json())["aftersale"]["id"]
    await xiaomei.call("PATCH", f"/api/aftersales/{request_id}", {"status": "approved"}, status=403)
    await xiaomei.get("/api/aftersales", status=403)
    assert len((await kefu.get("/api/aftersales?status=pending"))["aftersales"]) == 1
    await kefu.get("/api/aftersales?status=whatever", status=400)
    await kefu.call("PATCH", f"/api/aftersales/{request_id}", {"status": "refunded"}, status=400)
    approved = (await kefu.call("PATCH", f"/api/aftersales/{request_id}", {"status": "approved", "note": "请寄回"}))
    assert approved["aftersale"]["status_label"] == "已同意"
    await kefu.call("PATCH", f"/api/aftersales/{request_id}", {"status": "refunding", "refund_amount": "abc"},
                    status=400)
    done = await kefu.call("PATCH", f"/api/aftersales/{request_id}", {"status": "refunding", "refund_amount": "150"})
    assert done["aftersale"]["refund_amount"] == "150.00"


async def test_bot_tickets(client, shop):
    xiaomei = shop["xiaomei"]
    resp = await client.post("/internal/bot/tickets", headers=bot_headers(xiaomei.id),
                             json={"kind": "complaint", "summary": "快递员态度差"})
    assert resp.status == 200 and (await resp.json())["ticket"]["kind_label"] == "投诉"
    resp = await client.post("/internal/bot/tickets", headers=bot_headers(xiaomei.id), json={"kind": "complaint"})
    assert resp.status == 400
    resp = await client.post("/internal/bot/tickets", headers=bot_headers(xiaomei.id),
                             json={"kind": "spam", "summary": "x"})
    assert resp.status == 400


async def test_a_follow_up_about_an_order_with_an_open_one_is_that_one(client, shop, people):
    xiaomei, aqiang = shop["xiaomei"], shop["aqiang"]

    async def follow_up(who, order_id, **extra):
        resp = await client.post("/internal/bot/tickets", headers=bot_headers(who.id),
                                 json={"kind": "follow_up", "summary": "催件", "order_id": order_id, **extra})
        return resp.status, await resp.json()

    status, first = await follow_up(xiaomei, "sc 2026 1101 001")  # written any way, read as the order
    assert status == 200 and first["duplicate"] is False and first["ticket"]["order_id"] == "SC20261101001"
    status, again = await follow_up(xiaomei, "SC20261101001")
    assert (again["duplicate"], again["ticket"]["id"]) == (True, first["ticket"]["id"])
    assert (await follow_up(xiaomei, "SC20261115002"))[1]["duplicate"] is False  # another order: its own
    # someone else's order is a made-up one; a number that is not text is refused
    assert (await follow_up(aqiang, "SC20261101001"))[0] == 404
    assert (await follow_up(xiaomei, 20261101001))[0] == 400
    # complaints are never merged; a closed follow-up does not stand for a new one
    kefu = await people("kefu_a", role="agent")
    await kefu.call("PATCH", f"/api/tickets/{first['ticket']['id']}", {"status": "closed"})
    assert (await follow_up(xiaomei, "SC20261101001"))[1]["duplicate"] is False
    for _ in range(2):
        resp = await client.post("/internal/bot/tickets", headers=bot_headers(xiaomei.id),
                                 json={"kind": "complaint", "summary": "差", "order_id": "SC20261101001"})
        assert (await resp.json())["duplicate"] is False


async def test_policies_are_edited_in_one_place_by_admins(client, shop, people):
    admin, xiaomei = await people("boss", role="admin"), shop["xiaomei"]
    policies = (await xiaomei.get("/api/shop/policies"))["policies"]
    assert "顺丰" in policies["shipping"]
    await xiaomei.call("PATCH", "/api/shop/policies", {"policies": {"shipping": "全国包邮"}}, status=403)
    await admin.call("PATCH", "/api/shop/policies", {"policies": {"nonsense": "x"}}, status=400)
    await admin.call("PATCH", "/api/shop/policies", {"policies": {"shipping": ""}}, status=400)
    await admin.call("PATCH", "/api/shop/policies", {"policies": {"shipping": "全国包邮，默认顺丰"}})
    resp = await client.get("/internal/bot/policies", headers=bot_headers())
    assert (await resp.json())["policies"]["shipping"] == "全国包邮，默认顺丰"  # what the bot says now


async def test_import_checks_every_row_before_writing_any(svc, people, tmp_path):
    await people("buyer")
    products = tmp_path / "products.csv"
    products.write_text("sku,title,price,category,size,color,stock\n"
                        "ab-1,帆布包,59,包,,米色,10\nAB-1,帆布包,59,包,,黑色,0\nAB-2,钥匙扣,9.9,配件,,,100\n",
                        encoding="utf-8")
    orders = tmp_path / "orders.csv"
    orders.write_text("order_id,customer,status,created_at,sku,title,qty,price\n"
                      "SC1000000001,buyer,delivered,2026-11-01T10:00:00+08:00,AB-1,帆布包,2,59\n"
                      "SC1000000001,buyer,delivered,2026-11-01T10:00:00+08:00,AB-2,钥匙扣,1,9.9\n", encoding="utf-8")
    data = ShopData(products=read_products_csv(str(products)), orders=read_orders_csv(str(orders)))
    checked, errors = await check(svc.storage, data, svc.clock.now())
    assert errors == []
    await write(svc.storage, checked)
    bag = await svc.storage.products.get(sku="AB-1")
    assert bag.price == "59.00" and [v["stock"] for v in bag.variants] == [10, 0]
    order = await svc.storage.orders.get(order_id="SC1000000001")
    assert order.total == "127.90" and len(order.items) == 2
    bad = ShopData(products=[{"sku": "ok-1", "title": "好的", "price": "1"}, {"sku": "", "title": "x", "price": "1"}],
                   orders=[{"id": "SC2", "customer": "ghost", "status": "paid", "items": []}])
    _, errors = await check(svc.storage, bad, svc.clock.now())
    assert len(errors) == 2 and "no user named 'ghost'" in errors[1]


async def test_import_command_line(tmp_path):
    import subprocess
    import sys
    data = tmp_path / "shop.json"
    data.write_text(json.dumps({"products": [{"sku": "X-1", "title": "测试", "price": "1.5"}]}), encoding="utf-8")
    env = {"CHAT_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin", "PYTHONPATH": "."}
    done = subprocess.run([sys.executable, "-m", "scripts.shop_import", str(data)], capture_output=True, text=True,
                          env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "imported 1 products" in done.stdout
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps({"products": [{"sku": "X-2", "title": "", "price": "1"}]}), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "scripts.shop_import", str(broken)], capture_output=True, text=True,
                          env=env, timeout=60)
    assert done.returncode == 1 and "title is required" in done.stderr
