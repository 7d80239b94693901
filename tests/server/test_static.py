"""The web client's files: gzipped when the browser accepts it, revalidated by ETag, nothing outside web/static."""
from __future__ import annotations

import gzip
import os

from server.app import CSP, create_app
from tests.conftest import make_config


async def test_static_files_are_gzipped_revalidated_and_confined(aiohttp_client, tmp_path):
    config = make_config(tmp_path)
    client = await aiohttp_client(create_app(config))
    with open(os.path.join(config.web_dir, "static", "app.js"), "rb") as f:
        source = f.read()

    resp = await client.get("/static/app.js", headers={"Accept-Encoding": "gzip"}, auto_decompress=False)
    assert resp.status == 200 and resp.headers["Content-Encoding"] == "gzip"
    assert resp.headers["Content-Type"].startswith("text/javascript") or "javascript" in resp.headers["Content-Type"]
    body = await resp.read()
    assert gzip.decompress(body) == source and len(body) < len(source) / 2
    etag = resp.headers["ETag"]

    again = await client.get("/static/app.js", headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status == 304

    plain = await client.get("/static/app.js", headers={"Accept-Encoding": "identity"})
    assert plain.status == 200 and "Content-Encoding" not in plain.headers and await plain.read() == source

    for path in ("/static/../../server/config.py", "/static/%2e%2e/%2e%2e/server/config.py", "/static/nope.js",
                 "/static/vendor/../../index.html"):
        assert (await client.get(path)).status == 404, path


async def test_every_answer_carries_the_safety_headers_and_no_versions(aiohttp_client, tmp_path):
    client = await aiohttp_client(create_app(make_config(tmp_path)))
    for path in ("/", "/static/app.js", "/api/health", "/api/me", "/api/nope"):
        resp = await client.get(path)
        assert resp.headers["X-Content-Type-Options"] == "nosniff", path
        assert resp.headers["Referrer-Policy"] == "no-referrer" and resp.headers["X-Frame-Options"] == "DENY"
        csp = resp.headers["Content-Security-Policy"]
        assert csp == CSP, path
        for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "object-src 'none'",
                          "base-uri 'none'", "frame-ancestors 'none'"):
            assert directive in csp.split("; "), directive
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert resp.headers["Server"] == "ShopChat", path
