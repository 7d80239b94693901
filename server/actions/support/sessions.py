"""Support sessions: one round of a customer's support conversation, from their first message (or a
hand-off) to its end, written as the case moves, so the service figures (stats.py) and the customer's
earlier conversations at the desk come from what happened, not from the case's current state alone."""
from __future__ import annotations

from dataclasses import replace

from ...domain.support import SupportCase, SupportSession
from ...services import Services
from ...storage.base import new_id


def new_session(svc: Services, case: SupportCase, *, first_seq: int = 0) -> SupportSession:
    now = svc.clock.now()
    return SupportSession(id=new_id(), conversation_id=case.conversation_id, customer_id=case.customer_id,
                          state=case.state, started_at=now, updated_at=now, first_seq=first_seq)


SET_ONCE = ("assigned_at", "first_response_at")  # the first claim and the first answer count, not later ones


async def record(svc: Services, case: SupportCase, **changes) -> None:
    """The case's session under way takes these changes (nothing when it has none)."""
    if not case.session_id:
        return
    session = await svc.storage.support_sessions.get(session_id=case.session_id)
    if session is None:
        return
    changes = {k: v for k, v in changes.items() if k not in SET_ONCE or getattr(session, k) is None}
    await svc.storage.support_sessions.put(replace(session, updated_at=svc.clock.now(), **changes))
