"""The app as a whole: health, OpenAPI, config, demo data, and the MongoDB backend end to end."""
from __future__ import annotations

import os

import pytest

from scripts.demo import DEMO_PASSWORD, USERS
from server.app import create_app
from server.config import Config
from server.transport.keys import SERVICES
from tests.conftest import app_for, make_config, open_backend


async def test_health_names_the_backend(client):
    resp = await client.get("/api/health")
    assert resp.status == 200 and await resp.json() == {"status": "ok", "storage": "sqlite", "bot": "off", "redis": "off"}


async def test_openapi_lists_every_route(client):
    spec = await (await client.get("/api/openapi.json")).json()
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    assert "post" in paths["/api/auth/register"] and "security" not in paths["/api/auth/register"]["post"]
    assert paths["/api/groups/{group_id}/threads"]["post"]["security"] == [{"bearer": []}]
    for route in client.server.app.router.routes():
        info = route.resource.get_info() if route.resource else {}
        path = info.get("path") or info.get("formatter")
        if path and path.startswith("/api/") and path != "/api/openapi.json" and route.method != "HEAD":
            assert route.method.lower() in paths.get(path, {}), (route.method, path)


def test_docs_cover_every_route_and_event():
    from server import events
    from server.transport.rest_base import ROUTES
    with open(os.path.join(os.path.dirname(__file__), "..", "..", "docs", "api.md"), encoding="utf-8") as f:
        doc = f.read()
    for route in ROUTES:
        assert f"`{route.method} {route.path}`" in doc, f"{route.method} {route.path} is not in docs/api.md"
    names = {v for k, v in vars(events).items() if k.isupper() and isinstance(v, str) and not v.endswith(":")}
    for name in names:
        assert f"`{name}`" in doc, f"event {name} is not in docs/api.md"


def test_config_from_env(tmp_path):
    cfg = Config.from_env({"CHAT_PORT": "9090", "CHAT_DATA_DIR": str(tmp_path), "CHAT_MONGODB_URI": ""})
    assert cfg.port == 9090 and cfg.backend == "sqlite" and cfg.data_dir == str(tmp_path)
    assert Config.from_env({"CHAT_MONGODB_URI": "mongodb://db:27017/shop"}).backend == "mongodb"
    assert Config.from_env({}).port == 8080 and Config.from_env({}).data_dir == "./data"
    with pytest.raises(SystemExit):
        Config.from_env({"CHAT_PORT": "eighty"})
    secret = cfg.ensure_secret()
    assert len(secret) == 64 and Config.from_env({"CHAT_DATA_DIR": str(tmp_path)}).ensure_secret() == secret
    assert Config.from_env({"CHAT_SECRET": "s3cret"}).ensure_secret() == "s3cret"


async def test_demo_is_seeded_once_and_only_into_an_empty_database(aiohttp_client, tmp_path):
    cfg = make_config(tmp_path, seed_demo=True)
    client = await aiohttp_client(app_for(cfg))
    resp = await client.post("/api/auth/login", json={"username": "xiaomei", "password": DEMO_PASSWORD})
    body = await resp.json()
    headers = {"Authorization": f"Bearer {body['token']}"}
    groups = (await (await client.get("/api/me/groups", headers=headers)).json())["groups"]
    assert {g["name"] for g in groups} >= {"好物分享群", "VIP 会员群"}
    haowu = next(g for g in groups if g["name"] == "好物分享群")
    threads = (await (await client.get(f"/api/groups/{haowu['id']}/threads", headers=headers)).json())["threads"]
    assert len(threads) >= 2 and haowu["announcement"]
    svc = client.server.app[SERVICES]
    users_before = await svc.storage.users.count()
    assert users_before == len(USERS) + 1  # and the assistant's account
    products_before = await svc.storage.products.search(query="", limit=100)
    assert len(products_before) >= 5
    await client.close()
    again = await aiohttp_client(app_for(cfg))  # same data dir: nothing seeded twice
    storage = again.server.app[SERVICES].storage
    assert await storage.users.count() == users_before
    assert len(await storage.products.search(query="", limit=100)) == len(products_before)


async def test_without_demo_only_the_assistant_exists(client, svc):
    assert await svc.storage.users.count() == 1
    assert (await svc.storage.users.get_by_username(username="xiaozhi")).role == "bot"
    assert await svc.storage.products.search(query="", limit=1) == []


async def test_the_app_runs_on_the_mongodb_backend(aiohttp_client, tmp_path, live):
    """The whole stack over the MongoDB store (mongomock-motor here unless MONGODB_URI is set)."""
    storages = []

    async def factory():
        storages.append(await open_backend("mongodb", tmp_path))
        return storages[-1]
    client = await aiohttp_client(create_app(make_config(tmp_path), storage_factory=factory))
    assert (await (await client.get("/api/health")).json())["storage"] == "mongodb"
    tokens = []
    for name in ("xiaomei", "aqiang"):
        resp = await client.post("/api/auth/register", json={"username": name, "password": "password-123"})
        tokens.append((await resp.json())["token"])
    h = [{"Authorization": f"Bearer {t}"} for t in tokens]
    g = (await (await client.post("/api/groups", json={"name": "蒙古群"}, headers=h[0])).json())["group"]
    await client.post(f"/api/groups/{g['id']}/join", headers=h[1])
    resp = await client.post(f"/api/conversations/{g['conversation_id']}/messages",
                             json={"text": "蓝牙耳机到货了", "client_msg_id": "x"}, headers=h[0])
    assert (await resp.json())["message"]["seq"] == 1
    found = await (await client.get("/api/search", params={"q": "耳机"}, headers=h[1])).json()
    assert [m["message"]["text"] for m in found["messages"]] == ["蓝牙耳机到货了"]
    unread = (await (await client.get("/api/me/groups", headers=h[1])).json())["groups"][0]["unread"]
    assert unread == 1
