"""DocTable (../docs.py) over the one `docs` table that the shop and moderation stores share."""
from __future__ import annotations

import json
import sqlite3

from ..base import DuplicateError
from .db import Database
from .store import Store, placeholders


class SqliteDocs(Store):
    """DocTable (docs.py) over the shared `docs` table, one `kind` per store."""

    def __init__(self, db: Database, kind: str):
        super().__init__(db)
        self.kind = kind

    def _row(self, id, doc, owner, state, sort, text):
        return (self.kind, id, owner, state, sort, text, json.dumps(doc, ensure_ascii=False))

    async def insert(self, *, id, doc, owner=None, state=None, sort=0, text=""):
        def work(c):
            try:
                c.execute("INSERT INTO docs VALUES (?,?,?,?,?,?,?)", self._row(id, doc, owner, state, sort, text))
            except sqlite3.IntegrityError as exc:
                raise DuplicateError(f"{self.kind} {id}") from exc
        await self.db.write(work)

    async def put(self, *, id, doc, owner=None, state=None, sort=0, text=""):
        await self.db.write(lambda c: c.execute("INSERT OR REPLACE INTO docs VALUES (?,?,?,?,?,?,?)",
                                                self._row(id, doc, owner, state, sort, text)))

    async def get(self, *, id):
        r = await self.db.read(lambda c: c.execute("SELECT doc FROM docs WHERE kind=? AND id=?",
                                                   (self.kind, id)).fetchone())
        return json.loads(r[0]) if r else None

    async def delete(self, *, id):
        await self.db.write(lambda c: c.execute("DELETE FROM docs WHERE kind=? AND id=?", (self.kind, id)))

    async def swap(self, *, id, expect_state, doc, owner=None, state=None, sort=0, text=""):
        return await self.db.write(lambda c: c.execute(
            "UPDATE docs SET owner=?, state=?, sort=?, text=?, doc=? WHERE kind=? AND id=? AND state IS ?",
            (owner, state, sort, text, json.dumps(doc, ensure_ascii=False), self.kind, id, expect_state)).rowcount == 1)

    @staticmethod
    def _where(kind, owner, states, words):
        clauses, args = ["kind=?"], [kind]
        if isinstance(owner, tuple):
            clauses.append(f"owner IN ({placeholders(owner)})")
            args.extend(owner)
        elif owner is not None:
            clauses.append("owner=?")
            args.append(owner)
        if states is not None:
            clauses.append(f"state IN ({placeholders(states)})")
            args.extend(states)
        for word in words:
            clauses.append("instr(text, ?) > 0")
            args.append(word)
        return " AND ".join(clauses), args

    async def find(self, *, owner=None, states=None, words=(), ascending=False, limit=50, offset=0):
        where, args = self._where(self.kind, owner, states, words)
        order = "ASC" if ascending else "DESC"
        rows = await self.db.read(lambda c: c.execute(
            f"SELECT doc FROM docs WHERE {where} ORDER BY sort {order}, id {order} LIMIT ? OFFSET ?",
            (*args, limit, offset)).fetchall())
        return [json.loads(r[0]) for r in rows]

    async def count(self, *, states=None, before=None):
        where, args = self._where(self.kind, None, states, ())
        if before is not None:
            where += " AND (sort < ? OR (sort = ? AND id < ?))"
            args.extend((before[0], before[0], before[1]))
        return await self.db.read(lambda c: c.execute(f"SELECT COUNT(*) FROM docs WHERE {where}", args).fetchone()[0])
