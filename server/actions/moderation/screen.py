"""The moderate step of the message pipeline: sanctions in force, how someone posts (flood,
repeats, mention spam, slow mode), what the message says (the rules engine) and the new-member
limits. A refusal is audited with its rule; a flagged message opens a case once it is stored."""
from __future__ import annotations

from dataclasses import dataclass

from moderation import ALLOW, MessageContext, Verdict

from ... import wire
from ...errors import Forbidden, RateLimited, Rejected
from ...models import BOT_ROLE, PLATFORM_SCOPE, STAFF_ROLES, Conversation, Message, Sanction, User
from ...policy.access import ConversationAccess
from ...policy.roles import TRUSTED_ROLES, is_platform_moderator
from ...policy.trust import is_new_member
from ...services import Services
from .audit import ENGINE, do_audit

SILENCED = {"mute": "muted", "ban": "banned"}
AUDITED_TEXT = 500  # how much of a refused or flagged message the audit log keeps
STRANGER_HISTORY = 200
RATE_LIMITED = {"spam:flood": "flood", "spam:slow_mode": "slow_mode"}  # wait and retry (429), not refused (422)


@dataclass(slots=True)
class Screened:
    text: str                 # what gets stored: masked where the verdict says
    posted: str = ""           # what the author wrote: what the repeat check compares
    verdict: Verdict = ALLOW
    hidden: str | None = None  # "held": stored out of sight until a moderator approves it


async def sanctions_in_force(svc: Services, user_id: str) -> list[Sanction]:
    cache = svc.access_cache
    issued = await cache.fetch(cache.sanctions_key(user_id), lambda: svc.storage.sanctions.for_user(
        user_id=user_id, issued_only=True, limit=100))
    now = svc.clock.now()
    return [s for s in issued or () if s.in_force(now)]


def silenced_error(svc: Services, s: Sanction) -> Forbidden:
    now = svc.clock.now()
    left = None if s.expires_at is None else max(1, int((s.expires_at - now).total_seconds()))
    what = "muted" if s.kind == "mute" else "banned"
    where = "on this platform" if s.scope == PLATFORM_SCOPE else "in this group"
    return Forbidden(f"you are {what} {where}" + (f" for {left} more seconds" if left else " permanently"),
                     code=SILENCED[s.kind], sanction_id=s.id, scope=s.scope, reason=s.reason, rule=s.rule,
                     until=wire.ts(s.expires_at),
                     seconds_left=left)


async def check_not_silenced(svc: Services, user: User, group_id: str | None, *, kinds=("mute", "ban")) -> None:
    """Mutes and bans of the platform, or of the group, stop posting (support conversations excepted)."""
    for s in await sanctions_in_force(svc, user.id):
        if s.kind in kinds and (s.scope == PLATFORM_SCOPE or s.scope == group_id):
            raise silenced_error(svc, s)


def moderates(user: User, acc: ConversationAccess) -> bool:
    """Moderators, and agents answering support, are not held to the behaviour checks."""
    return (is_platform_moderator(user) or acc.is_group_moderator
            or (acc.conversation.kind == "support" and user.role in STAFF_ROLES))


async def may_mention_all(svc: Services, user: User, acc: ConversationAccess) -> bool:
    if acc.group is None:
        return False
    if acc.is_group_admin:
        return True
    rules = svc.rules.get(acc.group.id)
    return rules.members_may_mention_all and not await is_new_member(svc, user, rules, acc.membership)


async def check_not_stranger(svc: Services, user: User, conv: Conversation) -> None:
    """A new account writes privately only to people who wrote to it first, and to staff."""
    others = [u for u in conv.participants if u != user.id]
    if not others or not await is_new_member(svc, user, svc.rules.get(PLATFORM_SCOPE)):
        return
    other = await svc.storage.users.get(user_id=others[0])
    if other is None or other.role in TRUSTED_ROLES:
        return
    recent = await svc.storage.messages.history(conversation_id=conv.id, limit=STRANGER_HISTORY)
    if not any(m.author_id == other.id for m in recent):
        raise Forbidden("new accounts can't start private conversations yet", code="new_member_limit",
                        rule="new_member:private", hours=svc.rules.new_account_hours(svc.rules.get(PLATFORM_SCOPE)))


async def screen(svc: Services, user: User, acc: ConversationAccess, text: str, *, mentions: int = 0,
                 new_post: bool = True) -> Screened:
    conv = acc.conversation
    if user.role == BOT_ROLE:
        return Screened(text, text)
    if conv.kind != "support":
        await check_not_silenced(svc, user, conv.group_id)
    exempt = moderates(user, acc)
    rules = svc.rules.for_conversation(conv)
    if new_post and not exempt:
        spam = await svc.behaviour.check(user_id=user.id, text=text, now=svc.clock.now().timestamp(), mentions=mentions,
                                   group_id=conv.group_id, slow_mode_seconds=rules.slow_mode_seconds,
                                   repeats=conv.kind != "support")
        if spam is not None:
            await _audit_verdict(svc, user, conv, text, spam)
            code = RATE_LIMITED.get(spam.rule)
            if code:
                raise RateLimited("slow down", code=code, rule=spam.rule, retry_after=max(1, round(spam.retry_after)))
            raise Rejected("this message looks like spam", rule=spam.rule, categories=list(spam.categories))
    verdict = ALLOW
    if text:
        verdict = svc.moderation.check(MessageContext(text=text, author_id=user.id, conversation_id=conv.id,
                                                      conversation_kind=conv.kind, group_id=conv.group_id))
    if (verdict.action != "block" and "link" in verdict.categories and not exempt
            and await is_new_member(svc, user, rules, acc.membership)):
        verdict = Verdict(action="block", categories=verdict.categories, matches=verdict.matches,
                          rule="new_member:link")
    if verdict.action != "allow":
        await _audit_verdict(svc, user, conv, text, verdict)
    if verdict.action == "block":
        if verdict.rule == "new_member:link":
            raise Rejected("new members can't post links yet", code="new_member_limit", rule=verdict.rule,
                           hours=svc.rules.new_account_hours(rules))
        raise Rejected("this message breaks the community rules", rule=verdict.rule,
                       categories=list(verdict.categories))
    return Screened(verdict.text if verdict.text is not None else text, text, verdict,
                    "held" if verdict.hold else None)


async def after_stored(svc: Services, user: User, conv: Conversation, message: Message, screened: Screened, *,
                       new_post: bool = True) -> None:
    if new_post and user.role != BOT_ROLE:
        await svc.behaviour.record(user_id=user.id, text=screened.posted, now=svc.clock.now().timestamp(),
                             group_id=conv.group_id)
    if screened.verdict.action == "flag":
        from .reports import do_open_engine_case  # reports.py imports this module
        await do_open_engine_case(svc, conv, message, screened.verdict)


async def _audit_verdict(svc: Services, user: User, conv: Conversation, text: str, verdict: Verdict) -> None:
    action = "hold" if verdict.hold else verdict.action
    await do_audit(svc, actor_id=ENGINE, action=f"engine:{action}",
                   scope=conv.group_id or PLATFORM_SCOPE, target_kind="user", target_id=user.id,
                   rule=verdict.rule or "", details={"conversation_id": conv.id, "text": text[:AUDITED_TEXT],
                                                     "categories": ",".join(verdict.categories)})
