"""The OpenAPI document: real request and response schemas on every public route, one error shape,
no internal routes, every $ref resolving, and a document that validates as OpenAPI 3.1."""
from __future__ import annotations

import pytest

from server import events
from server.transport.rest_base import ROUTES
from server.validate import ID_RE


@pytest.fixture
async def spec(client):
    resp = await client.get("/api/openapi.json")
    assert resp.status == 200
    return await resp.json()


def resolve(spec: dict, node: dict) -> dict:
    """Follows $refs (within the document) to the schema they name."""
    while "$ref" in node:
        ref = node["$ref"]
        assert ref.startswith("#/"), ref
        target = spec
        for part in ref[2:].split("/"):
            assert part in target, f"{ref} does not resolve"
            target = target[part]
        node = target
    return node


def refs(node):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def test_the_document_validates_as_openapi_3_1(spec):
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation import OpenAPIV31SpecValidator
    assert spec["openapi"] == "3.1.0"
    validate(spec, cls=OpenAPIV31SpecValidator)


def test_every_ref_resolves(spec):
    found = list(refs(spec))
    assert len(found) > 100
    for ref in found:
        resolve(spec, {"$ref": ref})


def test_internal_routes_are_not_published(spec):
    assert not [p for p in spec["paths"] if p.startswith("/internal/")]
    internal = [r for r in ROUTES if r.path.startswith("/internal/")]
    assert internal and all(not r.public for r in internal)


def _operations(spec):
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            yield method.upper(), path, op


def test_every_route_has_a_response_schema_and_the_error_shape(spec):
    ops = list(_operations(spec))
    assert len(ops) == len([r for r in ROUTES if r.public])
    for method, path, op in ops:
        ok = resolve(spec, op["responses"]["200"]["content"]["application/json"]["schema"])
        assert ok.get("type") == "object" and ok.get("properties"), (method, path, ok)
        for status in ("4XX", "default"):
            error = resolve(spec, op["responses"][status]["content"]["application/json"]["schema"])
            assert error["properties"]["error"]["required"] == ["code", "message"]


def test_every_body_has_a_real_schema(spec):
    with_body = {(r.method, r.path) for r in ROUTES if r.public and r.body is not None}
    for method, path, op in _operations(spec):
        if (method, path) not in with_body:
            assert "requestBody" not in op, (method, path)
            continue
        schema = op["requestBody"]["content"]["application/json"]["schema"]
        assert schema != {"type": "object"} and "$ref" in schema
        body = resolve(spec, schema)
        assert body["type"] == "object" and body["properties"], (method, path, body)
    # every route that reads a JSON body names its model (the POSTs without one take no body)
    assert {("POST", "/api/conversations/{conversation_id}/messages"), ("POST", "/api/groups"),
            ("PATCH", "/api/groups/{group_id}/rules"), ("PUT", "/api/support/canned")} <= with_body


def test_the_message_shapes_are_spelled_out(spec):
    schemas = spec["components"]["schemas"]
    send = schemas["SendMessage"]["properties"]
    assert send["text"]["anyOf"][0]["maxLength"] == 4000
    assert send["type"]["enum"] == ["text", "product", "order", "image"]
    assert send["images"]["maxItems"] == 9
    assert send["reply_to"]["anyOf"][0]["pattern"] == ID_RE.pattern
    assert schemas["CreateThread"]["required"] == ["title"]
    message = schemas["MessageWire"]
    assert {"id", "seq", "text", "created_at"} <= set(message["required"])
    assert "card" in message["properties"] and "card" not in message["required"]
    sent = schemas["SentOut"]["properties"]
    assert sent["message"] == {"$ref": "#/components/schemas/MessageWire"}


def test_socketio_events_have_their_payload_schemas(spec):
    found = spec["x-socketio"]["events"]
    assert set(found) == set(events.CLIENT_EVENTS)
    send = resolve(spec, found[events.MESSAGE_SEND])
    assert send["required"][0] == "conversation_id" and "text" in send["properties"]
