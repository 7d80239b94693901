"""Finding products by the names shoppers use, the aliases the shop edits, order numbers however they are
typed, and the checks before an exchange is filed (the variant must be in stock)."""
from __future__ import annotations

import pytest

from server.actions.catalogue import normalize
from server.actions.shop import normalize_order_id
from tests.server.test_shop import bot_headers, config, shop  # noqa: F401  (fixtures)


async def search(client, q: str) -> list[str]:
    resp = await client.get("/internal/bot/products", params={"q": q}, headers=bot_headers())
    assert resp.status == 200, await resp.text()
    return [p["sku"] for p in (await resp.json())["products"]]


@pytest.mark.parametrize("said, sku", [
    ("卫衣", "SC-HOODIE-01"),                 # the title's word
    ("帽衫", "SC-HOODIE-01"),                 # a synonym
    ("加绒的衣服", "SC-HOODIE-01"),            # a feature and a category word
    ("短袖", "SC-TEE-05"),
    ("小白T", "SC-TEE-05"),
    ("降噪耳机", "SC-EARBUDS-02"),
    ("那个降噪的", "SC-EARBUDS-02"),           # the feature alone
    ("鞋子", "SC-SNEAKER-03"),                # the category word alone
    ("跑鞋", "SC-SNEAKER-03"),
    ("裙子", "SC-DRESS-06"),
    ("碎花裙", "SC-DRESS-06"),
    ("玻尿酸", "SC-SERUM-04"),
    ("ｓｃ－ｔｅｅ－０５", "SC-TEE-05"),         # a SKU in full width
])
async def test_products_are_found_by_the_names_shoppers_use(client, shop, said, sku):
    assert (await search(client, said))[:1] == [sku]


@pytest.mark.parametrize("said", ["冰箱", "有没有货", "你好", "iphone 手机壳"])
async def test_a_name_that_names_nothing_finds_nothing(client, shop, said):
    assert await search(client, said) == []


async def test_the_shop_edits_aliases_and_synonyms_in_one_place(client, shop, people):
    admin, xiaomei = await people("boss", role="admin"), shop["xiaomei"]
    assert await search(client, "小仙女") == []
    before = await xiaomei.get("/api/shop/aliases")
    assert "短袖" in before["synonyms"][0] and before["aliases"] == {}
    saved = await admin.call("PUT", "/api/shop/aliases", {"aliases": {"sc-dress-06": ["小仙女", " 小碎花 "]}})
    assert saved["aliases"] == {"SC-DRESS-06": ["小仙女", "小碎花"]}
    assert (await search(client, "那件小仙女还有吗"))[:1] == ["SC-DRESS-06"]
    # synonyms replace the shipped groups: 帽衫 no longer means 卫衣, 打底衫 now means T恤
    await admin.call("PUT", "/api/shop/aliases", {"synonyms": [["打底衫", "t恤"]]})
    assert (await search(client, "打底衫"))[:1] == ["SC-TEE-05"]
    assert await search(client, "帽衫") == []
    assert (await xiaomei.get("/api/shop/aliases"))["aliases"] == {"SC-DRESS-06": ["小仙女", "小碎花"]}


async def test_only_admins_edit_aliases_and_bad_ones_are_refused(client, shop, people):
    admin, agent = await people("boss", role="admin"), await people("kefu", role="agent")
    refused = await shop["xiaomei"].call("PUT", "/api/shop/aliases", {"aliases": {}}, status=403)
    assert refused["error"]["code"] == "not_admin"
    assert (await agent.call("PUT", "/api/shop/aliases", {"aliases": {}}, status=403))["error"]["code"] == "not_admin"
    for body, code in (({"aliases": {"NOPE-1": ["x"]}}, "unknown_sku"),
                       ({"aliases": {"SC-TEE-05": "小白T"}}, "invalid_payload"),
                       ({"aliases": {"SC-TEE-05": ["x" * 21]}}, "invalid_payload"),
                       ({"aliases": ["SC-TEE-05"]}, "invalid_payload"),
                       ({"synonyms": [["只有一个"]]}, "invalid_payload"),
                       ({"synonyms": [["a", 3]]}, "invalid_payload"),
                       ({"aliases": {"SC-TEE-05": ["小\x07白"]}}, "invalid_payload"),
                       ({"synonyms": [["短\u202e袖", "t恤"]]}, "invalid_payload"),
                       ({}, "invalid_payload")):
        assert (await admin.call("PUT", "/api/shop/aliases", body, status=400))["error"]["code"] == code, body
    assert (await admin.get("/api/shop/aliases"))["aliases"] == {}  # nothing half-saved


@pytest.mark.parametrize("typed", ["SC20261120003", "sc20261120003", "SC 2026 1120 003", "ＳＣ２０２６１１２０００３",
                                   "sc-20261120-003", " S C20261120003 "])
def test_order_numbers_however_typed(typed):
    assert normalize_order_id(typed) == "SC20261120003"


def test_names_compare_without_width_case_or_punctuation():
    assert normalize("ＡＩＲ　Ｐｒｏ！") == "air pro"


async def test_an_order_number_typed_with_spaces_reaches_the_order(client, shop):
    xiaomei = shop["xiaomei"]
    resp = await client.get("/internal/bot/orders/sc 2026 1120 003", headers=bot_headers(xiaomei.id))
    assert resp.status == 200 and (await resp.json())["order"]["id"] == "SC20261120003"


async def test_an_exchange_is_filed_only_for_a_variant_in_stock(client, shop):
    xiaomei, lily = shop["xiaomei"], shop["lily"]

    async def exchange(persona, order_id, detail):
        resp = await client.post("/internal/bot/aftersales", headers=bot_headers(persona.id),
                                 json={"kind": "exchange", "order_id": order_id, "exchange_detail": detail})
        return resp.status, await resp.json()

    # xiaomei bought the hoodie in black M: black XL is sold out, grey L too
    status, body = await exchange(xiaomei, "SC20261101001", "换成XL")
    assert (status, body["error"]["code"]) == (400, "out_of_stock")
    assert "黑色 L" in body["error"]["details"]["in_stock"] and "黑色 XL" not in body["error"]["details"]["in_stock"]
    assert (await exchange(xiaomei, "SC20261101001", "灰色L"))[1]["error"]["code"] == "out_of_stock"
    status, body = await exchange(xiaomei, "SC20261101001", "换成白色")  # white M is in stock
    assert status == 200 and body["aftersale"]["exchange_detail"] == "换成白色"
    # lily bought the dress pink S: blue M is sold out; the dress comes in no XL
    assert (await exchange(lily, "SC20261118005", "蓝色 M 码"))[1]["error"]["code"] == "out_of_stock"
    assert (await exchange(lily, "SC20261118005", "XL"))[1]["error"]["code"] == "no_such_variant"
    status, body = await exchange(lily, "SC20261118005", "换大一码")  # names no variant: an agent reads it
    assert status == 200


async def test_a_second_kind_of_request_for_an_item_being_handled_is_refused(client, shop):
    lily = shop["lily"]
    first = await client.post("/internal/bot/aftersales", headers=bot_headers(lily.id),
                              json={"kind": "exchange", "order_id": "SC20261118005", "exchange_detail": "粉色M"})
    assert first.status == 200
    number = (await first.json())["aftersale"]["number"]
    again = await client.post("/internal/bot/aftersales", headers=bot_headers(lily.id),
                              json={"kind": "return", "order_id": "SC20261118005", "reason": "算了还是退吧"})
    body = await again.json()
    assert again.status == 400 and body["error"]["code"] == "aftersale_open"
    assert body["error"]["details"]["number"] == number
