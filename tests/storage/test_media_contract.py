"""The pictures' stores over both backends: the blob store (files on disk / GridFS), content-addressed,
and the upload records (pending → attached by compare-and-set, listed for the sweep, removed)."""
from __future__ import annotations

import os
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from server.domain.media import Upload
from server.storage.base import DuplicateError, new_id
from server.storage.blobs import key_of

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)


async def test_blobs_are_stored_once_by_content_and_read_back_whole(storage):
    big = os.urandom(600 * 1024)  # more than two GridFS chunks
    key = await storage.blobs.put(data=big)
    assert key == key_of(big) and await storage.blobs.put(data=big) == key
    assert await storage.blobs.get(key=key) == big
    small = b"\x89PNG tiny"
    assert await storage.blobs.get(key=await storage.blobs.put(data=small)) == small
    await storage.blobs.delete(key=key)
    assert await storage.blobs.get(key=key) is None
    assert await storage.blobs.get(key=key_of(small)) == small
    await storage.blobs.delete(key=key)  # twice: nothing to do, no error


async def test_a_blob_key_is_a_sha256_never_a_path(storage):
    for bad in ("../../etc/passwd", "abc", "A" * 64):
        with pytest.raises(ValueError):
            await storage.blobs.get(key=bad)


def _upload(owner="u1", at=T0, key="a" * 64) -> Upload:
    return Upload(id=new_id(), owner_id=owner, key=key, thumb_key="b" * 64, mime="image/jpeg", width=800, height=600,
                  bytes=1234, created_at=at)


async def test_uploads_move_from_pending_to_attached_once_and_are_swept(storage):
    first, later = _upload(), _upload(at=T0 + timedelta(hours=2), key="c" * 64)
    await storage.uploads.add(first)
    await storage.uploads.add(later)
    with pytest.raises(DuplicateError):
        await storage.uploads.add(first)
    assert await storage.uploads.get(upload_id=first.id) == first
    pending = await storage.uploads.list(states=("pending",), ascending=True)
    assert [u.id for u in pending] == [first.id, later.id]
    attached = replace(first, state="attached", conversations=["c1"])
    assert await storage.uploads.swap(attached, expect_state="pending")
    assert not await storage.uploads.swap(replace(first, state="attached", conversations=["c2"]),
                                          expect_state="pending")  # someone changed it first
    assert (await storage.uploads.get(upload_id=first.id)).conversations == ["c1"]
    assert [u.id for u in await storage.uploads.list(states=("pending",))] == [later.id]
    assert await storage.uploads.using_key(key="a" * 64) == 1 and await storage.uploads.using_key(key="b" * 64) == 2
    await storage.uploads.delete(upload_id=later.id)
    assert await storage.uploads.get(upload_id=later.id) is None
    assert await storage.uploads.using_key(key="c" * 64) == 0


async def test_picture_readings_removed_hashes_and_holds(storage):
    """What the picture checks keep: a reading per content key, the removed pictures' hashes (forgotten when a
    removal is undone), and holds decided once."""
    pictures = storage.pictures
    key = "c" * 64
    assert await pictures.reading(key=key) is None
    reading = {"codes": ["https://u.wechat.com/x"], "text": "加我微信", "phash": "e996926996696996", "error": None,
               "ms": 12.5}
    await pictures.put_reading(key=key, reading=reading, at_ms=1)
    await pictures.put_reading(key=key, reading=reading, at_ms=2)  # read twice (two processes): one record
    assert await pictures.reading(key=key) == reading

    doc = {"phash": "e996926996696996", "key": key, "scope": "g1", "message_id": "m1", "rule": "report:spam",
           "categories": ["spam"], "moderator_id": "mod"}
    await pictures.remember_removed(id=key, doc=doc, at_ms=3)
    await pictures.remember_removed(id="d" * 64, doc={**doc, "key": "d" * 64, "message_id": "m2"}, at_ms=4)
    assert {d["message_id"] for d in await pictures.removed_hashes()} == {"m1", "m2"}
    await pictures.forget_removed(message_id="m1")
    assert [d["message_id"] for d in await pictures.removed_hashes()] == ["m2"]

    for i, message_id in enumerate(("h1", "h2")):
        await pictures.hold(message_id=message_id, doc={"message_id": message_id, "at": i}, at_ms=i)
    assert [h["message_id"] for h in await pictures.pending_holds()] == ["h1", "h2"]  # oldest first
    assert await pictures.decide_hold(message_id="h1", doc={"message_id": "h1", "outcome": "released"}, at_ms=9)
    assert not await pictures.decide_hold(message_id="h1", doc={"message_id": "h1", "outcome": "refused"}, at_ms=9)
    assert [h["message_id"] for h in await pictures.pending_holds()] == ["h2"]
