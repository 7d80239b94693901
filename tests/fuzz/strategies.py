"""Hypothesis strategies for payloads, built from the typed models' JSON schemas (server/transport/
payloads.py): for each field, now a value its schema allows (with real ids of the fuzz world where the
field holds an id), now a hostile one (a wrong type, a number beyond 64 bits, NaN, a lone surrogate, NUL,
deep nesting, an unknown id); fields left out, unknown fields added, and bodies that are no object."""
from __future__ import annotations

import json
import os
import re
from urllib.parse import quote

from hypothesis import HealthCheck, seed, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

# the whole fuzz run's example budget (REST routes and Socket.IO events share it)
TOTAL = int(os.environ.get("SHOPCHAT_FUZZ_EXAMPLES", "10000"))
REST_SHARE = 0.8


# the default run is the same every time (derandomized); SHOPCHAT_FUZZ_SEED=N explores other payloads
SEED = os.environ.get("SHOPCHAT_FUZZ_SEED", "")


def fuzz_settings(examples: int):
    chosen = settings(max_examples=max(1, examples), derandomize=not SEED, database=None, deadline=None,
                      suppress_health_check=list(HealthCheck), print_blob=True)
    if not SEED:
        return chosen
    return lambda test: seed(int(SEED))(chosen(test))


def weighted(*choices: tuple[int, st.SearchStrategy]) -> st.SearchStrategy:
    """One of the strategies, each as often as its weight says (one_of draws evenly)."""
    return st.one_of([strategy for weight, strategy in choices for _ in range(weight)])


def fake_ids() -> st.SearchStrategy[str]:
    return st.one_of(st.integers(0, 16**24 - 1).map("{:024x}".format), st.integers(0, 16**32 - 1).map("{:032x}".format),
                     st.sampled_from(["0" * 24, "f" * 32, "0" * 23, "G" * 24, "0" * 25, "", "null", "../" * 8]))


def ids_for(pool: dict[str, dict[str, str]], name: str) -> st.SearchStrategy[str]:
    """An id for a field or path parameter called name: mostly a real one of the world."""
    key = name if name in pool else {"id": "message_id", "ids": "message_id", "user_ids": "user_id",
                                     "order": "order", "request_id": "request_id"}.get(name, "")
    real = sorted(pool.get(key, {}).values()) + sorted(pool.get("message_id", {}).values())[:1]
    return weighted((4, st.sampled_from(real)), (1, fake_ids())) if real else fake_ids()


PLAIN = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"))
HUGE_INTS = st.sampled_from([2**53, 2**53 - 1, 2**63, 2**64, 2**64 + 1, -(2**64), 10**30, -1, 0, 10**99])
NASTY_TEXT = st.sampled_from(["", " ", "\x00", "a\x00b", "\ud800", "x\udfffy", "\u202e", "\ufeff", "😀" * 50,
                              "a" * 5000, "<script>alert(1)</script>", "${jndi:x}", "' OR 1=1 --", "%s%n",
                              "NaN", "Infinity", "-0", "1e999", "null", "true", "[]", "{}", "\n" * 100,
                              "\u0000\u0001\u001f", "中" * 4001])
JSON_LEAF = st.one_of(st.none(), st.booleans(), st.integers(), HUGE_INTS, st.floats(allow_nan=False),
                      st.text(max_size=20), NASTY_TEXT)


def nested(depth: int):
    value: object = 1
    for _ in range(depth):
        value = [value]
    return value


NASTY = st.one_of(
    JSON_LEAF,
    st.floats(),  # NaN and the infinities, sent as the non-JSON literals
    st.lists(JSON_LEAF, max_size=5),
    st.dictionaries(st.text(max_size=8), JSON_LEAF, max_size=4),
    st.integers(1, 40).map(nested),
    st.just([None] * 600),
)


def schema_strategy(schema: dict, defs: dict, pool: dict, name: str = "") -> st.SearchStrategy:
    """A value the schema allows (roughly: constraints are stretched by one at the edges)."""
    while "$ref" in schema:
        schema = defs[schema["$ref"].split("/")[-1]]
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            # `X | None`: mostly the X (a null counts as absent, and absent is drawn often enough)
            branches = [(1 if sub.get("type") == "null" else 5, schema_strategy(sub, defs, pool, name))
                        for sub in schema[key]]
            return weighted(*branches)
    kind = schema.get("type")
    if isinstance(kind, list):
        return st.one_of([schema_strategy({**schema, "type": k}, defs, pool, name) for k in kind])
    if kind == "string":
        if name.endswith("_id") or name == "id" or schema.get("pattern", "").startswith("^[0-9a-f]"):
            return ids_for(pool, name)
        top, low = schema.get("maxLength", 200), schema.get("minLength", 0)
        edge = st.text("ab 中", min_size=max(0, top - 1), max_size=top + 1)
        return weighted((6, st.text(PLAIN, min_size=max(low, 1), max_size=min(top, 30))),
                        (2, st.text(max_size=min(top + 1, 60))), (1, edge), (1, NASTY_TEXT))
    if kind == "integer":
        lo, hi = schema.get("minimum"), schema.get("maximum")
        return weighted((6, st.integers(lo, hi)), (1, st.integers((lo or 0) - 2, (lo or 0) + 2)),
                        (1, st.integers(hi - 2, hi + 2) if hi is not None else HUGE_INTS))
    if kind == "number":
        return st.floats()
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "array":
        item = schema_strategy(schema.get("items", {}), defs, pool, name.removesuffix("s") + "_id"
                               if name.endswith("ids") else name)
        return st.lists(item, max_size=min(schema.get("maxItems", 6) + 1, 8))
    if kind == "object" or "properties" in schema:
        return object_strategy(schema, defs, pool)
    return JSON_LEAF


def object_strategy(schema: dict, defs: dict, pool: dict) -> st.SearchStrategy[dict]:
    props = schema.get("properties", {})
    if not props:
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            keys = ids_for(pool, "conversation_id") if "cursor" in str(schema).lower() else st.text(max_size=10)
            return st.dictionaries(st.one_of(keys, fake_ids()), st.one_of(schema_strategy(extra, defs, pool),
                                                                         NASTY), max_size=5)
        return st.dictionaries(st.text(max_size=10), JSON_LEAF, max_size=4)
    fields = {}
    for key, sub in props.items():
        value = schema_strategy(sub, defs, pool, key)
        fields[key] = weighted((9, value), (1, NASTY))  # mostly well-typed: deeper code gets reached
    required = set(schema.get("required", ()))
    needed = st.fixed_dictionaries({k: v for k, v in fields.items() if k in required},
                                   optional={k: v for k, v in fields.items() if k not in required})
    anything = st.fixed_dictionaries({}, optional=fields)
    extra = st.dictionaries(st.text(max_size=12), NASTY, max_size=3)
    full = st.fixed_dictionaries(fields)
    return weighted((4, full), (3, needed), (1, anything), (1, st.tuples(full, extra).map(lambda p: {**p[1], **p[0]})))


def model_schema(model) -> tuple[dict, dict]:
    schema = TypeAdapter(model).json_schema()
    return schema, schema.get("$defs", {})


def body_strategy(model, pool: dict) -> st.SearchStrategy:
    """A request body for a model (or for a route that takes none): JSON-ready values, or raw bytes."""
    raw = st.sampled_from([b"", b"{", b"\xff\xfe\x00", b"[" * 20_000 + b"]" * 20_000, b'{"a":' * 5000 + b"1" +
                           b"}" * 5000, b"nul", b'{"a": NaN}', b"1" * 5000, b'"\\ud800"', b"\x00" * 100])
    shapes = st.one_of(NASTY, raw)
    if model is None:
        return st.one_of(st.none(), st.just({}), shapes)
    schema, defs = model_schema(model)
    return weighted((8, object_strategy(schema, defs, pool)), (1, shapes))


def encode(body) -> bytes | None:
    """The bytes sent: None sends no body; a str or bytes goes as is; anything else as JSON (NaN as is)."""
    if body is None:
        return None
    if isinstance(body, bytes):
        return body
    return json.dumps(body, allow_nan=True).encode()


QUERY_KEYS = ("offset", "limit", "before", "after", "q", "sort", "state", "status", "unread", "user_ids", "ids",
              "group_id", "action")
QUERY_VALUE = st.one_of(st.integers().map(str), HUGE_INTS.map(str), st.text(PLAIN, max_size=20),
                        st.sampled_from(["", "1e3", "-1", "0x10", "1.5", "9" * 5000, "true", "%00", "\x00"]))


def query_strategy(pool: dict) -> st.SearchStrategy[dict]:
    ids = ids_for(pool, "group_id")
    return st.dictionaries(st.sampled_from(QUERY_KEYS), st.one_of(QUERY_VALUE, ids), max_size=4)


def path_strategy(path: str, pool: dict) -> st.SearchStrategy[str]:
    names = re.findall(r"\{(\w+)\}", path)
    garbage = st.text(PLAIN, min_size=1, max_size=20)
    parts = [st.one_of(ids_for(pool, n), ids_for(pool, n), garbage.map(lambda s: quote(s, safe="")))
             for n in names]

    def fill(values):
        it = iter(values)
        return re.sub(r"\{(\w+)\}", lambda m: next(it), path)
    return st.tuples(*parts).map(fill)
