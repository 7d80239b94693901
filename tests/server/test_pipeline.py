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


@pytest.mark.skipif(shutil.which("docker-compose") is None,
                    reason="Debian's docker-compose is not installed (apt-get install docker-compose)")
def test_compose_file_is_valid():
    compose = ["docker-compose", "-f", os.path.join(ROOT, "docker-compose.yml"), "config"]
    env = {**os.environ, "CHAT_BOT_SECRET": "a-secret-for-the-check"}
    out = subprocess.run(compose, capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 0, out.stderr
    for service in ("mongo", "server", "rasa", "actions"):
        assert f"  {service}:" in out.stdout
    env.pop("CHAT_BOT_SECRET")
    refused = subprocess.run(compose + ["--quiet"], capture_output=True, text=True, timeout=60, env=env)
    assert refused.returncode != 0 and "CHAT_BOT_SECRET" in refused.stderr  # no default secret in production
