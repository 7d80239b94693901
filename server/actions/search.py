"""Chinese search over the messages and threads a user may read."""
from __future__ import annotations

from .. import wire
from ..domain.users import User
from ..integrations.search_text import snippet, tokenize_query
from ..services import Services
from .messages.kinds import text_of


async def access_search(svc: Services, user: User, *, query: str, limit: int = 20) -> dict:
    tokens = tokenize_query(query)
    if not tokens:
        return {"query": query, "tokens": [], "messages": [], "threads": []}
    group_ids = [g.id for g in await svc.storage.groups.list_for_user(user_id=user.id)]
    private_ids = await svc.storage.conversations.ids_readable_by(group_ids=group_ids, user_id=user.id)
    hits = await svc.storage.messages.search(tokens=tokens, group_ids=group_ids, conversation_ids=private_ids,
                                             limit=limit)
    threads = await svc.storage.messages.search_threads(
        tokens=tokens, group_ids=group_ids, limit=limit)
    return {
        "query": query, "tokens": tokens,
        "messages": [{"message": wire.message(h.message), "score": round(h.score, 4),
                      "snippet": snippet(text_of(h.message), tokens)} for h in hits],
        "threads": [{"thread": wire.thread(t), "snippet": snippet(t.title, tokens)} for t in threads],
    }
