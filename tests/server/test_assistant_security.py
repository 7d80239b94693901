"""The assistant's services locked: Rasa is asked with its token, each conversation always on the same Rasa
worker; the signed identity is bound to its conversation and expires; only offered buttons reach Rasa as
intents, typed "/intent" text reaches it as words; /internal/* off the public port when an internal one is set."""
from __future__ import annotations

import socket

import pytest
from aiohttp import web

from server.app import create_app
from server.clock import FakeClock
from server.integrations.rasa import IDENTITY_SECONDS, BotClient, escape_text, sign_customer
from tests.conftest import make_config

from .support_helpers import IN_HOURS, StandInRasa, serve

SECRET = "s3cret"


class RecordingRasa(StandInRasa):
    """The stand-in Rasa that also keeps the token each request came with, and refuses a wrong one."""

    def __init__(self, token: str):
        super().__init__()
        self.token = token
        self.tokens: list[str] = []

    async def webhook(self, request):
        self.tokens.append(request.query.get("token", ""))
        if request.query.get("token") != self.token:
            return web.json_response({"message": "User is not authenticated."}, status=401)
        return await super().webhook(request)


@pytest.fixture
async def rasa(aiohttp_server):
    stand_in = RecordingRasa("rasa-tok")
    return await serve(aiohttp_server, stand_in)


@pytest.fixture
def clock():
    return FakeClock(IN_HOURS)


@pytest.fixture
def config(tmp_path, rasa):
    return make_config(tmp_path, bot=True, bot_url=rasa.url, bot_timeout_seconds=0.5, bot_secret=SECRET,
                       rasa_token="rasa-tok", seed_demo=False)


@pytest.fixture
async def client(aiohttp_client, config, clock):
    return await aiohttp_client(create_app(config, clock=clock))


async def open_support(persona) -> str:
    return (await persona.post("/api/support"))["conversation"]["id"]


async def say(persona, conv_id, svc, text, **extra):
    await persona.post(f"/api/conversations/{conv_id}/messages", {"text": text, **extra})
    await svc.tasks.join()


def identity_headers(customer_id: str, conversation_id: str, expires: int, secret: str = SECRET) -> dict:
    return {"X-Bot-Secret": SECRET, "X-Customer": customer_id, "X-Conversation": conversation_id,
            "X-Customer-Expires": str(expires),
            "X-Customer-Sig": sign_customer(secret, customer_id, conversation_id, expires)}


async def test_rasa_is_asked_with_its_token_and_a_signed_expiring_identity(people, svc, rasa, clock):
    xiaomei = await people("xiaomei")
    conv_id = await open_support(xiaomei)
    await say(xiaomei, conv_id, svc, "我的快递到哪了")
    assert rasa.tokens == ["rasa-tok"]
    metadata = rasa.asked[-1]["metadata"]
    assert metadata["conversation_id"] == conv_id == rasa.asked[-1]["sender"]
    assert metadata["expires"] == int(clock.now().timestamp()) + IDENTITY_SECONDS
    assert metadata["signature"] == sign_customer(SECRET, xiaomei.id, conv_id, metadata["expires"])


async def test_a_wrong_rasa_token_means_the_assistant_did_not_answer(people, svc, rasa):
    rasa.token = "another"
    xiaomei = await people("xiaomei")
    conv_id = await open_support(xiaomei)
    await say(xiaomei, conv_id, svc, "你好")
    assert rasa.asked == [] and (await xiaomei.get(f"/api/support/cases/{conv_id}"))["support"]["state"] != "bot"


async def test_typed_slash_text_goes_to_rasa_as_words_never_as_an_intent(people, svc, rasa):
    xiaomei = await people("xiaomei")
    conv_id = await open_support(xiaomei)
    for typed in ("/restart", '/track_order{"order_id":"SC20261101001"}', "  /human_handoff"):
        await say(xiaomei, conv_id, svc, typed)
        sent = rasa.asked[-1]["message"]
        assert not sent.lstrip().startswith("/") and sent.endswith(typed.strip())
    await say(xiaomei, conv_id, svc, "价格 1/2")
    assert rasa.asked[-1]["message"] == "价格 1/2"  # a slash later on is left alone


async def test_only_a_button_the_assistant_offered_is_sent_as_its_payload(people, svc, rasa):
    xiaomei = await people("xiaomei")
    conv_id = await open_support(xiaomei)  # the greeting offers /track_order and /human_handoff
    await say(xiaomei, conv_id, svc, "我的订单到哪了", payload="/track_order")
    assert rasa.asked[-1]["message"] == "/track_order"
    forged = '/request_return{"order_id":"SC20261101001","sku":"SC-HOODIE-01"}'
    await say(xiaomei, conv_id, svc, "退货", payload=forged)
    assert rasa.asked[-1]["message"] == "退货"  # never offered: the title, as text
    rasa.script = lambda text: [{"text": "要退哪一单？", "buttons": [{"title": "SC1", "payload": forged}]}]
    await say(xiaomei, conv_id, svc, "我要退货")
    await say(xiaomei, conv_id, svc, "SC1", payload=forged)
    assert rasa.asked[-1]["message"] == forged  # offered now: accepted


async def test_another_customers_payload_offer_does_not_count(people, svc, rasa):
    xiaomei, aqiang = await people("xiaomei"), await people("aqiang")
    forged = '/request_return{"order_id":"SC9"}'
    rasa.script = lambda text: [{"text": "选一个", "buttons": [{"title": "SC9", "payload": forged}]}]
    await say(xiaomei, await open_support(xiaomei), svc, "退货")
    rasa.script = lambda text: [{"text": "好的"}]
    theirs = await open_support(aqiang)
    await say(aqiang, theirs, svc, "SC9", payload=forged)
    assert rasa.asked[-1]["message"] == "SC9"


async def test_the_internal_api_refuses_expired_or_misbound_identities(client, people, svc, clock):
    xiaomei, aqiang = await people("xiaomei"), await people("aqiang")
    mine, theirs = await open_support(xiaomei), await open_support(aqiang)
    now = int(clock.now().timestamp())

    async def orders(headers) -> tuple[int, str]:
        resp = await client.get("/internal/bot/orders", headers=headers)
        body = await resp.json()
        return resp.status, (body.get("error") or {}).get("code", "")

    assert (await orders(identity_headers(xiaomei.id, mine, now + 60)))[0] == 200
    assert await orders(identity_headers(xiaomei.id, mine, now - 1)) == (403, "customer_signature_expired")
    # signed by the platform, but for a conversation that is someone else's support conversation
    assert await orders(identity_headers(xiaomei.id, theirs, now + 60)) == (403, "not_customer_conversation")
    assert await orders(identity_headers(xiaomei.id, "not-a-conversation", now + 60)) == \
        (403, "not_customer_conversation")
    # the expiry moved on without a new signature
    stretched = {**identity_headers(xiaomei.id, mine, now - 1), "X-Customer-Expires": str(now + 3600)}
    assert await orders(stretched) == (403, "bad_customer_signature")
    # the old signature (customer and conversation only) is worth nothing now
    no_expiry = {**identity_headers(xiaomei.id, mine, now + 60)}
    del no_expiry["X-Customer-Expires"]
    assert await orders(no_expiry) == (403, "bad_customer_signature")
    assert await orders(identity_headers(xiaomei.id, mine, now + 60, secret="guess")) == \
        (403, "bad_customer_signature")


def test_each_conversation_always_goes_to_the_same_rasa_worker():
    client = BotClient(enabled=True, url="http://a", timeout=1,
                       workers=("http://w1:5005", "http://w2:5006/", "http://w3:5007"))
    senders = [f"conv-{i}" for i in range(300)]
    first = [client.worker_for(s) for s in senders]
    assert first == [client.worker_for(s) for s in senders]
    assert set(first) == {"http://w1:5005", "http://w2:5006", "http://w3:5007"}
    assert BotClient(enabled=True, url="http://solo/", timeout=1).worker_for("x") == "http://solo"


def test_escape_text_keeps_what_was_typed():
    assert escape_text("/restart") == "\u200b/restart" and escape_text("你好 /x") == "你好 /x"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_with_an_internal_port_the_public_port_answers_404_for_internal(aiohttp_client, aiohttp_server,
                                                                             tmp_path):
    public = await aiohttp_client(create_app(make_config(tmp_path / "a", bot_secret=SECRET,
                                                         internal_port=_free_port())))
    resp = await public.get("/internal/bot/policies", headers={"X-Bot-Secret": SECRET})
    assert resp.status == 404
    assert (await public.get("/api/health")).status == 200

    port = _free_port()
    server = await aiohttp_server(create_app(make_config(tmp_path / "b", bot_secret=SECRET, internal_port=port)),
                                  port=port)
    from aiohttp import ClientSession
    async with ClientSession() as session:
        async with session.get(str(server.make_url("/internal/bot/policies")),
                               headers={"X-Bot-Secret": SECRET}) as resp:
            assert resp.status == 200


async def test_without_an_internal_port_the_default_run_keeps_internal_on_the_one_port(client):
    resp = await client.get("/internal/bot/policies", headers={"X-Bot-Secret": SECRET})
    assert resp.status == 200
    spec = await (await client.get("/api/openapi.json")).json()
    assert not [p for p in spec["paths"] if p.startswith("/internal")]
