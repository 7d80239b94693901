"""Migration 5 (schema.py): the guessable 24-hex ids get unguessable ones (../rekey.py says which and
how), every reference rewritten, in the migration's one transaction. Running it again finds no
legacy id and changes nothing."""
from __future__ import annotations

import json
import sqlite3

from ..rekey import FOLLOWING_DOC_KINDS, REKEYED_DOC_KINDS, Plan, fresh_ids, is_legacy

# table -> (id-or-key columns, JSON columns, search-text columns)
COLUMNS = {
    "conversations": (("id", "group_id"), (), ()),
    "participants": (("conversation_id",), (), ()),
    "groups": (("id", "conversation_id"), (), ()),
    "memberships": (("group_id",), (), ()),
    "invites": (("group_id",), (), ()),
    "pins": (("group_id", "message_id"), (), ()),
    "messages": (("id", "conversation_id", "group_id", "reply_to"), ("card", "extra"), ()),
    "reads": (("conversation_id",), (), ()),
    "likes": (("target_id",), (), ()),
    "follows": (("conversation_id",), (), ()),
    "notifications": (("id", "conversation_id", "message_id"), (), ()),
    "docs": (("id", "owner"), ("doc",), ("text",)),
}


def plan_for(conn: sqlite3.Connection) -> Plan:
    ids = []
    for table in ("conversations", "groups", "messages", "notifications"):
        ids += [r[0] for r in conn.execute(f"SELECT id FROM {table} WHERE length(id) = 24")]
    kinds = ",".join("?" * len(REKEYED_DOC_KINDS))
    ids += [r[0] for r in conn.execute(f"SELECT id FROM docs WHERE kind IN ({kinds}) AND length(id) = 24",
                                       REKEYED_DOC_KINDS)]
    plan = Plan(fresh_ids(ids))
    cases = conn.execute("SELECT doc FROM docs WHERE kind='modcase' AND length(id) = 24").fetchall()
    plan.case_ids(json.loads(r[0]) for r in cases)
    kinds = ",".join("?" * len(FOLLOWING_DOC_KINDS))
    plan.orphans(r[0] for r in conn.execute(f"SELECT id FROM docs WHERE kind IN ({kinds}) AND length(id) = 24",
                                            FOLLOWING_DOC_KINDS) if is_legacy(r[0]))
    return plan


def rekey(conn: sqlite3.Connection) -> int:
    """Runs inside the caller's transaction; returns how many ids were replaced."""
    plan = plan_for(conn)
    if not plan.map:
        return 0
    conn.execute("PRAGMA defer_foreign_keys=ON")  # a row and its references change one after the other
    for table, (refs, docs, texts) in COLUMNS.items():
        names = (*refs, *docs, *texts)
        for row in conn.execute(f"SELECT rowid, {', '.join(names)} FROM {table}").fetchall():
            rowid, *values = tuple(row)
            new = [plan.ref(v) for v in values[:len(refs)]]
            new += [_json(plan, v) for v in values[len(refs):len(refs) + len(docs)]]
            new += [plan.words(v) for v in values[len(refs) + len(docs):]]
            if new != values:
                sets = ", ".join(f"{n}=?" for n in names)
                conn.execute(f"UPDATE {table} SET {sets} WHERE rowid=?", (*new, rowid))
    return len(plan.map)


def _json(plan: Plan, raw):
    if raw is None:
        return None
    walked = json.dumps(plan.walk(json.loads(raw)), ensure_ascii=False)
    return raw if walked == json.dumps(json.loads(raw), ensure_ascii=False) else walked
