"""Contact details a customer gives in their support conversation (a phone number for the courier, a WeChat id
for a call back) reach the shop's agents as written; the assistant is told them masked; anywhere else the same
words are still diversion."""
from __future__ import annotations

from tests.conftest import make_group

from .test_support import assign, clock, client, config, messages, open_support, rasa, say  # noqa: F401

PHONE = "快递员联系不上我，我的电话是13812345678，麻烦告诉他"


async def test_a_phone_number_given_to_support_reaches_the_agent_and_is_masked_for_the_assistant(
        client, people, rasa, svc):
    xiaomei, kefu = await people("xiaomei"), await people("kefu", role="agent")
    conv_id, _ = await open_support(xiaomei)
    await say(xiaomei, conv_id, PHONE, svc)
    told = [a["message"] for a in rasa.asked]
    assert any("快递员联系不上我" in t for t in told)
    assert not any("13812345678" in t for t in told) and any("＊＊＊＊" in t for t in told)
    mine = [m["text"] for m in await messages(xiaomei, conv_id) if m["author_id"] == xiaomei.id]
    assert PHONE in mine  # the customer sees what they wrote
    await assign(xiaomei, kefu, conv_id)
    seen = [m for m in await messages(kefu, conv_id) if m["author_id"] == xiaomei.id]
    assert seen[0]["text"] == PHONE and "assistant_text" not in seen[0]  # the masked copy is never sent out


async def test_an_agent_gets_a_wechat_id_for_a_call_back(client, people, rasa, svc):
    lily = await people("lily")
    conv_id, _ = await open_support(lily)
    await say(lily, conv_id, "加我微信 lily_2026 晚上联系我", svc)
    assert "lily_2026" not in rasa.asked[-1]["message"]
    assert "加我微信 lily_2026 晚上联系我" in [m["text"] for m in await messages(lily, conv_id)]


async def test_the_same_contact_in_a_group_is_still_diversion(client, people):
    owner, xiaomei = await people("owner"), await people("xiaomei")
    group = await make_group(owner)
    await xiaomei.post(f"/api/groups/{group['id']}/join")
    refused = await xiaomei.call("POST", f"/api/conversations/{group['conversation_id']}/messages",
                                 {"text": PHONE}, status=422)
    assert refused["error"]["code"] == "moderation_blocked" and "diversion" in refused["error"]["details"]["categories"]


async def test_abuse_in_support_is_still_refused(client, people, rasa, svc):
    xiaomei = await people("xiaomei")
    conv_id, _ = await open_support(xiaomei)
    resp = await xiaomei.call("POST", f"/api/conversations/{conv_id}/messages",
                              {"text": "卖高仿包加v abc12345"}, status=422)
    assert resp["error"]["code"] == "moderation_blocked"  # contact details with a counterfeit offer: still refused


# -- order cards --------------------------------------------------------------------------------------------

async def test_a_customer_shows_support_one_of_their_orders_as_a_card(client, people, rasa, svc):
    from scripts.demo import seed_shop_if_empty
    xiaomei, lily, kefu = await people("xiaomei"), await people("lily"), await people("kefu", role="agent")
    await people("aqiang")
    await seed_shop_if_empty(svc)
    conv_id, _ = await open_support(xiaomei)
    sent = await xiaomei.post(f"/api/conversations/{conv_id}/messages",
                              {"type": "order", "text": "这单什么时候到", "order": {"id": "sc20261101001"}})
    await svc.tasks.join()
    card = sent["message"]["card"]
    assert (sent["message"]["type"], card["kind"], card["order_id"]) == ("order", "order", "SC20261101001")
    assert card["items"][0]["title"] == "加绒连帽卫衣" and card["status"] == "shipped"
    assert "SC20261101001" in rasa.asked[-1]["message"] and "这单什么时候到" in rasa.asked[-1]["message"]
    # a card sent alone asks for that order's status (the assistant is not left to guess from the item's
    # title, which it read as a question about the product); a product card alone asks for its facts
    await xiaomei.post(f"/api/conversations/{conv_id}/messages", {"type": "order", "order": {"id": "SC20261120003"}})
    await svc.tasks.join()
    assert rasa.asked[-1]["message"] == '/track_order{"order_id":"SC20261120003"}'
    await xiaomei.post(f"/api/conversations/{conv_id}/messages", {"type": "product", "product": {"sku": "sc-tee-05"}})
    await svc.tasks.join()
    assert rasa.asked[-1]["message"] == '/product_inquiry{"item_sku":"SC-TEE-05"}'
    # someone else's order: the same answer as a made-up one
    for order_id in ("SC20261118005", "SC99999999999"):
        await xiaomei.call("POST", f"/api/conversations/{conv_id}/messages",
                           {"type": "order", "order": {"id": order_id}}, status=404)
    # the agent who took the case shows the customer another of her orders
    await assign(xiaomei, kefu, conv_id)
    shown = await kefu.post(f"/api/conversations/{conv_id}/messages",
                            {"type": "order", "order": {"id": "SC20261115002"}})
    assert shown["message"]["card"]["order_id"] == "SC20261115002"
    await kefu.call("POST", f"/api/conversations/{conv_id}/messages",
                    {"type": "order", "order": {"id": "SC20261118005"}}, status=404)  # lily's, not the customer's
    # not in a group; bad shapes are 400
    owner = await people("owner")
    group = await make_group(owner)
    await lily.post(f"/api/groups/{group['id']}/join")
    refused = await lily.call("POST", f"/api/conversations/{group['conversation_id']}/messages",
                              {"type": "order", "order": {"id": "SC20261118005"}}, status=400)
    assert refused["error"]["code"] == "order_card_support_only"
    for body in ({"type": "order"}, {"type": "order", "order": {}}, {"type": "order", "order": {"id": ""}},
                 {"type": "order", "order": "SC20261101001"}):
        await xiaomei.call("POST", f"/api/conversations/{conv_id}/messages", body, status=400)
