"""Demo shop community, seeded through the actions on an empty database only."""
from __future__ import annotations

import logging
import os
from datetime import timedelta

from server.actions import auth, groups, support, threads
from server.actions.messages import Draft, send_in
from server.policy.access import ConversationAccess
from server.services import Services
from server.shared.locks import keyed_locks

log = logging.getLogger(__name__)
DEMO_PASSWORD = "shopchat-demo"
DEMO_SHOP = os.path.join(os.path.dirname(__file__), "demo_shop.json")

USERS = [  # username, display name, platform role
    ("xiaomei", "小美", "member"),
    ("aqiang", "阿强", "member"),
    ("lily", "Lily", "member"),
    ("kefu", "客服小林", "agent"),
    ("banzhu", "版主老王", "moderator"),
    ("admin", "管理员", "admin"),
]


CANNED = [  # the agents' canned replies to start from; they edit them at the desk
    {"title": "问候", "text": "您好，我是客服小林，很高兴为您服务～请问有什么可以帮您？"},
    {"title": "发货时间", "text": "订单付款后 48 小时内发货，发货后可在订单详情里查看物流。"},
    {"title": "退换货", "text": "收到商品 7 天内可申请无理由退换，请在订单页提交申请，并保留好商品包装。"},
]


async def seed_if_empty(svc: Services) -> bool:
    """Seeds an empty database only; processes starting together on one database seed it once."""
    async with keyed_locks(svc.hub, "seed").hold("demo"):
        return await _seed_if_empty(svc)


async def _seed_if_empty(svc: Services) -> bool:
    if await svc.storage.users.count() > 1:  # the assistant's own account is always there
        await seed_shop_if_empty(svc)
        return False
    people = {}
    # the demo shoppers are established members, past the new-member limits (no links, no private messages
    # to strangers) that a fresh account has for its first CHAT_NEW_ACCOUNT_HOURS
    joined = svc.clock.now() - timedelta(days=30)
    for username, display, role in USERS:
        _, people[username] = await auth.do_register(svc, username=username, password=DEMO_PASSWORD,
                                                     display_name=display, role=role, created_at=joined)
    owner = people["admin"]
    haowu = await groups.do_create_group(svc, owner, name="好物分享群",
                                         description="分享你买到的好物，晒单、种草、拔草都在这里", visibility="public")
    chuanda = await groups.do_create_group(svc, people["lily"], name="穿搭交流 Outfit",
                                           description="尺码、搭配、面料，一起讨论", visibility="public")
    vip = await groups.do_create_group(svc, owner, name="VIP 会员群", description="会员专享福利与新品预告",
                                       visibility="invite_only")
    for name in ("xiaomei", "aqiang", "lily", "kefu", "banzhu"):
        await groups.do_add_member(svc, haowu, people[name])
    for name in ("xiaomei", "aqiang"):
        await groups.do_add_member(svc, chuanda, people[name])
    await groups.do_add_member(svc, vip, people["xiaomei"])
    await svc.storage.groups.set_member_role(group_id=haowu.id, user_id=people["banzhu"].id, role="moderator")
    await svc.storage.groups.update(group_id=haowu.id, announcement="欢迎来到好物分享群！请勿发广告和私下交易，文明交流 🙏",
                                    announcement_at=svc.clock.now())

    await support.check_set_canned(svc, people["kefu"], CANNED)
    await seed_shop_if_empty(svc)  # before the messages: a product card is one of the catalogue's products

    async def say(group, who, text, **kw):
        conv = await svc.storage.conversations.get(conversation_id=group.conversation_id)
        member = await svc.storage.groups.get_member(group_id=group.id, user_id=people[who].id)
        message, _ = await send_in(svc, people[who], ConversationAccess(conv, group, member), Draft(text=text, **kw))
        return message

    await say(haowu, "admin", "大家好，新一期的团购下周一开始，有想要的商品可以在群里说～")
    await say(haowu, "xiaomei", "这款蓝牙耳机音质很好，通勤降噪很给力！")
    await say(haowu, "aqiang", "请问耳机有白色的吗？")
    await say(haowu, "kefu", "", type="product", given={"sku": "SC-EARBUDS-02"})
    await say(haowu, "aqiang", "谢谢！已下单 👍")
    await say(chuanda, "lily", "身高165体重50kg，这件风衣穿M还是S？")
    await say(chuanda, "xiaomei", "我163穿S刚好，喜欢宽松可以M")
    await say(vip, "admin", "VIP 专享：本周五新品预售，会员 9 折")

    for group, who, title, text, tag, sku in [
        (haowu, "xiaomei", "晒单：618 买到的宝藏好物", "这次买的耳机很满意，降噪效果不错，大家还买了什么？",
         "showcase", "SC-EARBUDS-02"),  # xiaomei's delivered order has it: 已购
        (haowu, "aqiang", "求推荐：500元以内的蓝牙音箱", "放在客厅用，音质好一点的，有推荐吗？", None, None),
        (chuanda, "lily", "秋冬外套怎么选尺码", "大家买外套一般看肩宽还是胸围？", None, None),
    ]:
        member = people[who]
        thread, _ = await threads.check_create_thread(svc, member, group_id=group.id, title=title,
                                                      draft=Draft(text=text), tag=tag, product_id=sku)
    log.info("seeded the demo community (password for every demo user: %s)", DEMO_PASSWORD)
    return True


async def seed_shop_if_empty(svc: Services) -> None:
    """The demo shop's catalogue, orders and one refund in progress (scripts/demo_shop.json),
    through the same checks as `python -m scripts.shop_import`."""
    if await svc.storage.products.search(query="", limit=1):
        return
    from .shop_import import check, read_json, write
    checked, errors = await check(svc.storage, read_json(DEMO_SHOP), svc.clock.now())
    if errors:
        raise RuntimeError(f"demo shop data is broken: {errors}")
    await write(svc.storage, checked)
