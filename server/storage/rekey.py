"""Issue 12: the ids made before it (24 hex: milliseconds, a per-process constant and a counter) could
be guessed from two of one's own. This gives every such id of a thing a user can't see by right an
unguessable replacement (new_id's shape: the old 12-hex millisecond prefix, then 80 random bits, so
time order holds) and rewrites every reference to it. Both backends use the plan below; sqlite/rekey.py
and mongo/rekey.py apply it (docs/storage.md, "Ids and the issue-12 migration").

What gets a new id: conversations (group chats, threads, private, support), groups, messages,
notifications, and the documents sanctions (and so their appeals), tickets, after-sales requests, audit
entries and moderation cases. A case about a message shares the message's id, an appeal its
sanction's, a support case its conversation's and a group's rules its group's: they follow.
A case about a user has an id derived from its scope and the user (domain.moderation.user_case_id):
it is derived again from the new scope.

What keeps its id: users (public by right: every message names its author; 24-hex ids stay valid
input, validate.ID_RE), sessions (keyed by a token's hash), invites (already a random code), orders
(the shop's own order numbers, which customers quote), products (skus), settings and reporter
records (keyed by user).

A reference is rewritten wherever an id is the whole value, or one part of a ':'-joined key (pins,
read markers, likes, dedupe keys), or a word of a document's search text; texts people wrote
(FREE_TEXT) are left alone, even when they quote an id."""
from __future__ import annotations

import re
import secrets
from collections import defaultdict
from collections.abc import Iterable

from ..domain.moderation import user_case_id

LEGACY_ID = re.compile(r"^[0-9a-f]{24}$")
RANDOM_BITS = 80
# document kinds (docs.py) whose rows get fresh ids, and those whose ids are another entity's
REKEYED_DOC_KINDS = ("sanction", "ticket", "aftersale", "audit")
FOLLOWING_DOC_KINDS = ("modcase", "appeal", "support", "rules")
# fields that hold what someone wrote, or what was derived from it: never rewritten
FREE_TEXT = frozenset({"text", "title", "name", "description", "bio", "announcement", "snapshot", "reason", "note",
                       "summary", "comment", "tokens", "decision_reason", "display_name", "username",
                       "username_lower", "password_hash", "fit_note"})


def is_legacy(value) -> bool:
    return isinstance(value, str) and LEGACY_ID.match(value) is not None


def fresh_ids(old_ids: Iterable[str]) -> dict[str, str]:
    """old -> new for every legacy id: the same millisecond prefix and fresh random bits, drawn and
    sorted per millisecond so that ids of one millisecond keep their old order."""
    by_ms: dict[str, list[str]] = defaultdict(list)
    for old in sorted({i for i in old_ids if is_legacy(i)}):
        by_ms[old[:12]].append(old)
    mapping = {}
    for ms, olds in by_ms.items():
        draws: set[int] = set()
        while len(draws) < len(olds):
            draws.add(secrets.randbits(RANDOM_BITS))
        for old, rand in zip(olds, sorted(draws), strict=True):
            mapping[old] = f"{ms}{rand:020x}"
    return mapping


class Plan:
    """The old -> new map, and how to apply it to one value."""

    def __init__(self, mapping: dict[str, str]):
        self.map = mapping

    def ref(self, value):
        """An id, or a ':'-joined key of ids (anything else comes back as it is)."""
        if not isinstance(value, str) or not value:
            return value
        found = self.map.get(value)
        if found is not None:
            return found
        if ":" in value:
            return ":".join(self.map.get(part, part) for part in value.split(":"))
        return value

    def words(self, value):
        """A search text: each word that is an id."""
        if not isinstance(value, str) or not value:
            return value
        return " ".join(self.map.get(w, w) for w in value.split(" "))

    def walk(self, value):
        """A JSON value (a card, extra, a document): every id in it, leaving FREE_TEXT fields alone."""
        if isinstance(value, dict):
            return {self.ref(k): (v if k in FREE_TEXT else self.walk(v)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.walk(v) for v in value]
        return self.ref(value)

    def case_ids(self, cases: Iterable[dict]) -> None:
        """Cases (documents) with a legacy id: a user case is derived again from its (new) scope; a
        message case follows its message (already mapped); any other gets a fresh id."""
        orphans = []
        for case in cases:
            old = case.get("id")
            if not is_legacy(old) or old in self.map:
                continue
            if case.get("target_kind") == "user":
                self.map[old] = user_case_id(self.ref(case.get("scope", "")), case.get("target_id", ""))
            else:
                orphans.append(old)
        self.map.update(fresh_ids(orphans))

    def orphans(self, ids: Iterable[str]) -> None:
        """Legacy ids that should have followed another entity's but found none: fresh ones."""
        self.map.update(fresh_ids(i for i in ids if i not in self.map))
