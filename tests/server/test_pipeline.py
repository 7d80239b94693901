"""The moderation hook sits in the one send path: before anything is stored or published."""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from moderation import MessageContext, Verdict
from server.app import create_app
from tests.conftest import Persona, make_config, make_group

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Rules:
    def __init__(self):
        self.seen: list[MessageContext] = []

    def check(self, ctx: MessageContext) -> Verdict:
        self.seen.append(ctx)
        if "加微信" in ctx.text:
            return Verdict(action="block", categories=("diversion",), matches=("加微信",), rule="diversion.wechat")
        if "傻" in ctx.text:
            return Verdict(action="mask", categories=("abuse",), matches=("傻",), text=ctx.text.replace("傻", "＊"))
        return Verdict()


@pytest.fixture
async def moderated(aiohttp_client, tmp_path):
    rules = Rules()
    client = await aiohttp_client(create_app(make_config(tmp_path), moderation=rules))

    async def person(name):
        resp = await client.post("/api/auth/register", json={"username": name, "password": "password-123"})
        body = await resp.json()
        return Persona(body["token"], body["user"], client)
    return client, rules, person


async def test_blocked_messages_are_neither_stored_nor_published(moderated):
    client, rules, person = moderated
    owner = await person("owner")
    g = await make_group(owner)
    cid = g["conversation_id"]
    err = await owner.post(f"/api/conversations/{cid}/messages", {"text": "便宜出，加微信 abc"}, status=422)
    assert err["error"]["code"] == "moderation_blocked" and err["error"]["details"]["rule"] == "diversion.wechat"
    assert (await owner.get(f"/api/conversations/{cid}/messages"))["messages"] == []
    assert rules.seen[-1].conversation_kind == "group" and rules.seen[-1].group_id == g["id"]
    err = await owner.post(f"/api/groups/{g['id']}/threads", {"title": "出闲置", "text": "加微信聊"}, status=422)
    assert (await owner.get(f"/api/groups/{g['id']}/threads"))["threads"] == []  # no empty thread left behind


async def test_masked_messages_are_stored_masked_also_on_edit(moderated):
    client, rules, person = moderated
    owner = await person("owner")
    g = await make_group(owner)
    cid = g["conversation_id"]
    sent = (await owner.post(f"/api/conversations/{cid}/messages", {"text": "你真傻"}))["message"]
    assert sent["text"] == "你真＊"
    edited = (await owner.call("PATCH", f"/api/messages/{sent['id']}", {"text": "还是傻"}))["message"]
    assert edited["text"] == "还是＊"
    err = await owner.call("PATCH", f"/api/messages/{sent['id']}", {"text": "加微信"}, status=422)
    assert err["error"]["code"] == "moderation_blocked"
    assert (await owner.get(f"/api/conversations/{cid}/messages"))["messages"][0]["text"] == "还是＊"


def _services(config: str) -> dict[str, str]:
    """The service blocks of `docker-compose config`'s normalised output, by name (no YAML parser here)."""
    blocks: dict[str, list[str]] = {}
    current = None
    in_services = False
    for line in config.splitlines():
        if not line.startswith(" "):
            in_services, current = line == "services:", None
        elif in_services and line.startswith("  ") and not line.startswith("   "):
            current = line.strip().rstrip(":")
            blocks[current] = []
        elif current is not None:
            blocks[current].append(line)
    return {name: "\n".join(lines) for name, lines in blocks.items()}


@pytest.mark.skipif(shutil.which("docker-compose") is None,
                    reason="Debian's docker-compose is not installed (apt-get install docker-compose)")
def test_compose_file_is_valid(tmp_path):
    empty_env = tmp_path / "env"  # a .env in the checkout must not supply the secrets checked for below
    empty_env.write_text("")
    compose = ["docker-compose", "--env-file", str(empty_env), "-f", os.path.join(ROOT, "docker-compose.yml"), "config"]
    env = {**os.environ, "CHAT_BOT_SECRET": "a-secret-for-the-check", "CHAT_SECRET": "another-secret-for-the-check"}
    out = subprocess.run(compose, capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 0, out.stderr
    services = _services(out.stdout)
    for service in ("mongo", "redis", "rasa", "actions"):
        assert service in services, sorted(services)
    assert "redis-cli" in services["redis"] and "ping" in services["redis"]

    # several server replicas, all on MongoDB and Redis, sharing one token secret
    replicas = [name for name, block in services.items() if "CHAT_REDIS_URL: redis://redis:6379" in block]
    assert len(replicas) >= 2, sorted(services)
    for name in replicas:
        block = services[name]
        assert "CHAT_MONGODB_URI: mongodb://mongo:27017/" in block
        assert "CHAT_SECRET: another-secret-for-the-check" in block
        assert "published: 8080" not in block  # only the load balancer is reachable from outside

    # the load balancer: nginx publishing 8080 with deploy/nginx.conf, which lists every replica
    # and passes websocket upgrades through
    lbs = [name for name, block in services.items() if "image: nginx:" in block]
    assert len(lbs) == 1, sorted(services)
    lb = services[lbs[0]]
    assert "published: 8080" in lb and "target: 8080" in lb
    assert "deploy/nginx.conf:/etc/nginx/nginx.conf:ro" in lb
    with open(os.path.join(ROOT, "deploy", "nginx.conf")) as f:
        nginx = " ".join(line.split("#", 1)[0].strip() for line in f)
    assert "proxy_http_version 1.1;" in nginx
    assert "proxy_set_header Upgrade $http_upgrade;" in nginx
    assert "proxy_set_header Connection $connection_upgrade;" in nginx
    for name in replicas:
        assert f"server {name}:8080" in nginx, name
    assert "SHOPCHAT_PLATFORM_URL: http://" in services["actions"]

    # no default secret in production: each is required
    for secret in ("CHAT_BOT_SECRET", "CHAT_SECRET"):
        without = {k: v for k, v in env.items() if k != secret}
        refused = subprocess.run(compose + ["--quiet"], capture_output=True, text=True, timeout=60, env=without)
        assert refused.returncode != 0 and f"set {secret} in .env" in refused.stderr, refused.stderr
