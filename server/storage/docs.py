"""A small document table: the one storage primitive the shop stores are built on.

Each row is a JSON document plus a few indexed columns: `owner` (the customer it
belongs to), `state` (what queues filter on), `sort` (a number lists are ordered by)
and `text` (what a keyword search looks at). SQLite keeps all kinds in one `docs`
table; MongoDB keeps one collection per kind. The shop stores in shop.py are
written once against this protocol, so both backends behave alike by construction."""
from __future__ import annotations

from dataclasses import asdict, fields
from datetime import datetime
from typing import Protocol

from ..models import Rating
from .codec import from_ms, to_ms


class DocTable(Protocol):
    async def insert(self, *, id: str, doc: dict, owner: str | None = None, state: str | None = None,
                     sort: int = 0, text: str = "") -> None:
        """Raises DuplicateError when `id` exists."""
    async def put(self, *, id: str, doc: dict, owner: str | None = None, state: str | None = None,
                  sort: int = 0, text: str = "") -> None:
        """Inserts or replaces."""
    async def get(self, *, id: str) -> dict | None: ...
    async def swap(self, *, id: str, expect_state: str | None, doc: dict, owner: str | None = None,
                   state: str | None = None, sort: int = 0, text: str = "") -> bool:
        """Replaces the row only while its state is still `expect_state` (a compare-and-set);
        False when someone else changed it first or it doesn't exist."""
    async def find(self, *, owner: str | tuple[str, ...] | None = None, states: tuple[str, ...] | None = None,
                   words: tuple[str, ...] = (), ascending: bool = False, limit: int = 50,
                   offset: int = 0) -> list[dict]:
        """Rows matching all given filters (`owner`: one or any of several; `words`: each must
        occur in `text`), by `sort`."""
    async def count(self, *, states: tuple[str, ...] | None = None, before: tuple[int, str] | None = None) -> int:
        """Rows matching `states` that come before (sort, id) in ascending order."""


# -- dataclasses <-> documents: datetimes are stored as epoch milliseconds --------------------

_TIME_FIELDS = {"created_at", "updated_at", "opened_at", "queued_at", "assigned_at", "resolved_at", "rated_at",
                "expires_at", "lifted_at", "decided_at", "at"}


def encode(obj) -> dict:
    doc = asdict(obj)
    for key in _TIME_FIELDS & doc.keys():
        doc[key] = to_ms(doc[key]) if doc[key] is not None else None
    if "ratings" in doc:
        doc["ratings"] = [{**r, "rated_at": to_ms(r["rated_at"])} if isinstance(r["rated_at"], datetime) else r
                          for r in doc["ratings"]]
    return doc


def decode(cls, doc: dict | None):
    if doc is None:
        return None
    known = {f.name for f in fields(cls)}
    values = {k: v for k, v in doc.items() if k in known}
    for key in _TIME_FIELDS & values.keys():
        values[key] = from_ms(values[key]) if values[key] is not None else None
    if "ratings" in values:
        values["ratings"] = [Rating(score=r["score"], comment=r["comment"], agent_id=r["agent_id"],
                                    rated_at=from_ms(r["rated_at"])) for r in values["ratings"]]
    return cls(**values)
