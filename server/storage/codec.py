"""The one codec: conversions both backends share. Timestamps are stored as UTC epoch
milliseconds; a message's card (whatever its kind shows) as a plain dict (a JSON column in SQLite,
a subdocument in MongoDB). Decoding a row or document into its dataclass is backend-specific
and lives with the entity's store (sqlite/<entity>.py, mongo/<entity>.py)."""
from __future__ import annotations

from dataclasses import asdict, fields
from datetime import datetime, timezone

from ..domain.support import Rating


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


# -- dataclasses <-> DocTable documents (docs.py): datetimes as epoch milliseconds ------------

_TIME_FIELDS = {"created_at", "updated_at", "opened_at", "queued_at", "assigned_at", "resolved_at", "rated_at",
                "expires_at", "lifted_at", "decided_at", "at", "first_response_at", "started_at"}


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
                                    rated_at=from_ms(r["rated_at"]), ticket_id=r.get("ticket_id", "")) for r in values["ratings"]]
    return cls(**values)
