"""Pictures: uploading (types from the bytes, limits, re-encoding without EXIF, thumbnails), who may
load them (signed addresses, tampered and expired ones), picture messages (only one's own uploads, at
most nine) and the sweep of uploads never attached."""
from __future__ import annotations

import io
import struct
import zlib

import pytest
from aiohttp import FormData
from PIL import Image

from server.app import create_app
from server.media import images
from tests.conftest import make_config, make_group


@pytest.fixture
def config(tmp_path):
    return make_config(tmp_path, uploads_per_hour=5)


@pytest.fixture
async def client(aiohttp_client, config, clock):
    return await aiohttp_client(create_app(config, clock=clock))


def jpeg_with_location(size=(1600, 1200)) -> bytes:
    image = Image.new("RGB", size, (30, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"                      # Make
    exif[0x8825] = {2: (31.0, 14.0, 0.0), 4: (121.0, 28.0, 0.0)}  # GPS: latitude, longitude
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def encoded(fmt: str, size=(64, 48), mode="RGB", **kw) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 30, 128) if mode == "RGBA" else (200, 30, 30)).save(out, fmt, **kw)
    return out.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header says it is huge (a decompression bomb)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + \
        chunk(b"IEND", b"")


async def upload(persona, data: bytes, *, name="photo.jpg", status=200, field="file"):
    form = FormData()
    form.add_field(field, io.BytesIO(data), filename=name, content_type="application/octet-stream")
    resp = await persona.http.post("/api/uploads", data=form, headers=persona.headers)
    body = await resp.json()
    assert resp.status == status, body
    return body


async def load(persona_or_http, url: str, status=200):
    http = getattr(persona_or_http, "http", persona_or_http)
    resp = await http.get(url)
    assert resp.status == status, (url, resp.status, await resp.text())
    return resp, await resp.read()


async def test_a_photo_is_stored_without_its_location_with_a_thumbnail(people):
    xiaomei = await people("xiaomei")
    body = (await upload(xiaomei, jpeg_with_location()))["upload"]
    assert set(body) == {"id", "url", "thumb_url", "mime", "width", "height", "bytes"}
    assert (body["mime"], body["width"], body["height"]) == ("image/jpeg", 1600, 1200)
    resp, data = await load(xiaomei, body["url"])
    assert resp.headers["Content-Type"] == "image/jpeg" and resp.headers["X-Content-Type-Options"] == "nosniff"
    assert "immutable" in resp.headers["Cache-Control"] and len(data) == body["bytes"]
    stored = Image.open(io.BytesIO(data))
    assert not stored.getexif() and "exif" not in stored.info
    resp, thumb = await load(xiaomei, body["thumb_url"])
    assert max(Image.open(io.BytesIO(thumb)).size) == images.THUMB_SIDE


@pytest.mark.parametrize("data,mime", [
    (encoded("PNG", mode="RGBA"), "image/png"), (encoded("PNG"), "image/png"), (encoded("WEBP"), "image/webp"),
    (encoded("GIF"), "image/gif"), (encoded("HEIF"), "image/jpeg")])
async def test_each_picture_type_and_heic_from_phones(people, data, mime):
    xiaomei = await people("xiaomei")
    body = (await upload(xiaomei, data, name="x.bin"))["upload"]
    assert (body["mime"], body["width"], body["height"]) == (mime, 64, 48)
    resp, stored = await load(xiaomei, body["url"])
    assert Image.open(io.BytesIO(stored)).size == (64, 48)


async def test_an_animated_gif_keeps_its_frames(people):
    frames = [Image.new("RGB", (32, 32), (i * 60, 255 - i * 60, 0)) for i in range(4)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    xiaomei = await people("xiaomei")
    body = (await upload(xiaomei, out.getvalue()))["upload"]
    _, stored = await load(xiaomei, body["url"])
    assert Image.open(io.BytesIO(stored)).n_frames == 4


async def test_the_same_picture_is_stored_once(people, svc):
    xiaomei, aqiang = await people("xiaomei"), await people("aqiang")
    photo = jpeg_with_location((300, 200))
    one, two = (await upload(xiaomei, photo))["upload"], (await upload(aqiang, photo))["upload"]
    assert one["id"] != two["id"]
    a, b = (await svc.storage.uploads.get(upload_id=one["id"])), (await svc.storage.uploads.get(upload_id=two["id"]))
    assert a.key == b.key


@pytest.mark.parametrize("data,status,code", [
    (b"", 422, "empty_file"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 415, "unsupported_media_type"),
    (b"GIF89a" + b"\x00" * 5, 422, "image_unreadable"),
    (None, 422, "image_unreadable"),  # a truncated JPEG
    (png_claiming(20_000, 20_000), 413, "image_too_large"),
    (png_claiming(7_000, 7_000), 413, "image_too_large"),  # past our 40 MP, not yet past Pillow's own guard
    (b"%PDF-1.4 not a picture", 415, "unsupported_media_type"),
])
async def test_bad_files_are_refused_with_a_code_and_nothing_stored(people, svc, data, status, code):
    if data is None:
        data = jpeg_with_location((400, 300))[:600]
    xiaomei = await people("xiaomei")
    body = await upload(xiaomei, data, name="photo.jpg", status=status)
    assert body["error"]["code"] == code
    assert await svc.storage.uploads.list(owner_id=xiaomei.id) == []


async def test_anything_hidden_after_the_picture_is_gone(people):
    polyglot = jpeg_with_location((200, 100)) + b"PK\x03\x04" + b"zip payload" * 100
    xiaomei = await people("xiaomei")
    body = (await upload(xiaomei, polyglot))["upload"]
    _, stored = await load(xiaomei, body["url"])
    assert b"PK\x03\x04" not in stored and b"zip payload" not in stored


async def test_too_big_a_file_is_413_and_uploads_are_rate_limited(people):
    xiaomei = await people("xiaomei")
    body = await upload(xiaomei, b"\xff\xd8\xff" + b"\x00" * (images.MAX_BYTES + 10), status=413)
    assert body["error"]["code"] == "upload_too_large"
    for _ in range(5):
        await upload(xiaomei, encoded("PNG"))
    body = await upload(xiaomei, encoded("PNG"), status=429)
    assert body["error"]["code"] == "upload_rate_limited" and body["error"]["details"]["retry_after"] > 0


async def test_the_form_must_be_multipart_with_a_file_and_the_uploader_logged_in(people, client):
    xiaomei = await people("xiaomei")
    body = await upload(xiaomei, encoded("PNG"), field="picture", status=400)
    assert body["error"]["details"]["field"] == "file"
    resp = await xiaomei.http.post("/api/uploads", json={"file": "x"}, headers=xiaomei.headers)
    assert resp.status == 400
    form = FormData()
    form.add_field("file", encoded("PNG"), filename="x.png")
    resp = await client.post("/api/uploads", data=form)
    assert resp.status == 401


async def test_a_tampered_or_expired_address_is_refused(people, clock):
    xiaomei, aqiang = await people("xiaomei"), await people("aqiang")
    body = (await upload(xiaomei, encoded("PNG")))["upload"]
    await load(xiaomei, body["url"])
    # the address names its viewer: someone else's id in it breaks the signature
    forged = body["url"].replace(f"u={xiaomei.id}", f"u={aqiang.id}")
    _, answer = await load(aqiang, forged, status=403)
    assert b"media_bad_signature" in answer
    await load(xiaomei, body["url"].replace("&s=", "&s=0"), status=403)
    await load(xiaomei, body["url"].replace("/thumb", "") + "x", status=403)
    clock.advance(hours=3)
    _, answer = await load(xiaomei, body["url"], status=403)
    assert b"media_expired" in answer


async def test_a_group_picture_is_seen_by_members_only(people, clock):
    owner, xiaomei, outsider = await people("owner"), await people("xiaomei"), await people("outsider")
    group = await make_group(owner)
    await xiaomei.post(f"/api/groups/{group['id']}/join")
    shots = [(await upload(xiaomei, jpeg_with_location((300 + i, 200))))["upload"] for i in range(2)]
    sent = (await xiaomei.post(f"/api/conversations/{group['conversation_id']}/messages",
                               {"type": "image", "images": [{"upload_id": s["id"]} for s in shots],
                                "text": "晒单：卫衣收到了"}))["message"]
    assert sent["type"] == "image" and [i["upload_id"] for i in sent["card"]["images"]] == [s["id"] for s in shots]
    assert "url" not in str(sent["card"])  # addresses are per reader
    ids = [s["id"] for s in shots]
    seen = (await owner.post("/api/uploads/addresses", {"upload_ids": ids}))["uploads"]
    assert set(seen) == set(ids)
    await load(owner, seen[ids[0]]["thumb_url"])
    assert (await outsider.post("/api/uploads/addresses", {"upload_ids": ids}))["uploads"] == {}
    await load(outsider, seen[ids[0]]["url"].replace(f"u={owner.id}", f"u={outsider.id}"), status=403)


async def test_a_member_who_left_loses_the_pictures(people):
    owner, xiaomei, aqiang = await people("owner"), await people("xiaomei"), await people("aqiang")
    group = await make_group(owner)
    for p in (xiaomei, aqiang):
        await p.post(f"/api/groups/{group['id']}/join")
    shot = (await upload(xiaomei, encoded("PNG")))["upload"]
    await xiaomei.post(f"/api/conversations/{group['conversation_id']}/messages",
                       {"type": "image", "image": {"upload_id": shot["id"]}})
    address = (await aqiang.post("/api/uploads/addresses", {"upload_ids": [shot["id"]]}))["uploads"][shot["id"]]
    await load(aqiang, address["url"])
    await aqiang.post(f"/api/groups/{group['id']}/leave")
    await load(aqiang, address["url"], status=404)


async def test_a_picture_message_takes_only_ones_own_uploads_up_to_nine(people):
    owner, xiaomei = await people("owner"), await people("xiaomei")
    group = await make_group(owner)
    await xiaomei.post(f"/api/groups/{group['id']}/join")
    conv = f"/api/conversations/{group['conversation_id']}/messages"
    theirs = (await upload(owner, encoded("PNG")))["upload"]
    body = await xiaomei.call("POST", conv, {"type": "image", "image": {"upload_id": theirs["id"]}}, status=404)
    assert body["error"]["code"] == "upload_not_found"
    mine = (await upload(xiaomei, encoded("PNG")))["upload"]
    body = await xiaomei.call("POST", conv, {"type": "image", "images": [{"upload_id": mine["id"]}] * 2}, status=400)
    assert body["error"]["details"]["field"] == "images"
    body = await xiaomei.call("POST", conv, {"type": "image", "images": [{"upload_id": mine["id"]}] * 10},
                              status=400)
    await xiaomei.call("POST", conv, {"type": "image"}, status=400)
    body = await xiaomei.call("POST", conv, {"type": "image", "image": {"upload_id": mine["id"]}, "text": "加微信领券"},
                              status=422)
    assert body["error"]["code"] == "moderation_blocked"  # the words beside a picture are moderated


async def test_uploads_never_attached_are_swept_after_a_day(people, svc, clock):
    from server.actions.uploads import sweep_unattached
    owner, xiaomei = await people("owner"), await people("xiaomei")
    group = await make_group(owner)
    await xiaomei.post(f"/api/groups/{group['id']}/join")
    kept = (await upload(xiaomei, encoded("PNG", size=(10, 10))))["upload"]
    dropped = (await upload(xiaomei, encoded("PNG", size=(12, 12))))["upload"]
    await xiaomei.post(f"/api/conversations/{group['conversation_id']}/messages",
                       {"type": "image", "image": {"upload_id": kept["id"]}})
    clock.advance(hours=2)
    assert await sweep_unattached(svc) == 0
    clock.advance(hours=23)
    gone = await svc.storage.uploads.get(upload_id=dropped["id"])
    assert await sweep_unattached(svc) == 1
    assert await svc.storage.uploads.get(upload_id=dropped["id"]) is None
    assert await svc.storage.blobs.get(key=gone.key) is None
    assert await svc.storage.uploads.get(upload_id=kept["id"]) is not None
