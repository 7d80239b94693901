"""A small document table: the one storage primitive the shop stores are built on.

Each row is a JSON document plus a few indexed columns: `owner` (the customer it
belongs to), `state` (what queues filter on), `sort` (a number lists are ordered by)
and `text` (what a keyword search looks at). SQLite keeps all kinds in one `docs`
table; MongoDB keeps one collection per kind. The shop stores in shop.py are
written once against this protocol, so both backends behave alike by construction."""
from __future__ import annotations

from typing import Protocol


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
