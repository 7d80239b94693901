"""The web client's files, served by the platform itself: gzipped for browsers that accept it (compressed once
per version of a file and kept in memory), revalidated with an ETag so a reload costs a 304 per file."""
from __future__ import annotations

import gzip
import mimetypes
import os

from aiohttp import web

COMPRESSIBLE = (".js", ".css", ".html", ".json", ".svg", ".map")


class StaticFiles:
    def __init__(self, root: str):
        self.root = os.path.realpath(root)
        self._gzipped: dict[str, tuple[str, bytes]] = {}  # path -> (etag, body)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = os.path.realpath(os.path.join(self.root, request.match_info["path"]))
        if not path.startswith(self.root + os.sep) or not os.path.isfile(path):
            raise web.HTTPNotFound()
        st = os.stat(path)
        etag = f'"{st.st_mtime_ns:x}-{st.st_size:x}"'
        headers = {"Cache-Control": "no-cache", "ETag": etag, "Vary": "Accept-Encoding"}
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers=headers)
        if not path.endswith(COMPRESSIBLE) or "gzip" not in request.headers.get("Accept-Encoding", ""):
            return web.FileResponse(path, headers=headers)
        cached = self._gzipped.get(path)
        if cached is None or cached[0] != etag:
            with open(path, "rb") as f:
                cached = (etag, gzip.compress(f.read(), 9))
            self._gzipped[path] = cached
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type.endswith("javascript"):
            content_type += "; charset=utf-8"
        return web.Response(body=cached[1], headers={**headers, "Content-Encoding": "gzip", "Content-Type": content_type})
