"""The REST plumbing: one decorator authenticates, parses, and maps domain errors."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import wraps
from typing import Any

from aiohttp import web

from ..actions.auth import access_user_by_token
from ..errors import DomainError, InvalidPayload, Unauthorized
from ..validate import check_id
from . import safe_json
from .keys import SERVICES
from .payloads import parse

log = logging.getLogger(__name__)
MAX_BODY = 64 * 1024


@dataclass(frozen=True)
class RouteDoc:
    method: str
    path: str
    summary: str
    auth: bool
    body: type | None = None      # the request body's model (server/transport/payloads.py)
    response: Any = None          # the 200 answer's type (server/transport/responses.py)
    public: bool = True           # listed in /api/openapi.json


ROUTES: list[RouteDoc] = []
routes = web.RouteTableDef()


def error_response(exc: DomainError) -> web.Response:
    headers = {}
    if "retry_after" in exc.details:
        headers["Retry-After"] = str(exc.details["retry_after"])
    return web.json_response({"ok": False, "error": exc.to_dict()}, status=exc.status, headers=headers)


def bearer(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header[7:].strip()
    return None


def api(method: str, path: str, summary: str, *, auth: bool = True, body: type | None = None,
        response: Any = None, public: bool = True):
    """Registers a JSON endpoint. The handler gets (request, svc, user, body): body is the request
    body checked against its model, or None for a route that takes none (any body sent must still
    be a JSON object)."""
    model = body

    def decorate(handler):
        @wraps(handler)
        async def endpoint(request: web.Request) -> web.StreamResponse:
            svc = request.app[SERVICES]
            try:
                user = None
                if auth:
                    user = await access_user_by_token(svc, bearer(request))
                    if user is None:
                        raise Unauthorized("log in first", code="unauthorized")
                for name, value in request.match_info.items():
                    if name.endswith("_id"):
                        check_id(value, name)
                data = None
                if method in ("POST", "PUT", "PATCH") and request.can_read_body:
                    if request.content_length and request.content_length > MAX_BODY:
                        raise InvalidPayload("request body too large", code="too_large")
                    raw = await request.read()
                    if len(raw) > MAX_BODY:
                        raise InvalidPayload("request body too large", code="too_large")
                    if raw.strip():
                        data = read_json(raw)
                result = await handler(request, svc, user, parse(model, data))
            except DomainError as exc:
                return error_response(exc)
            if isinstance(result, web.StreamResponse):
                return result
            return web.json_response(result, dumps=_dumps)
        ROUTES.append(RouteDoc(method, path, summary, auth, model, response, public))
        routes.route(method, path)(endpoint)
        return handler
    return decorate


def read_json(raw: bytes):
    """A request body's JSON, through safe_json: nesting deeper than MAX_DEPTH is refused before parsing."""
    try:
        return safe_json.loads(raw)
    except safe_json.TooDeep:
        raise InvalidPayload(f"body is nested deeper than {safe_json.MAX_DEPTH}", code="invalid_json") from None
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise InvalidPayload("body is not valid JSON", code="invalid_json") from None


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)
