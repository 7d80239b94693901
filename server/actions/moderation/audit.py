"""The append-only audit log: every non-allow verdict of the engine, every report and every
moderator action, with who, what, when, why and which rule. Moderators search it."""
from __future__ import annotations

from ... import wire
from ...domain.moderation import AuditEntry
from ...domain.users import User
from ...policy.roles import moderated_scopes
from ...services import Services
from ...storage.base import new_id

ENGINE = "engine"  # the actor of the rules engine's verdicts


async def do_audit(svc: Services, *, actor_id: str, action: str, scope: str, target_kind: str = "",
                   target_id: str = "", reason: str = "", rule: str = "", details: dict | None = None) -> AuditEntry:
    entry = AuditEntry(id=new_id(), at=svc.clock.now(), actor_id=actor_id, action=action, scope=scope,
                       target_kind=target_kind, target_id=target_id, reason=reason, rule=rule or "",
                       details=details or {})
    await svc.storage.audit.append(entry)
    return entry


async def access_audit(svc: Services, user: User, *, query: str, actions: tuple[str, ...] | None,
                       scope: str | None, limit: int, offset: int) -> list[dict]:
    scopes = await moderated_scopes(svc, user, scope)
    words = tuple(w for w in query.split() if w)[:8]
    entries = await svc.storage.audit.search(scopes=scopes, words=words, actions=actions, limit=limit,
                                             offset=offset)
    return [wire.audit(e) for e in entries]
