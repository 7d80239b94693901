"""JSON that refuses what would take the parser down, checked before parsing: documents nested deeper
than MAX_DEPTH (json.loads recurses once per level: a list 20,000 deep is a RecursionError, which
nothing above it expects), numbers with more digits than any id or count needs, and the non-JSON
constants NaN and Infinity. Used for every REST body (rest_base) and, as the `json=` module of the
Socket.IO and Engine.IO servers (app.py), for every packet a client sends.

A refusal is a ValueError (TooDeep for the nesting), which is what json's own errors are and what
Engine.IO already expects of a bad payload."""
from __future__ import annotations

import json
import re
from json import JSONDecodeError, dumps  # noqa: F401  (the module stands in for json: dumps goes out as is)

MAX_DEPTH = 32
MAX_NUMBER_DIGITS = 100
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)  # unrolled: no step per character
_BRACKETS = re.compile(r"[^\[\]{}]+")


class TooDeep(ValueError):
    """The document nests arrays and objects deeper than MAX_DEPTH."""


def depth_exceeds(text: str, limit: int = MAX_DEPTH) -> bool:
    """Whether the brackets outside strings nest deeper than limit; iterative, so any depth is safe."""
    if text.count("[") + text.count("{") <= limit:  # the usual document: too few brackets to matter
        return False
    depth = 0
    for ch in _BRACKETS.sub("", _STRING.sub("", text)):
        if ch in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def _int(s: str) -> int:
    if len(s) > MAX_NUMBER_DIGITS:
        raise ValueError("number is too long")
    return int(s)


def _float(s: str) -> float:
    if len(s) > MAX_NUMBER_DIGITS:
        raise ValueError("number is too long")
    return float(s)


def _constant(name: str):
    raise ValueError(f"{name} is not JSON")


def loads(s, *args, **kwargs):
    if isinstance(s, (bytes, bytearray)):
        s = s.decode("utf-8")
    if depth_exceeds(s):
        raise TooDeep(f"nested deeper than {MAX_DEPTH}")
    kwargs.setdefault("parse_int", _int)
    kwargs.setdefault("parse_float", _float)
    kwargs.setdefault("parse_constant", _constant)
    return json.loads(s, *args, **kwargs)
