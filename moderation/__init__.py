"""The moderation interface the send pipeline calls before anything is stored.

The rules engine (engine.py) checks what a message says; behaviour.py checks how someone
posts (flood, repeats, mention spam, slow mode). Both are pure: no I/O. `AllowAll` is the
hook when moderation is switched off."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

ACTIONS = ("allow", "mask", "flag", "block")
# links to these are the shop's own, never flagged: the server's CHAT_SHOP_DOMAINS, and the CLI's too
DEFAULT_SHOP_DOMAINS = "shopchat.com"


def shop_domains(value: str | None = None) -> tuple[str, ...]:
    """CHAT_SHOP_DOMAINS as the engine takes it: comma-separated, the default when unset."""
    value = DEFAULT_SHOP_DOMAINS if value is None else value
    return tuple(d.strip().lower() for d in value.split(",") if d.strip())


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
    hold: bool = False        # a flagged message is stored out of sight until a moderator approves it
    retry_after: float = 0.0  # behaviour checks (flood, slow mode): seconds until posting works again


ALLOW = Verdict()


class ModerationHook(Protocol):
    def check(self, ctx: MessageContext) -> Verdict: ...


class AllowAll:
    def check(self, ctx: MessageContext) -> Verdict:
        return ALLOW
