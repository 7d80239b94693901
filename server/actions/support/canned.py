"""Canned replies: a shared list the agents edit at the desk."""
from __future__ import annotations

from ...domain.users import User
from ...errors import InvalidPayload
from ...policy.access import check_staff
from ...services import Services
from ...validate import check_text

CANNED_KEY = "canned_replies"
MAX_CANNED = 50


async def access_canned(svc: Services, user: User) -> list[dict]:
    check_staff(user)
    return ((await svc.storage.settings.get(key=CANNED_KEY)) or {}).get("replies", [])


async def check_set_canned(svc: Services, user: User, replies) -> list[dict]:
    check_staff(user)
    if not isinstance(replies, list) or len(replies) > MAX_CANNED:
        raise InvalidPayload(f"replies must be a list of at most {MAX_CANNED}", field="replies")
    clean = []
    for item in replies:
        if not isinstance(item, dict) or not isinstance(item.get("title"), str) or not isinstance(item.get("text"), str):
            raise InvalidPayload("each reply needs a title and a text", field="replies")
        check_text(item["title"], "replies", lines=False, what="a reply's title")  # the text rule, as every field
        check_text(item["text"], "replies", what="a reply's text")
        title, text = item["title"].strip(), item["text"].strip()
        if not title or not text or len(title) > 40 or len(text) > 1000:
            raise InvalidPayload("a title is 1-40 characters and a text 1-1000", field="replies")
        clean.append({"title": title, "text": text})
    await svc.storage.settings.put(key=CANNED_KEY, value={"replies": clean})
    return clean
