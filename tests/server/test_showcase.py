"""晒单 / 种草 threads (issue 15): a thread tagged with the product it is about, 已购 worked out by the server
from the author's paid orders (not someone else's, not unpaid, cancelled or refunded ones, never from the
client), and a group's 晒单 gallery with each thread's first pictures signed for the viewer."""
from __future__ import annotations

import io
from datetime import datetime, timezone
from urllib.parse import parse_qs, urlparse

import pytest
from aiohttp import FormData
from PIL import Image

from scripts.demo import seed_shop_if_empty
from server.domain.shop import Order
from tests.conftest import make_config, make_group

# the demo shop (scripts/demo_shop.json): xiaomei's SC-HOODIE-01 shipped, SC-EARBUDS-02 and SC-SERUM-04
# delivered, SC-TEE-05 paid; aqiang's SC-SNEAKER-03 delivered with its return being refunded; lily's SC-DRESS-06


@pytest.fixture
def config(tmp_path):
    # the pictures' own checks (QR, OCR) are moderation's business (tests/server/test_picture_*): here a picture
    # message is shown at once, whatever the machine's speed
    return make_config(tmp_path, picture_checks=False)


@pytest.fixture
async def shop(shop_group, people, svc):
    g, owner, xiaomei, aqiang = shop_group
    lily = await people("lily")  # a customer of the demo shop outside the group
    await seed_shop_if_empty(svc)
    return {"g": g, "gid": g["id"], "owner": owner, "xiaomei": xiaomei, "aqiang": aqiang, "lily": lily}


def png(color=(200, 60, 40), size=(80, 60)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


async def uploaded(persona, n: int) -> list[str]:
    ids = []
    for i in range(n):
        form = FormData()
        form.add_field("file", io.BytesIO(png((20 * i, 90, 200))), filename="p.png", content_type="image/png")
        resp = await persona.http.post("/api/uploads", data=form, headers=persona.headers)
        body = await resp.json()
        assert resp.status == 200, body
        ids.append(body["upload"]["id"])
    return ids


async def post(persona, gid, *, status=200, title="晒一下新买的卫衣", text="很暖和，尺码正", pictures=(), **fields):
    body = {"title": title, "text": text, **fields}
    if pictures:
        body.update(type="image", images=[{"upload_id": i} for i in pictures])
    return await persona.call("POST", f"/api/groups/{gid}/threads", body, status=status)


async def test_a_showcase_with_photos_shows_bought_everywhere_it_shows(shop, live):
    xiaomei, aqiang, gid = shop["xiaomei"], shop["aqiang"], shop["gid"]
    watching = await live(aqiang)
    pictures = await uploaded(xiaomei, 2)
    made = await post(xiaomei, gid, tag="showcase", product_id="sc-hoodie-01", pictures=pictures)
    thread = made["thread"]
    assert (thread["tag"], thread["product_id"], thread["purchased"]) == ("showcase", "SC-HOODIE-01", True)
    assert thread["product"] == {"sku": "SC-HOODIE-01", "title": "加绒连帽卫衣", "price": "199.00", "image_url": ""}
    assert made["message"]["type"] == "image" and len(made["message"].get("card", {}).get("images", [])) == 2, str(made["message"])
    new = await watching.wait_for("thread:new", lambda d: d["id"] == thread["id"])
    assert new["tag"] == "showcase" and new["purchased"] is True and new["product"]["title"] == "加绒连帽卫衣"

    detail = (await aqiang.get(f"/api/threads/{thread['id']}"))["thread"]
    assert detail["purchased"] is True and detail["product_id"] == "SC-HOODIE-01" and detail["following"] is False
    listed = (await aqiang.get(f"/api/groups/{gid}/threads"))["threads"]
    assert [(t["tag"], t["purchased"]) for t in listed] == [("showcase", True)]
    await aqiang.post(f"/api/threads/{thread['id']}/like")
    liked = await watching.wait_for("thread:updated", lambda d: d["id"] == thread["id"])
    assert liked["purchased"] is True and liked["like_count"] == 1

    # a plain topic is untagged and never bought
    plain = (await post(aqiang, gid, title="随便聊聊"))["thread"]
    assert (plain["tag"], plain["product_id"], plain["purchased"], plain["product"]) == (None, None, False, None)


async def test_bought_only_for_the_authors_own_paid_and_kept_order(shop, svc):
    xiaomei, aqiang, lily, gid = shop["xiaomei"], shop["aqiang"], shop["lily"], shop["gid"]
    # paid (not yet shipped) counts, as shipped and delivered do
    assert (await post(xiaomei, gid, tag="recommend", product_id="SC-TEE-05"))["thread"]["purchased"] is True
    # someone else's order: aqiang bought the sneakers, xiaomei did not
    theirs = (await post(xiaomei, gid, tag="showcase", product_id="SC-SNEAKER-03"))["thread"]
    assert theirs["purchased"] is False
    # aqiang's own sneakers are being refunded (a return the shop agreed to): not 已购
    assert (await post(aqiang, gid, tag="showcase", product_id="SC-SNEAKER-03"))["thread"]["purchased"] is False
    # the client can't say it bought something
    claimed = (await post(aqiang, gid, tag="recommend", product_id="SC-DRESS-06", purchased=True))["thread"]
    assert claimed["purchased"] is False

    # an order waiting for payment, and a cancelled one, don't count; once paid it does (worked out at read)
    at = datetime(2026, 12, 1, tzinfo=timezone.utc)
    item = {"sku": "SC-EARBUDS-02", "title": "降噪蓝牙耳机 Air Pro", "qty": 1, "price": "399.00"}
    await svc.storage.orders.put(Order(id="SC20261201009", customer_id=aqiang.id, status="pending_payment",
                                       items=[item], total="399.00", created_at=at))
    await svc.storage.orders.put(Order(id="SC20261201010", customer_id=aqiang.id, status="cancelled",
                                       items=[item], total="399.00", created_at=at))
    earbuds = (await post(aqiang, gid, tag="showcase", product_id="SC-EARBUDS-02"))["thread"]
    assert earbuds["purchased"] is False
    await svc.storage.orders.put(Order(id="SC20261201009", customer_id=aqiang.id, status="paid", items=[item],
                                       total="399.00", created_at=at))
    assert (await xiaomei.get(f"/api/threads/{earbuds['id']}"))["thread"]["purchased"] is True
    flags = {t["id"]: t["purchased"] for t in (await xiaomei.get(f"/api/groups/{gid}/threads"))["threads"]}
    assert flags[earbuds["id"]] is True and flags[theirs["id"]] is False
    # a 种草 without a product names nothing bought
    bare = (await post(lily, gid, status=403, tag="recommend"))  # lily isn't a member
    assert bare["error"]["code"] == "not_member"
    await lily.post(f"/api/groups/{gid}/join")
    bare = (await post(lily, gid, tag="recommend", title="这个群的推荐都很好"))["thread"]
    assert (bare["tag"], bare["product_id"], bare["product"], bare["purchased"]) == ("recommend", None, None, False)


async def test_bad_tags_and_products_are_refused_and_nothing_is_created(shop):
    xiaomei, gid = shop["xiaomei"], shop["gid"]
    err = await post(xiaomei, gid, status=400, tag="review", product_id="SC-HOODIE-01")
    assert err["error"]["code"] == "invalid_payload" and err["error"]["details"]["field"] == "tag"
    err = await post(xiaomei, gid, status=400, tag="showcase")
    assert err["error"]["code"] == "product_required" and err["error"]["details"]["field"] == "product_id"
    err = await post(xiaomei, gid, status=404, tag="showcase", product_id="SC-NOPE-99")
    assert err["error"]["code"] == "unknown_product" and err["error"]["details"]["field"] == "product_id"
    err = await post(xiaomei, gid, status=400, product_id="SC-HOODIE-01")  # a product without a tag
    assert err["error"]["details"]["field"] == "product_id"
    err = await post(xiaomei, gid, status=400, tag="showcase", product_id=42)
    assert err["error"]["details"]["field"] == "product_id"
    err = await post(xiaomei, gid, status=400, tag=["showcase"], product_id="SC-HOODIE-01")
    assert err["error"]["details"]["field"] == "tag"
    assert (await xiaomei.get(f"/api/groups/{gid}/threads"))["threads"] == []
    assert (await xiaomei.get(f"/api/groups/{gid}/showcase"))["showcase"] == []


async def test_the_gallery_lists_showcases_newest_first_with_first_pictures_signed_for_the_viewer(shop, client):
    xiaomei, aqiang, owner, gid = shop["xiaomei"], shop["aqiang"], shop["owner"], shop["gid"]
    four = await uploaded(xiaomei, 4)
    first = (await post(xiaomei, gid, title="卫衣晒单", tag="showcase", product_id="SC-HOODIE-01", pictures=four))
    await post(xiaomei, gid, title="T恤种草", tag="recommend", product_id="SC-TEE-05", pictures=await uploaded(xiaomei, 1))
    await post(xiaomei, gid, title="普通话题")
    # a 晒单 whose first post is words: its pictures are the author's first picture message, not a reply's
    words = (await post(aqiang, gid, title="鞋子晒单", tag="showcase", product_id="SC-SNEAKER-03"))["thread"]
    reply_pics = await uploaded(xiaomei, 1)
    await xiaomei.post(f"/api/conversations/{words['id']}/messages",
                       {"type": "image", "images": [{"upload_id": reply_pics[0]}], "text": "我也买了"})
    gallery = (await owner.get(f"/api/groups/{gid}/showcase"))
    assert [i["thread"]["title"] for i in gallery["showcase"]] == ["鞋子晒单", "卫衣晒单"]
    assert gallery["next_offset"] is None
    shoes, hoodie = gallery["showcase"]
    assert shoes["pictures"] == [] and shoes["picture_count"] == 0 and shoes["thread"]["purchased"] is False
    assert hoodie["thread"]["purchased"] is True and hoodie["thread"]["product"]["sku"] == "SC-HOODIE-01"
    assert [p["upload_id"] for p in hoodie["pictures"]] == four[:3] and hoodie["picture_count"] == 4
    assert all(p["width"] == 80 and p["height"] == 60 for p in hoodie["pictures"])
    # the addresses are the viewer's own: they load for the owner, and name the owner
    for p in hoodie["pictures"]:
        assert parse_qs(urlparse(p["url"]).query)["u"] == [owner.id]
        for address in (p["url"], p["thumb_url"]):
            resp = await client.get(address)
            assert resp.status == 200 and resp.content_type.startswith("image/")
    # the author's own picture message later in the thread counts
    later = await uploaded(aqiang, 1)
    await aqiang.post(f"/api/conversations/{words['id']}/messages",
                      {"type": "image", "images": [{"upload_id": later[0]}], "text": "上脚图"})
    page = await xiaomei.get(f"/api/groups/{gid}/showcase?limit=1")
    assert [p["upload_id"] for p in page["showcase"][0]["pictures"]] == later and page["next_offset"] == 1
    page = await xiaomei.get(f"/api/groups/{gid}/showcase?limit=1&offset=1")
    assert page["showcase"][0]["thread"]["id"] == first["thread"]["id"] and page["next_offset"] is None
    # a deleted picture message shows no more
    await xiaomei.call("DELETE", f"/api/messages/{first['message']['id']}")
    hoodie = (await xiaomei.get(f"/api/groups/{gid}/showcase"))["showcase"][1]
    assert hoodie["pictures"] == [] and hoodie["picture_count"] == 0
    err = await xiaomei.get(f"/api/groups/{gid}/showcase?limit=31", status=400)
    assert err["error"]["details"]["field"] == "limit"


async def test_only_members_see_a_gallery(shop, people):
    xiaomei, lily, gid = shop["xiaomei"], shop["lily"], shop["gid"]
    await post(xiaomei, gid, tag="showcase", product_id="SC-HOODIE-01", pictures=await uploaded(xiaomei, 1))
    err = await lily.get(f"/api/groups/{gid}/showcase", status=403)
    assert err["error"]["code"] == "not_member"
    # a private group's gallery is as unknown to outsiders as the group itself
    vip = await make_group(shop["owner"], name="VIP 会员群", visibility="private")
    hidden = await lily.get(f"/api/groups/{vip['id']}/showcase", status=404)
    made_up = await lily.get(f"/api/groups/{'f' * 24}/showcase", status=404)
    assert hidden["error"] == made_up["error"]
    await lily.post(f"/api/groups/{gid}/join")
    assert len((await lily.get(f"/api/groups/{gid}/showcase"))["showcase"]) == 1
    anonymous = await lily.http.get(f"/api/groups/{gid}/showcase")
    assert anonymous.status == 401
