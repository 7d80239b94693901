"""What every SQLite store shares: the Database it runs on and a few query helpers."""
from __future__ import annotations

from .db import Database


def placeholders(items) -> str:
    return ",".join("?" * len(items))


async def rows_by_id(db, table: str, ids) -> list:
    """The rows of `table` with these ids (repeats and unknown ones are fine), in one read."""
    ids = list(set(ids))
    if not ids:
        return []
    return await db.read(lambda c: c.execute(f"SELECT * FROM {table} WHERE id IN ({placeholders(ids)})", ids).fetchall())


class Store:
    def __init__(self, db: Database):
        self.db = db
