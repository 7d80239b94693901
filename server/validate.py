"""Payload checking for both transports: types, lengths and id shapes, one error code."""
from __future__ import annotations

import re

from .errors import InvalidPayload

# 32 hex (storage.base.new_id); 24 hex are the ids made before issue 12 that the migration keeps:
# user ids (public by right) -- docs/storage.md
ID_RE = re.compile(r"^[0-9a-f]{24}(?:[0-9a-f]{8})?$")
MAX_TEXT = 4000
MAX_INT = 2**53 - 1  # the largest whole number a JavaScript client reads exactly; anything beyond is refused
MAX_TITLE = 120
MAX_NAME = 64


class Payload:
    def __init__(self, data):
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise InvalidPayload("payload must be a JSON object")
        self.data = data

    def _get(self, key, required):
        if key not in self.data or self.data[key] is None:
            if required:
                raise InvalidPayload(f"{key} is required", field=key)
            return None
        return self.data[key]

    def str(self, key, *, required=True, max_len=MAX_NAME, min_len=0, strip=True, default=None):
        value = self._get(key, required)
        if value is None:
            return default
        if not isinstance(value, str):
            raise InvalidPayload(f"{key} must be a string", field=key)
        if problem := text_problem(value):
            raise InvalidPayload(f"{key} {TEXT_PROBLEMS[problem]}", field=key)
        if strip:
            value = value.strip()
        if len(value) > max_len:
            raise InvalidPayload(f"{key} is longer than {max_len} characters", code="too_long", field=key)
        if len(value) < min_len:
            raise InvalidPayload(f"{key} must have at least {min_len} characters", field=key)
        return value

    def id(self, key, *, required=True):
        value = self._get(key, required)
        if value is None:
            return None
        return check_id(value, key)

    def int(self, key, *, required=True, min_value=None, max_value=None, default=None):
        value = self._get(key, required)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidPayload(f"{key} must be a whole number", field=key)
        top = MAX_INT if max_value is None else min(max_value, MAX_INT)
        if (min_value is not None and value < min_value) or value > top or value < -MAX_INT:
            raise InvalidPayload(f"{key} must be between {min_value} and {top}", field=key)
        return value

    def bool(self, key, *, required=False, default=None):
        value = self._get(key, required)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise InvalidPayload(f"{key} must be true or false", field=key)
        return value

    def choice(self, key, choices, *, required=True, default=None):
        value = self._get(key, required)
        if value is None:
            return default
        if value not in choices:
            raise InvalidPayload(f"{key} must be one of {', '.join(choices)}", field=key)
        return value

    def obj(self, key, *, required=True):
        value = self._get(key, required)
        if value is None:
            return None
        return Payload(value) if isinstance(value, dict) else _not_object(key)


TEXT_PROBLEMS = {"nul": "contains a NUL character", "unicode": "is not valid Unicode"}


def text_problem(value: str) -> str | None:
    """What makes a string unfit to store, before any length: a NUL, or a lone surrogate."""
    if "\x00" in value:
        return "nul"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "unicode"
    return None


def _not_object(key):
    raise InvalidPayload(f"{key} must be an object", field=key)


def check_id(value, what="id") -> str:
    if not isinstance(value, str) or not ID_RE.match(value):
        raise InvalidPayload(f"{what} is not a valid id", code="invalid_id", field=what)
    return value


def query_int(query, key, *, default=None, min_value=None, max_value=None):
    """An integer from a URL query string."""
    raw = query.get(key)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise InvalidPayload(f"{key} must be a whole number", field=key) from None
    top = MAX_INT if max_value is None else min(max_value, MAX_INT)
    if (min_value is not None and value < min_value) or value > top or value < -MAX_INT:
        raise InvalidPayload(f"{key} must be between {min_value} and {top}", field=key)
    return value
