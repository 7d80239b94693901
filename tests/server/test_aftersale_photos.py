"""After-sales with photos (issue 15): a picture a customer sends in support reaches the assistant as the
send_photo intent with its upload ids (and the words beside it as the caption); the request the assistant
files carries those pictures, only uploads of that customer posted in that conversation; the desk sees them,
with addresses signed for the agent."""
from __future__ import annotations

import io
import json

from aiohttp import FormData
from PIL import Image

from server.storage.base import new_id

from .support_helpers import wait_until
from .test_desk_tabs import an_order
from .test_support import client, clock, config, open_support, rasa  # noqa: F401


def png(color=(200, 60, 40), size=(120, 90)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


async def upload(persona, color=(200, 60, 40)) -> dict:
    form = FormData()
    form.add_field("file", io.BytesIO(png(color)), filename="damage.png", content_type="image/png")
    resp = await persona.http.post("/api/uploads", data=form, headers=persona.headers)
    body = await resp.json()
    assert resp.status == 200, body
    return body["upload"]


async def send_picture(persona, conv_id, upload_ids, svc, text=None) -> dict:
    body = {"type": "image", "images": [{"upload_id": i} for i in upload_ids], **({"text": text} if text else {})}
    sent = (await persona.post(f"/api/conversations/{conv_id}/messages", body))["message"]
    await svc.tasks.join()
    return sent


def bot_headers(meta: dict) -> dict:
    """The identity the platform signed into the metadata of the customer's message (what the action server sends)."""
    return {"X-Bot-Secret": "s3cret", "X-Customer": meta["customer_id"], "X-Conversation": meta["conversation_id"],
            "X-Customer-Expires": str(meta["expires"]), "X-Customer-Sig": meta["signature"]}


async def file_request(client, meta, **body):  # noqa: F811
    resp = await client.post("/internal/bot/aftersales", json={"kind": "damaged", "order_id": "SC20261101001",
                                                              **body}, headers=bot_headers(meta))
    return resp.status, await resp.json()


async def test_a_damage_photo_reaches_the_assistant_and_the_request_carries_it_to_the_desk(people, svc, rasa,
                                                                                           client):  # noqa: F811
    xiaomei, kefu = await people("xiaomei"), await people("kefu", role="agent")
    conv_id, _ = await open_support(xiaomei)
    await an_order(svc, xiaomei.id)
    first, second = await upload(xiaomei), await upload(xiaomei, (20, 160, 90))

    # a picture alone: the intent with its ids, as a pressed button's payload reaches Rasa
    await send_picture(xiaomei, conv_id, [first["id"]], svc)
    asked = rasa.asked[-1]
    assert asked["message"] == '/send_photo{"photo_ids":["%s"]}' % first["id"]
    assert asked["metadata"]["customer_id"] == xiaomei.id and asked["metadata"]["conversation_id"] == conv_id
    # a picture with words: the pictures, and the words as their caption
    await send_picture(xiaomei, conv_id, [second["id"]], svc, text="盒子压坏了")
    intent, _, slots = rasa.asked[-1]["message"].partition("{")
    assert intent == "/send_photo" and json.loads("{" + slots) == {"photo_ids": [second["id"]],
                                                                   "photo_caption": "盒子压坏了"}

    # the request the assistant files carries both pictures (their shapes, never addresses)
    status, body = await file_request(client, rasa.asked[-1]["metadata"], description="盒子压坏了",
                                      photo_ids=[first["id"], second["id"]])
    assert status == 200, body
    photos = body["aftersale"]["photos"]
    assert [p["upload_id"] for p in photos] == [first["id"], second["id"]]
    assert photos[0]["width"] == 120 and photos[0]["height"] == 90 and "url" not in str(photos)
    number = body["aftersale"]["number"]

    # the desk: the request in the after-sales tab and beside the conversation, with its pictures
    listed = next(a for a in (await kefu.get("/api/aftersales?limit=100"))["aftersales"] if a["number"] == number)
    assert [p["upload_id"] for p in listed["photos"]] == [first["id"], second["id"]]
    # the agent may read the support conversation, so the pictures are signed for them, and load
    seen = (await kefu.post("/api/uploads/addresses", {"upload_ids": [first["id"], second["id"]]}))["uploads"]
    assert set(seen) == {first["id"], second["id"]}
    for address in (seen[first["id"]]["thumb_url"], seen[first["id"]]["url"]):
        resp = await kefu.http.get(address)
        assert resp.status == 200 and resp.content_type.startswith("image/")
    # another customer is not signed anything for them
    aqiang = await people("aqiang")
    assert (await aqiang.post("/api/uploads/addresses", {"upload_ids": [first["id"]]}))["uploads"] == {}
    # the customer sees their own request with its pictures
    mine = (await xiaomei.get("/api/me/aftersales"))["aftersales"]
    assert [p["upload_id"] for p in mine[0]["photos"]] == [first["id"], second["id"]]


async def test_a_damaged_request_without_a_photo_says_so(people, svc, rasa, client):  # noqa: F811
    xiaomei = await people("xiaomei")
    conv_id, _ = await open_support(xiaomei)
    await an_order(svc, xiaomei.id)
    await xiaomei.post(f"/api/conversations/{conv_id}/messages", {"text": "没有照片"})
    await svc.tasks.join()
    status, body = await file_request(client, rasa.asked[-1]["metadata"], description="袖口开线", photo_ids=[])
    assert status == 200 and body["aftersale"]["photos"] == [] and body["aftersale"]["description"] == "袖口开线"


async def test_the_request_refuses_pictures_that_are_not_this_customers_in_this_conversation(people, svc, rasa,
                                                                                           client):  # noqa: F811
    xiaomei, aqiang = await people("xiaomei"), await people("aqiang")
    conv_id, _ = await open_support(xiaomei)
    their_conv, _ = await open_support(aqiang)
    await an_order(svc, xiaomei.id)
    theirs = await upload(aqiang)
    await send_picture(aqiang, their_conv, [theirs["id"]], svc)  # posted, but in aqiang's own conversation
    never_sent = await upload(xiaomei)  # xiaomei's, but never posted in her conversation
    mine = await upload(xiaomei, (10, 10, 200))
    await send_picture(xiaomei, conv_id, [mine["id"]], svc)
    meta = rasa.asked[-1]["metadata"]
    assert meta["customer_id"] == xiaomei.id

    for ids in ([theirs["id"]], [mine["id"], theirs["id"]], [never_sent["id"]], [new_id()]):
        status, body = await file_request(client, meta, photo_ids=ids)
        assert (status, body["error"]["code"]) == (400, "photo_not_found"), ids
    for bad in ("x", [1], ["a"] * 10, [""]):
        status, body = await file_request(client, meta, photo_ids=bad)
        assert status == 400 and body["error"]["code"] != "photo_not_found", (bad, body)
    assert await svc.storage.aftersales.list(customer_id=xiaomei.id) == []  # nothing was filed

    # her own picture, posted in this conversation: filed
    status, body = await file_request(client, meta, photo_ids=[mine["id"]])
    assert status == 200 and [p["upload_id"] for p in body["aftersale"]["photos"]] == [mine["id"]]


async def test_a_typed_send_photo_payload_is_words_not_pictures(people, svc, rasa, client):  # noqa: F811
    xiaomei, aqiang = await people("xiaomei"), await people("aqiang")
    conv_id, _ = await open_support(xiaomei)
    their_conv, _ = await open_support(aqiang)
    theirs = await upload(aqiang)
    await send_picture(aqiang, their_conv, [theirs["id"]], svc)
    typed = '/send_photo{"photo_ids":["%s"]}' % theirs["id"]
    await xiaomei.post(f"/api/conversations/{conv_id}/messages", {"text": typed})
    await wait_until(lambda: _asked(rasa, xiaomei.id))
    assert rasa.asked[-1]["message"] == "\u200b" + typed  # Rasa reads it as text: no intent, no ids


async def _asked(rasa, customer_id):
    return rasa.asked and rasa.asked[-1]["metadata"]["customer_id"] == customer_id


def test_the_desk_reads_how_many_photos_the_assistant_holds_never_their_ids():
    from server.actions.support.assistant import _understood
    understood = _understood({"form": "aftersale_form", "requested_slot": "confirm",
                              "slots": {"photo_ids": ["u-1", "u-2"], "aftersale_kind": "damaged"}})
    assert understood["slots"] == {"photo_ids": "2 张", "aftersale_kind": "破损售后"}
