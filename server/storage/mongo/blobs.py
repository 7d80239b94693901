"""Picture bytes in GridFS, written to the GridFS spec over two collections (`media.files`,
`media.chunks`) with the async driver: any GridFS tool reads them, and the same code runs against
mongomock-motor in the contract tests. The files document is written after its chunks, so a file
that can be found is whole; its id is the content key, so the same picture is stored once."""
from __future__ import annotations

from datetime import datetime, timezone

from pymongo.errors import DuplicateKeyError

from ..blobs import KEY, key_of

CHUNK = 255 * 1024  # GridFS's default chunk size


class GridFSBlobs:
    def __init__(self, db, bucket: str = "media"):
        self.files, self.chunks = db[f"{bucket}.files"], db[f"{bucket}.chunks"]

    async def put(self, *, data: bytes) -> str:
        key = key_of(data)
        if await self.files.find_one({"_id": key}, {"_id": 1}):
            return key
        for n, start in enumerate(range(0, len(data), CHUNK)):
            try:
                await self.chunks.insert_one({"files_id": key, "n": n, "data": data[start:start + CHUNK]})
            except DuplicateKeyError:  # left by a crash mid-write, or written by another process now: the
                pass                   # key is the bytes' hash, so that chunk holds these very bytes
        try:
            await self.files.insert_one({"_id": key, "length": len(data), "chunkSize": CHUNK,
                                         "uploadDate": datetime.now(timezone.utc), "filename": key})
        except DuplicateKeyError:  # another process stored the same picture meanwhile: same bytes
            pass
        return key

    async def get(self, *, key: str) -> bytes | None:
        if not KEY.fullmatch(key):
            raise ValueError("not a blob key")
        meta = await self.files.find_one({"_id": key})
        if meta is None:
            return None
        parts = [c["data"] async for c in self.chunks.find({"files_id": key}).sort("n", 1)]
        data = b"".join(bytes(p) for p in parts)
        return data if len(data) == meta["length"] else None

    async def delete(self, *, key: str) -> None:
        await self.files.delete_one({"_id": key})
        await self.chunks.delete_many({"files_id": key})
