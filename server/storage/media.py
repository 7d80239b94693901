"""Uploads over the document table (docs.py): read by id, listed by their owner and state (the
sweep of unattached ones), whole-document writes decided by a swap on the state, written at human
pace. The bytes themselves are in the blob store (blobs.py)."""
from __future__ import annotations

from ..domain.media import Upload
from .codec import decode as _decode
from .codec import encode as _encode
from .codec import to_ms
from .docs import DocTable


class UploadStore:
    """Owner: the uploader; state: pending or attached; sort: when it was uploaded; text: its content keys."""

    def __init__(self, table: DocTable):
        self.table = table

    @staticmethod
    def _columns(upload: Upload) -> dict:
        return {"id": upload.id, "doc": _encode(upload), "owner": upload.owner_id, "state": upload.state,
                "sort": to_ms(upload.created_at), "text": f"{upload.key} {upload.thumb_key}"}

    async def add(self, upload: Upload) -> Upload:
        await self.table.insert(**self._columns(upload))
        return upload

    async def get(self, *, upload_id: str) -> Upload | None:
        return _decode(Upload, await self.table.get(id=upload_id))

    async def swap(self, upload: Upload, *, expect_state: str) -> bool:
        return await self.table.swap(expect_state=expect_state, **self._columns(upload))

    async def list(self, *, owner_id: str | None = None, states: tuple[str, ...] | None = None,
                   limit: int = 50, ascending: bool = False) -> list[Upload]:
        docs = await self.table.find(owner=owner_id, states=states, limit=limit, ascending=ascending)
        return [_decode(Upload, d) for d in docs]

    async def using_key(self, *, key: str) -> int:
        """How many uploads (any owner) hold this content: the bytes go only when none does."""
        return len(await self.table.find(words=(key,), limit=2))

    async def delete(self, *, upload_id: str) -> None:
        await self.table.delete(id=upload_id)


class PictureStore:
    """What the picture checks found, kept where every process reads it:
    - readings (kind picture_reading): what one stored content holds (codes, text read, perceptual hash), by its
      content key: the same picture is read once, whoever posts it;
    - removed (kind removed_picture): the hashes of pictures moderators removed, matched against new ones;
    - holds (kind picture_hold): picture messages waiting for their checks (state pending until decided), so a
      process that dies mid-check leaves them to another one's sweep rather than held forever."""

    def __init__(self, readings: DocTable, removed: DocTable, holds: DocTable):
        self.readings, self.removed, self.holds = readings, removed, holds

    async def reading(self, *, key: str) -> dict | None:
        return await self.readings.get(id=key)

    async def put_reading(self, *, key: str, reading: dict, at_ms: int) -> None:
        await self.readings.put(id=key, doc=reading, sort=at_ms)

    async def remember_removed(self, *, id: str, doc: dict, at_ms: int) -> None:
        """One removed picture: {"phash", "key", "scope", "message_id", "rule", "moderator_id"}; a picture removed
        twice is remembered once (id: its content key)."""
        await self.removed.put(id=id, doc=doc, state="removed", sort=at_ms, text=doc.get("phash", ""))

    async def forget_removed(self, *, message_id: str) -> None:
        """A removal undone (lifted, or overturned on appeal): its pictures are no longer refused."""
        for doc in await self.removed_hashes():
            if doc.get("message_id") == message_id:
                await self.removed.swap(id=doc["key"], expect_state="removed", doc=doc, state="restored",
                                        sort=0, text=doc.get("phash", ""))

    async def removed_hashes(self, *, limit: int = 20000) -> list[dict]:
        return await self.removed.find(states=("removed",), limit=limit)

    async def hold(self, *, message_id: str, doc: dict, at_ms: int) -> None:
        await self.holds.put(id=message_id, doc=doc, state="pending", sort=at_ms)

    async def pending_holds(self, *, limit: int = 100) -> list[dict]:
        return await self.holds.find(states=("pending",), limit=limit, ascending=True)

    async def decide_hold(self, *, message_id: str, doc: dict, at_ms: int) -> bool:
        """Once: the process whose swap from pending wins applies the decision."""
        return await self.holds.swap(id=message_id, expect_state="pending", doc=doc, state="decided", sort=at_ms)
