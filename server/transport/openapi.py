"""An OpenAPI 3.1 document built from the registered REST routes: each route's request body from its
model (server/transport/payloads.py), its 200 answer from its declared type (responses.py, over the
wire shapes of server/wire.py), and one error shape for the rest. The schemas live once under
components/schemas and are referred to with $ref. Routes registered with public=False (the bot's
/internal/ API) are left out. The Socket.IO events' payloads are there too, under x-socketio."""
from __future__ import annotations

import copy
import re
from functools import lru_cache

from pydantic import TypeAdapter

from .rest_base import ROUTES

REF = "#/components/schemas/{model}"

ERROR_SCHEMA = {
    "type": "object", "required": ["ok", "error"],
    "properties": {"ok": {"const": False},
                   "error": {"type": "object", "required": ["code", "message"],
                             "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                                            "details": {"type": "object",
                                                        "properties": {"field": {"type": "string"},
                                                                       "retry_after": {"type": "integer"}}}}}},
}
ERROR_RESPONSE = {"description": "Error: the code says what (docs/api.md lists them)",
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


class Schemas:
    """components/schemas, filled as routes name their types."""

    def __init__(self):
        self.found: dict[str, dict] = {"Error": ERROR_SCHEMA}

    def ref(self, tp, mode: str) -> dict:
        schema = TypeAdapter(tp).json_schema(ref_template=REF, mode=mode)
        for name, sub in schema.pop("$defs", {}).items():
            self._put(name, sub)
        self._put(tp.__name__, schema)
        return {"$ref": REF.format(model=tp.__name__)}

    def _put(self, name: str, schema: dict) -> None:
        if self.found.setdefault(name, schema) != schema:
            raise ValueError(f"two different schemas are both called {name}")


def build() -> dict:
    """Every app the factory makes serves the same routes: the schemas are worked out once (half a
    second of pydantic), and each caller gets its own copy."""
    return copy.deepcopy(_build(len(ROUTES)))


@lru_cache(maxsize=1)
def _build(route_count: int) -> dict:
    from .sio import EVENT_PAYLOADS  # sio imports the actions' publisher side; only the document needs it here

    schemas = Schemas()
    paths: dict = {}
    for route in ROUTES:
        if not route.public:
            continue
        params = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                  for name in re.findall(r"{(\w+)}", route.path)]
        ok = {"description": "OK"}
        if route.response is not None:
            ok["content"] = {"application/json": {"schema": schemas.ref(route.response, "serialization")}}
        op = {"summary": route.summary, "operationId": f"{route.method.lower()}_{route.path}",
              "parameters": params,
              "responses": {"200": ok, "4XX": ERROR_RESPONSE, "default": ERROR_RESPONSE}}
        if route.auth:
            op["security"] = [{"bearer": []}]
        if route.body is not None:
            needs = any(f.is_required() for f in route.body.model_fields.values())  # else {} or nothing will do
            op["requestBody"] = {"required": needs,
                                 "content": {"application/json": {"schema": schemas.ref(route.body, "validation")}}}
        paths.setdefault(route.path, {})[route.method.lower()] = op
    events = {name: schemas.ref(model, "validation") for name, model in EVENT_PAYLOADS.items()}
    return {
        "openapi": "3.1.0",
        "info": {"title": "ShopChat API", "version": "0.1.0",
                 "description": "REST API of the community platform; live events are Socket.IO (see docs/api.md)."},
        "paths": paths,
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
                       "schemas": schemas.found},
        "x-socketio": {"description": "Socket.IO client events: each one's payload (the ack is "
                                      "{ok: true, ...} or {ok: false, error})", "events": events},
    }
