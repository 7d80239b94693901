"""The desk's own stores over the document table (docs.py): support sessions (what the service figures
are computed from, and the customer's earlier conversations), internal case notes, customer profiles
(notes and labels). Each passes the document table's five rules: read by id or listed by one owner,
whole-document writes, one row per write, the id the only key, written at human pace."""
from __future__ import annotations

from ..domain.support import CaseNote, CustomerProfile, SupportSession
from .codec import decode as _decode
from .codec import encode as _encode
from .codec import to_ms
from .docs import DocTable


class SupportSessionStore:
    """Owner: the customer; state: the session's; sort: when it started."""

    def __init__(self, table: DocTable):
        self.table = table

    async def put(self, session: SupportSession) -> SupportSession:
        await self.table.put(id=session.id, doc=_encode(session), owner=session.customer_id, state=session.state,
                             sort=to_ms(session.started_at))
        return session

    async def get(self, *, session_id: str) -> SupportSession | None:
        return _decode(SupportSession, await self.table.get(id=session_id))

    async def list(self, *, customer_id: str | None = None, limit: int = 50, offset: int = 0) -> list[SupportSession]:
        """Newest first."""
        docs = await self.table.find(owner=customer_id, limit=limit, offset=offset)
        return [_decode(SupportSession, d) for d in docs]


class CaseNoteStore:
    """Owner: the case's conversation; sort: when it was written."""

    def __init__(self, table: DocTable):
        self.table = table

    async def add(self, note: CaseNote) -> CaseNote:
        await self.table.insert(id=note.id, doc=_encode(note), owner=note.conversation_id,
                                sort=to_ms(note.created_at), text=note.text.lower())
        return note

    async def list(self, *, conversation_id: str, limit: int = 100) -> list[CaseNote]:
        """Oldest first."""
        docs = await self.table.find(owner=conversation_id, ascending=True, limit=limit)
        return [_decode(CaseNote, d) for d in docs]

    async def search(self, *, query: str, limit: int = 50) -> list[CaseNote]:
        """Notes holding every word of `query`, newest first (the desk's search; a scan, at human pace)."""
        words = tuple(w.lower() for w in query.split() if w)
        if not words:
            return []
        return [_decode(CaseNote, d) for d in await self.table.find(words=words, limit=limit)]


class CustomerProfileStore:
    """Keyed by the customer."""

    def __init__(self, table: DocTable):
        self.table = table

    async def get(self, *, customer_id: str) -> CustomerProfile:
        found = _decode(CustomerProfile, await self.table.get(id=customer_id))
        return found or CustomerProfile(customer_id=customer_id)

    async def put(self, profile: CustomerProfile) -> CustomerProfile:
        await self.table.put(id=profile.customer_id, doc=_encode(profile), owner=profile.customer_id,
                             sort=to_ms(profile.updated_at) or 0, text=" ".join(profile.labels).lower())
        return profile
