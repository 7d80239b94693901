"""Where the bytes of pictures live, behind one interface on both backends, content-addressed (the key
is the SHA-256 of the bytes, so the same picture is stored once): files under CHAT_DATA_DIR/media with
the embedded SQLite default (DiskBlobs, here), GridFS with MongoDB (mongo/blobs.py), so a deployment of
several processes or machines needs nothing more."""
from __future__ import annotations

import asyncio
import hashlib
import os
import re
import tempfile
from typing import Protocol

KEY = re.compile(r"[0-9a-f]{64}")


def key_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BlobStore(Protocol):
    async def put(self, *, data: bytes) -> str:
        """Stores the bytes (once, whoever stored them first) and answers their key."""
    async def get(self, *, key: str) -> bytes | None: ...
    async def delete(self, *, key: str) -> None: ...


class DiskBlobs:
    def __init__(self, root: str):
        self.root = root

    def _path(self, key: str) -> str:
        if not KEY.fullmatch(key):
            raise ValueError("not a blob key")
        return os.path.join(self.root, key[:2], key[2:4], key)

    async def put(self, *, data: bytes) -> str:
        key = key_of(data)
        await asyncio.to_thread(self._write, self._path(key), data)
        return key

    @staticmethod
    def _write(path: str, data: bytes) -> None:
        if os.path.exists(path):
            return
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)  # whole or not at all: nothing half-stored
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    async def get(self, *, key: str) -> bytes | None:
        return await asyncio.to_thread(self._read, self._path(key))

    @staticmethod
    def _read(path: str) -> bytes | None:
        try:
            with open(path, "rb") as f:
                return f.read()
        except FileNotFoundError:
            return None

    async def delete(self, *, key: str) -> None:
        path = self._path(key)
        await asyncio.to_thread(self._unlink, path)

    @staticmethod
    def _unlink(path: str) -> None:
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
