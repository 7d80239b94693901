"""An OpenAPI 3.1 document built from the registered REST routes."""
from __future__ import annotations

import re

from .rest_base import ROUTES

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"ok": {"const": False},
                   "error": {"type": "object", "required": ["code", "message"],
                             "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                                            "details": {"type": "object"}}}},
}


def build() -> dict:
    paths: dict = {}
    for route in ROUTES:
        params = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                  for name in re.findall(r"{(\w+)}", route.path)]
        op = {"summary": route.summary, "operationId": f"{route.method.lower()}_{route.path}",
              "parameters": params,
              "responses": {"200": {"description": "OK", "content": {"application/json": {}}},
                            "default": {"description": "Error",
                                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}}
        if route.auth:
            op["security"] = [{"bearer": []}]
        if route.method in ("POST", "PUT", "PATCH"):
            op["requestBody"] = {"required": False, "content": {"application/json": {"schema": {"type": "object"}}}}
        paths.setdefault(route.path, {})[route.method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "ShopChat API", "version": "0.1.0",
                 "description": "REST API of the community platform; live events are Socket.IO (see docs/api.md)."},
        "paths": paths,
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
                       "schemas": {"Error": ERROR_SCHEMA}},
    }
