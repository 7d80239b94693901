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
