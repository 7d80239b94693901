"""Payload checking for both transports: types, lengths and id shapes, one error code."""
from __future__ import annotations

import re
import unicodedata

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

    def str(self, key, *, required=True, max_len=MAX_NAME, min_len=0, strip=True, default=None, lines=False):
        value = self._get(key, required)
        if value is None:
            return default
        if not isinstance(value, str):
            raise InvalidPayload(f"{key} must be a string", field=key)
        check_text(value, key, lines=lines)
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


# -- the text rule: one for every text a client sends, whichever the field and the transport --------------
#
# Everything stored is served again to every reader, so nothing goes in that a read can't carry: a NUL or
# a lone surrogate (no UTF-8 for it: every read of it answered 500), any other control character (C0 but
# tab, line feed and carriage return; DEL; C1), and more than MAX_COMBINING combining marks on one letter
# (a "Zalgo" tower spills over the lines around it). One-line fields (names, titles, codes) also refuse
# line breaks and tabs, and the bidirectional embeddings, overrides and isolates (U+202A-U+202E,
# U+2066-U+2069): a name shows among other text everywhere, and an override in it would turn what follows
# around (the marks U+200E/U+200F/U+061C stay allowed, and longer texts keep the overrides a right-to-left
# writer may need). Nothing is rewritten (no NFC: it would change CJK compatibility ideographs).

MAX_COMBINING = 8
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BREAK = re.compile("[\t\n\r\u2028\u2029]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_MARKS = ("Mn", "Me")

TEXT_PROBLEMS = {"nul": "contains a NUL character", "unicode": "is not valid Unicode",
                 "control": "contains a control character", "line_break": "must be one line, without tabs",
                 "bidi": "contains a bidirectional override",
                 "combining": f"has more than {MAX_COMBINING} combining marks in a row"}


def text_problem(value: str, *, lines: bool = True, trimmed: bool = True) -> str | None:
    """What makes a string unfit to store (a key of TEXT_PROBLEMS), or None. `lines`: may it hold
    line breaks and tabs (a message, a bio), or is it one line (a name, a title)? `trimmed`: white space
    at the edges of the field is trimmed afterwards, so only breaks inside a one-line field count."""
    if "\x00" in value:
        return "nul"
    if _SURROGATE.search(value):
        return "unicode"
    if _CONTROL.search(value):
        return "control"
    if not lines:
        if _BREAK.search(value.strip() if trimmed else value):
            return "line_break"
        if _BIDI.search(value):
            return "bidi"
    if not value.isascii() and _combining_flood(value):
        return "combining"
    return None


def _combining_flood(value: str) -> bool:
    run = 0
    for c in value:
        if unicodedata.category(c) in _MARKS:
            run += 1
            if run > MAX_COMBINING:
                return True
        else:
            run = 0
    return False


def check_text(value: str, field: str, *, lines: bool = True, what: str | None = None) -> str:
    """The text rule for a text an action checks itself (canned replies, policies, the rules' words):
    400 invalid_payload naming the field, as the payload models answer. `what` names the part
    (words[3].term) in the message when it isn't the whole field."""
    if problem := text_problem(value, lines=lines):
        raise InvalidPayload(f"{what or field} {TEXT_PROBLEMS[problem]}", field=field)
    return value


def _not_object(key):
    raise InvalidPayload(f"{key} must be an object", field=key)


def check_id(value, what="id") -> str:
    if not isinstance(value, str) or not ID_RE.match(value):
        raise InvalidPayload(f"{what} is not a valid id", code="invalid_id", field=what)
    return value


def query_text(query, key) -> str:
    """A text from a URL query string (a search), under the text rule like every other text: a NUL or an
    escape sequence in ?q= answers 400, not an echo of it. (Invalid UTF-8 there arrives as U+FFFD.)"""
    return check_text(query.get(key, ""), key, lines=False)


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
