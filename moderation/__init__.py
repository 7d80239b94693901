"""The moderation interface the send pipeline calls before anything is stored.

The rules engine (a later issue) fills this in; until then `AllowAll` is used.
Checks are pure: (text, context) -> Verdict, no I/O."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

ACTIONS = ("allow", "mask", "flag", "block")


@dataclass(frozen=True, slots=True)
class MessageContext:
    text: str
    author_id: str
    conversation_id: str
    conversation_kind: str
    group_id: str | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    action: str = "allow"
    categories: tuple[str, ...] = ()
    matches: tuple[str, ...] = ()
    text: str | None = None  # the masked text, when action == "mask"
    rule: str | None = None
    reasons: tuple[str, ...] = field(default=())


ALLOW = Verdict()


class ModerationHook(Protocol):
    def check(self, ctx: MessageContext) -> Verdict: ...


class AllowAll:
    def check(self, ctx: MessageContext) -> Verdict:
        return ALLOW
