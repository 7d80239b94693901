"""The document table (DocTable): the one storage primitive the shop and moderation stores
(shop.py, moderation.py) are built on, written once over this protocol so both backends
behave alike by construction.

Each row is a JSON document plus a few indexed columns: `owner` (who or what it belongs
to), `state` (what queues filter on and what `swap` compares), `sort` (one integer lists
are ordered by) and `text` (what a keyword search looks at). SQLite keeps every kind in
the one `docs` table (sqlite/docs.py); MongoDB keeps one collection per kind, `shop_<kind>`
(mongo/docs.py). Dataclasses become documents through codec.encode / codec.decode.

When the document table fits, and when an entity needs its own table and collection
(the rule; docs/storage.md says the same):

A new entity goes in the document table when all of these hold:
  1. It is read by id, or listed by one owner (or a few), a set of states and one
     integer order, with at most a word filter over `text` -- nothing find/count can't say.
  2. A write replaces the whole document, and the only race that matters is decided by
     a compare-and-set on `state` (swap): a case claimed once, an appeal decided once.
  3. Each write touches one row: no other row or entity has to change in the same
     transaction, and no query joins it to another entity.
  4. The id is its only unique key.
  5. It is written at human pace (an order, a ticket, a moderator's decision), not once
     per chat message or per connection, and its word searches are narrowed by owner or
     state first: `text` has no index (a scan of what owner and state leave), and in
     SQLite every kind shares one table and its indexes.

It gets a dedicated table (a migration in sqlite/schema.py, indexes in mongo/indexes.py),
its own store module in sqlite/ and mongo/ and a protocol in base.py as soon as one of them
fails, for instance:
  - counters or sequences that concurrent writers bump (messages' gap-free seq,
    like_count, member_count) -- a swap on the whole document would make them retry;
  - a unique key besides the id (a username, a membership pair, a client_msg_id);
  - several rows that must change together (a group with its conversation and owner),
    or a query across entities (members by username, search joined to messages);
  - ranked full-text search (FTS5, scored tokens) or a second order or filter column;
  - hot-path volume (messages, read markers, notifications, sessions).

The shop and moderation kinds pass all five. The entities in base.py came first; most fail
one, and the few small ones that would pass today (pins, say) keep their tables: moving a
working table is a migration with nothing to gain.

Adding a kind means a store in shop.py or moderation.py, a line in Storage.attach_docs
(base.py) and the kind in mongo/docs.py's DOC_KINDS, which creates its indexes. Moving a
kind out later changes only the store behind the same methods: the contract tests in
tests/storage stay as they are."""
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
    async def delete(self, *, id: str) -> None: ...
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
