"""What every answer of the fuzz suite must satisfy, and the health check after it."""
from __future__ import annotations

import asyncio


def no_server_error(status: int, answer, what) -> None:
    assert status < 500, (what, status, answer)
    if isinstance(answer, dict) and isinstance(answer.get("error"), dict):
        assert answer["error"].get("code") != "internal", (what, status, answer)


def ack_ok(ack, what) -> None:
    assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), (what, ack)
    if not ack["ok"]:
        assert isinstance(ack.get("error"), dict) and ack["error"].get("code") != "internal", (what, ack)


def client_faults(record) -> bool:
    """aiohttp's own log of a request it refused as malformed HTTP (a URL over 8 KiB): answered 400."""
    from aiohttp.http_exceptions import HttpProcessingError
    return record.name == "aiohttp.server" and record.exc_info and isinstance(record.exc_info[1],
                                                                                 HttpProcessingError)


def logged_errors(w) -> list[str]:
    return [f"{r.name}: {r.getMessage()} {r.exc_info[1]!r}" if r.exc_info else f"{r.name}: {r.getMessage()}"
            for r in w.errors if not client_faults(r)]


async def healthy(w) -> None:
    """The server answers, logged no error, and every view still reads for a member, a moderator and the
    desk."""
    await asyncio.sleep(0.5)  # what was deferred after the last answers has run
    errors = logged_errors(w)
    assert not errors, errors[:20]
    status, answer = await w.call(None, "GET", "/api/health")
    assert status == 200 and answer.get("ok", True) is not False, answer
    owner, mod = w.people["owner"], w.people["platform_mod"]
    groups = w.ids["_groups"]
    for group in (groups["public"], groups["private"]):
        for path in (f"/api/groups/{group['id']}", f"/api/conversations/{group['conversation_id']}/messages",
                     f"/api/groups/{group['id']}/threads", f"/api/groups/{group['id']}/members"):
            status, answer = await w.call(owner, "GET", path)
            assert status == 200, (path, status, answer)
    for who, path in ((owner, "/api/search?q=%E5%A4%A7"), (owner, "/api/search?q=a"), (owner, "/api/notifications"),
                      (owner, "/api/conversations"), (owner, "/api/me"), (mod, "/api/moderation/cases"),
                      (mod, "/api/moderation/appeals"), (mod, "/api/moderation/audit"),
                      (w.people["agent"], "/api/support/queue"), (w.people["agent"], "/api/support/mine"),
                      (w.people["member"], "/api/me/sanctions")):
        status, answer = await w.call(who, "GET", path)
        assert status == 200, (path, status, answer)
    sio = await w.socket(owner)
    cursors = {g["conversation_id"]: 0 for g in (groups["public"], groups["private"])}
    ack = await sio.call("sync", {"cursors": cursors}, timeout=10)
    assert ack["ok"] is True, ack
    ack = await sio.call("history", {"conversation_id": groups["public"]["conversation_id"]}, timeout=10)
    assert ack["ok"] is True, ack
