"""The moderation stores (cases, sanctions, appeals, the audit log, rules, reporter records),
written once over the DocTable protocol (docs.py), like the shop stores."""
from __future__ import annotations

from datetime import datetime

from ..domain.moderation import Appeal, AuditEntry, GroupRules, ModCase, Sanction
from .codec import decode, encode, to_ms
from .docs import DocTable

_AGE_BITS = 2 ** 42  # epoch milliseconds fit in 42 bits until 2109


def case_rank(score: float, created_at: datetime) -> int:
    """One integer that sorts cases by score, then oldest first (read in descending order)."""
    return min(int(score * 100), 10 ** 4) * _AGE_BITS + (_AGE_BITS - 1 - to_ms(created_at))


class CaseStore:
    def __init__(self, table: DocTable):
        self.table = table

    @staticmethod
    def _columns(case: ModCase) -> dict:
        text = " ".join((case.target_kind, case.target_id, case.author_id, case.source, case.rule)).lower()
        return {"id": case.id, "doc": encode(case), "owner": case.scope, "state": case.state,
                "sort": case_rank(case.score, case.created_at), "text": text}

    async def add(self, case: ModCase) -> None:
        """Raises DuplicateError when the target already has a case."""
        await self.table.insert(**self._columns(case))

    async def get(self, *, case_id: str) -> ModCase | None:
        return decode(ModCase, await self.table.get(id=case_id))

    async def replace(self, case: ModCase, *, expect_state: str) -> bool:
        return await self.table.swap(expect_state=expect_state, **self._columns(case))

    async def queue(self, *, scopes: tuple[str, ...] | None, states: tuple[str, ...], limit: int,
                    offset: int) -> list[ModCase]:
        """Highest score first, then the oldest; scopes None: every scope."""
        docs = await self.table.find(owner=scopes, states=states, limit=limit, offset=offset)
        return [decode(ModCase, d) for d in docs]

    async def about(self, *, author_id: str, limit: int = 20) -> list[ModCase]:
        docs = await self.table.find(words=(author_id,), limit=limit)
        return [c for c in (decode(ModCase, d) for d in docs) if c.author_id == author_id]


class SanctionStore:
    def __init__(self, table: DocTable):
        self.table = table

    @staticmethod
    def _columns(s: Sanction) -> dict:
        state = "lifted" if s.lifted_at is not None else "issued"
        return {"id": s.id, "doc": encode(s), "owner": s.user_id, "state": state, "sort": to_ms(s.created_at),
                "text": s.scope}

    async def add(self, sanction: Sanction) -> Sanction:
        await self.table.insert(**self._columns(sanction))
        return sanction

    async def get(self, *, sanction_id: str) -> Sanction | None:
        return decode(Sanction, await self.table.get(id=sanction_id))

    async def lift(self, sanction: Sanction) -> bool:
        """Compare-and-set: a sanction is lifted once."""
        return await self.table.swap(expect_state="issued", **self._columns(sanction))

    async def for_user(self, *, user_id: str, issued_only: bool = False, limit: int = 50) -> list[Sanction]:
        """Newest first."""
        docs = await self.table.find(owner=user_id, states=("issued",) if issued_only else None, limit=limit)
        return [decode(Sanction, d) for d in docs]


class AppealStore:
    def __init__(self, table: DocTable):
        self.table = table

    @staticmethod
    def _columns(a: Appeal) -> dict:
        return {"id": a.id, "doc": encode(a), "owner": a.scope, "state": a.state, "sort": to_ms(a.created_at),
                "text": a.user_id}

    async def add(self, appeal: Appeal) -> None:
        """Raises DuplicateError when this sanction was appealed before."""
        await self.table.insert(**self._columns(appeal))

    async def get(self, *, appeal_id: str) -> Appeal | None:
        return decode(Appeal, await self.table.get(id=appeal_id))

    async def decide(self, appeal: Appeal) -> bool:
        """Compare-and-set: an appeal is decided once."""
        return await self.table.swap(expect_state="open", **self._columns(appeal))

    async def queue(self, *, scopes: tuple[str, ...] | None, states: tuple[str, ...], limit: int,
                    offset: int) -> list[Appeal]:
        """Oldest first."""
        docs = await self.table.find(owner=scopes, states=states, ascending=True, limit=limit, offset=offset)
        return [decode(Appeal, d) for d in docs]


class AuditStore:
    """Append-only: there is no update and no delete."""

    def __init__(self, table: DocTable):
        self.table = table

    async def append(self, entry: AuditEntry) -> None:
        words = [entry.actor_id, entry.action, entry.target_kind, entry.target_id, entry.rule, entry.reason,
                 *(str(v) for v in entry.details.values() if isinstance(v, (str, int)))]
        await self.table.insert(id=entry.id, doc=encode(entry), owner=entry.scope, state=entry.action,
                                sort=to_ms(entry.at), text=" ".join(w for w in words if w).lower())

    async def search(self, *, scopes: tuple[str, ...] | None, words: tuple[str, ...] = (),
                     actions: tuple[str, ...] | None = None, limit: int = 50, offset: int = 0) -> list[AuditEntry]:
        """Newest first; every word must occur in who, what, which target, rule, reason or details."""
        docs = await self.table.find(owner=scopes, states=actions, words=tuple(w.lower() for w in words),
                                     limit=limit, offset=offset)
        return [decode(AuditEntry, d) for d in docs]


class RulesStore:
    def __init__(self, table: DocTable):
        self.table = table

    async def get(self, *, scope: str) -> GroupRules | None:
        return decode(GroupRules, await self.table.get(id=scope))

    async def put(self, rules: GroupRules) -> None:
        await self.table.put(id=rules.scope, doc=encode(rules), owner=rules.scope)

    async def all(self) -> list[GroupRules]:
        return [decode(GroupRules, d) for d in await self.table.find(limit=1_000_000)]


class ReporterStore:
    """How often each reporter's reports were upheld or dismissed: their accuracy."""

    def __init__(self, table: DocTable):
        self.table = table

    async def get(self, *, user_id: str) -> dict:
        return await self.table.get(id=user_id) or {"upheld": 0, "dismissed": 0}

    async def count(self, *, user_id: str, upheld: bool) -> None:
        record = await self.get(user_id=user_id)
        record["upheld" if upheld else "dismissed"] += 1
        await self.table.put(id=user_id, doc=record, owner=user_id)
