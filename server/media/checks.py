"""The worker pool that reads pictures (moderation.pictures.read_picture: codes, OCR, hash), off the event
loop, once per stored content. A picture is read as soon as it is uploaded, so by the time its message
is sent the reading is usually there; a reading is stored (storage.pictures) for every process to use.

`reading(upload, wait=)`: the stored reading, or this process's reading in progress awaited for `wait`
seconds (None: until it ends), or a new one started here (another process that got the upload may be
reading it too: the two agree, since they read the same bytes). A reading that takes longer than the
budget ends as an error reading, and a picture with an error reading is held for a moderator: nothing
is ever delivered unchecked."""
from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor

from moderation.pictures import PictureReading, read_picture

from ..domain.media import Upload

log = logging.getLogger(__name__)


class PictureChecker:
    def __init__(self, storage, clock, *, workers: int = 1, budget_seconds: float = 30.0, ocr: bool = True):
        self.storage, self.clock = storage, clock
        self.budget, self.ocr = budget_seconds, ocr
        self._pool = ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="picture-check")
        self._reading: dict[str, asyncio.Task] = {}

    def start(self, upload: Upload) -> None:
        """Starts reading a just-uploaded picture (its message will want the result)."""
        self._begin(upload.key)

    def _begin(self, key: str) -> asyncio.Task:
        if key not in self._reading:
            self._reading[key] = asyncio.get_running_loop().create_task(self._read(key))
        return self._reading[key]

    async def reading(self, upload: Upload, *, wait: float | None = None) -> PictureReading | None:
        """The picture's reading; None when it isn't done within `wait` seconds."""
        stored = await self.storage.pictures.reading(key=upload.key)
        if stored is not None:
            return PictureReading.from_doc(stored)
        task = self._begin(upload.key)
        try:
            return await asyncio.wait_for(asyncio.shield(task), wait)
        except asyncio.TimeoutError:
            return None

    async def _read(self, key: str) -> PictureReading:
        try:
            stored = await self.storage.pictures.reading(key=key)
            if stored is not None:
                return PictureReading.from_doc(stored)
            data = await self.storage.blobs.get(key=key)
            if data is None:
                reading = PictureReading(error="missing")
            else:
                loop = asyncio.get_running_loop()
                try:
                    reading = await asyncio.wait_for(
                        loop.run_in_executor(self._pool, lambda: read_picture(data, ocr=self.ocr)), self.budget)
                except asyncio.TimeoutError:  # the thread goes on and its answer is dropped; the picture waits
                    log.warning("reading picture %s took over %ss", key[:12], self.budget)
                    reading = PictureReading(error="timeout", ms=self.budget * 1000)
            if reading.error not in ("missing", "timeout"):  # kept: the same bytes read the same; else tried again
                await self.storage.pictures.put_reading(key=key, reading=reading.to_doc(),
                                                        at_ms=int(self.clock.now().timestamp() * 1000))
            return reading
        finally:
            self._reading.pop(key, None)

    async def close(self) -> None:
        for task in list(self._reading.values()):
            task.cancel()
        await asyncio.gather(*self._reading.values(), return_exceptions=True)
        self._pool.shutdown(wait=False, cancel_futures=True)
