"""Input limits before parsing (transport/safe_json.py, sio_guard.py): JSON depth on every JSON route and
event, numbers beyond 64 bits where lists are paged, and the event names a client may not send."""
from __future__ import annotations

import json
import re

import pytest

from server import events
from server.transport import safe_json
from server.transport.rest_base import ROUTES
from server.transport.sio import EVENT_PAYLOADS

from ..conftest import make_group

DEEP_LIST = "[" * 20_000 + "]" * 20_000
DEEP_OBJECT = '{"a":' * 5_000 + "1" + "}" * 5_000
HUGE = str(2**64 + 1)
FAKE_ID = "0" * 24


def fill(path: str, ids: dict) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: ids.get(m.group(1), FAKE_ID), path)


# -- the loader ------------------------------------------------------------------------------------------

def test_depth_is_counted_outside_strings_only():
    assert safe_json.loads('{"a": "' + "[" * 1000 + '"}') == {"a": "[" * 1000}
    assert safe_json.loads('["\\"[[[", ' + "[" * 30 + "]" * 30 + "]")
    with pytest.raises(safe_json.TooDeep):
        safe_json.loads("[" * 33 + "]" * 33)
    assert safe_json.loads("[" * 32 + "]" * 32)
    with pytest.raises(safe_json.TooDeep):
        safe_json.loads(DEEP_LIST)
    with pytest.raises(safe_json.TooDeep):
        safe_json.loads(DEEP_OBJECT.encode())


def test_numbers_and_constants_json_does_not_have_are_refused():
    assert safe_json.loads("[" + "9" * 100 + "]") == [int("9" * 100)]
    for text in ("[" + "9" * 101 + "]", "[1." + "5" * 200 + "]", "[NaN]", "[Infinity]", "[-Infinity]"):
        with pytest.raises(ValueError):
            safe_json.loads(text)


# -- REST --------------------------------------------------------------------------------------------------

JSON_ROUTES = [r for r in ROUTES if r.method in ("POST", "PUT", "PATCH")]


@pytest.fixture
async def world(people):
    owner = await people("limits_owner")
    group = await make_group(owner, visibility="private")
    return owner, {"group_id": group["id"], "conversation_id": group["conversation_id"], "user_id": owner.id}


async def test_deep_json_on_every_json_route_is_a_400(world):
    owner, ids = world
    assert len(JSON_ROUTES) > 40
    for route in JSON_ROUTES:
        for body in (DEEP_LIST, DEEP_OBJECT, '{"x": ' + "[" * 40 + "]" * 40 + "}"):
            resp = await owner.http.request(route.method, fill(route.path, ids), data=body,
                                            headers={**owner.headers, "Content-Type": "application/json"})
            answer = await resp.json()
            # a route may refuse who asks first (401/403/404); never a 5xx, and never past the body
            assert 400 <= resp.status < 500 and answer["error"]["code"] != "internal", (route.path, resp.status)


async def test_the_body_size_limit_holds(world):
    owner, ids = world
    url = f"/api/conversations/{ids['conversation_id']}/messages"
    big = json.dumps({"text": "x" * (70 * 1024)})
    resp = await owner.http.post(url, data=big, headers={**owner.headers, "Content-Type": "application/json"})
    assert resp.status == 400 and (await resp.json())["error"]["code"] == "too_large"


LIST_QUERIES = ("offset", "limit", "before", "after")


async def test_numbers_beyond_64_bits_on_every_list_route_are_a_400(world):
    owner, ids = world
    gets = [r for r in ROUTES if r.method == "GET" and r.path.startswith("/api/")]
    for route in gets:
        for key in LIST_QUERIES:
            for value in (HUGE, "-" + HUGE, "1e99", "9" * 5000):
                resp = await owner.http.get(fill(route.path, ids), params={key: value}, headers=owner.headers)
                assert resp.status < 500, (route.path, key, value, resp.status)
                if resp.status >= 400:
                    assert (await resp.json())["error"]["code"] != "internal"


# -- Socket.IO ---------------------------------------------------------------------------------------------

async def test_deep_json_on_every_event_is_an_error_ack(client, world):
    owner, ids = world
    async with client.session.ws_connect(client.make_url("/socket.io/?EIO=4&transport=websocket")) as ws:
        assert (await ws.receive_str()).startswith("0")
        await ws.send_str("40" + json.dumps({"token": owner.token}))
        assert (await ws.receive_str()).startswith("40")
        await ws.send_str("4" + DEEP_LIST)      # deep at the Engine.IO level, and no Socket.IO packet at all
        await ws.send_str("4" + DEEP_OBJECT)
        names = list(EVENT_PAYLOADS)
        for number, name in enumerate(names, start=1):
            payload = DEEP_LIST if number % 2 else DEEP_OBJECT
            await ws.send_str(f'42{number}["{name}",{{"conversation_id":"{ids["conversation_id"]}","x":{payload}}}]')
        await ws.send_str("4299[{}]")          # no event name
        await ws.send_str('4298{"a":1}')       # not even a list
        answers = {}
        while len(answers) < len(names) + 2:
            frame = await ws.receive_str()
            if frame == "2":
                await ws.send_str("3")
            elif frame.startswith("43"):
                number = int(re.match(r"43(\d+)", frame).group(1))
                answers[number] = json.loads(frame[2 + len(str(number)):])[0]
        for number, answer in answers.items():
            assert answer["ok"] is False and answer["error"]["code"] == "invalid_payload", (number, answer)


RESERVED = ("connect", "disconnect", "connect_error", "disconnecting", "message", "*")


async def test_reserved_event_names_are_refused_and_the_session_lives_on(world, live, people):
    owner, ids = world
    watcher = await people("limits_watcher")
    socket = await live(owner)
    for name in RESERVED:
        for data in (None, {"token": owner.token}, "x", [1, 2]):
            answer = await socket.emit(name, data)   # an ack comes: nothing hangs
            assert answer["ok"] is False and answer["error"]["code"] == "unknown_event", (name, answer)
    # the session is intact: events still run as the same user, and presence still says online
    history = await socket.emit(events.HISTORY, {"conversation_id": ids["conversation_id"]})
    assert history["ok"] is True
    other = await live(watcher)
    statuses = await other.emit(events.PRESENCE_SUBSCRIBE, {"user_ids": [owner.id]})
    assert statuses["presence"] == {owner.id: "online"}


async def test_numbers_beyond_64_bits_in_history_are_refused(world, live):
    owner, ids = world
    socket = await live(owner)
    for key in ("before", "after", "limit"):
        for value in (2**64 + 1, -(2**64), 2**53, 10**99):
            answer = await socket.emit(events.HISTORY, {"conversation_id": ids["conversation_id"], key: value})
            assert answer["ok"] is False and answer["error"]["code"] == "invalid_payload", (key, value, answer)
    answer = await socket.emit(events.READ, {"conversation_id": ids["conversation_id"], "seq": 2**70})
    assert answer["ok"] is False and answer["error"]["code"] == "invalid_payload"


async def test_a_password_with_a_lone_surrogate_is_no_crash(client):
    """Found by the fuzz suite: argon2 encoded the password as UTF-8 and raised (a 500). Such a password
    can't be stored as text, so the text rule refuses it, at sign-up and at login alike."""
    body = '{"username": "surrogate_pw", "password": "\\ud800\\ud800abcdefgh"}'
    headers = {"Content-Type": "application/json"}
    for path in ("/api/auth/register", "/api/auth/login"):
        resp = await client.post(path, data=body, headers=headers)
        assert resp.status == 400 and (await resp.json())["error"]["code"] == "invalid_password"


async def test_a_socket_message_over_the_size_limit_is_refused_and_the_server_goes_on(client, world):
    owner, ids = world
    url = client.make_url("/socket.io/?EIO=4&transport=websocket")
    async with client.session.ws_connect(url) as ws:
        handshake = json.loads((await ws.receive_str())[1:])
        assert handshake["maxPayload"] == 256 * 1024
        await ws.send_str("40" + json.dumps({"token": owner.token}))
        assert (await ws.receive_str()).startswith("40")
        text = "x" * (300 * 1024)
        await ws.send_str(f'421["message:send",{{"conversation_id":"{ids["conversation_id"]}","text":"{text}"}}]')
        while True:  # the connection is closed; no ack comes for it
            frame = await ws.receive()
            assert not (frame.type.name == "TEXT" and frame.data.startswith("431")), frame
            if frame.type.name in ("CLOSE", "CLOSED", "CLOSING", "ERROR"):
                break
            if frame.data == "2":
                await ws.send_str("3")
    async with client.session.ws_connect(url) as ws:  # and the next connection is served as ever
        assert (await ws.receive_str()).startswith("0")
        await ws.send_str("40" + json.dumps({"token": owner.token}))
        assert (await ws.receive_str()).startswith("40")
