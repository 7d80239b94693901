"""Conversions shared by both backends: timestamps are stored as UTC epoch milliseconds."""
from __future__ import annotations

from datetime import datetime, timezone


def to_ms(dt: datetime | None) -> int | None:
    if dt is None:
        return None
    return int(dt.timestamp() * 1000)


def from_ms(ms: int | None) -> datetime | None:
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc)


def private_key(user_a: str, user_b: str) -> str:
    a, b = sorted((user_a, user_b))
    return f"{a}:{b}"


def drop_none(**fields) -> dict:
    """The fields given a value: what an update that leaves None alone changes."""
    return {k: v for k, v in fields.items() if v is not None}
