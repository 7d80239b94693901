"""The moderate step of the message pipeline, as an ordered chain of checks (compare Synapse's
spam-checker callbacks): sanctions in force, how someone posts (flood, repeats, mention spam, slow
mode), what the message says (the rules engine) and the new-member limits. Each check is a function
of a Screening, testable alone; a feature adds its own to svc.screen_checks. A refusal is audited with
its rule; a flagged message opens a case once it is stored (reports subscribe to MessageSent)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Awaitable, Callable

from moderation import ALLOW, MessageContext, Verdict

from ... import wire
from ...domain.messages import Conversation
from ...domain.moderation import PLATFORM_SCOPE, GroupRules, Sanction
from ...domain.users import BOT_ROLE, STAFF_ROLES, User
from ...errors import Forbidden, RateLimited, Rejected
from ...events.domain import MessageSent
from ...policy.access import ConversationAccess
from ...policy.roles import TRUSTED_ROLES, is_platform_moderator
from ...policy.trust import is_new_member
from ...services import Services
from .audit import ENGINE, do_audit
from .pictures import check_pictures

SILENCED = {"mute": "muted", "ban": "banned"}
AUDITED_TEXT = 500  # how much of a refused or flagged message the audit log keeps
STRANGER_HISTORY = 200
RATE_LIMITED = {"spam:flood": "flood", "spam:slow_mode": "slow_mode"}  # wait and retry (429), not refused (422)


@dataclass(slots=True)
class Screened:
    text: str                 # what gets stored: masked where the verdict says
    posted: str = ""           # what the author wrote: what the repeat check compares
    verdict: Verdict = ALLOW
    hidden: str | None = None  # "held": stored out of sight until a moderator approves it; "checking": its pictures
    for_assistant: str | None = None  # contact details a customer gave support, masked for the assistant
    exempt: bool = False       # a moderator's (or an agent's at the desk): not held to the behaviour checks


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


@dataclass(slots=True)
class Screening:
    """What the checks of the moderate step see, and the verdict they build up."""
    svc: Services
    user: User
    acc: ConversationAccess
    text: str
    mentions: int
    new_post: bool
    exempt: bool              # moderators (and agents at the desk) are not held to the behaviour checks
    rules: GroupRules
    verdict: Verdict = ALLOW
    for_assistant: str | None = None
    pictures: tuple[str, ...] = ()   # the upload ids of a picture message
    pictures_pending: bool = False   # some of them are still being read: the message waits out of sight

    @property
    def conversation(self) -> Conversation:
        return self.acc.conversation


# A check refuses by raising (a DomainError the sender is told), or sets the verdict for the next ones.
ScreenCheck = Callable[[Screening], Awaitable[None]]


async def check_sanctions(s: Screening) -> None:
    if s.conversation.kind != "support":  # a muted customer can still ask support for help
        await check_not_silenced(s.svc, s.user, s.conversation.group_id)


async def check_behaviour(s: Screening) -> None:
    """Flood, repeats, mention spam and slow mode, over every process's record of the author's posts."""
    if not s.new_post or s.exempt:
        return
    svc, conv = s.svc, s.conversation
    spam = await svc.behaviour.check(user_id=s.user.id, text=s.text, now=svc.clock.now().timestamp(),
                                     mentions=s.mentions, group_id=conv.group_id,
                                     slow_mode_seconds=s.rules.slow_mode_seconds, repeats=conv.kind != "support")
    if spam is None:
        return
    await _audit_verdict(svc, s.user, conv, s.text, spam)
    code = RATE_LIMITED.get(spam.rule)
    if code:
        raise RateLimited("slow down", code=code, rule=spam.rule, retry_after=max(1, round(spam.retry_after)))
    raise Rejected("this message looks like spam", rule=spam.rule, categories=list(spam.categories))


async def check_content(s: Screening) -> None:
    """What the message says: the rules engine, with the group's own words."""
    if s.text:
        conv = s.conversation
        s.verdict = s.svc.moderation.check(MessageContext(text=s.text, author_id=s.user.id, conversation_id=conv.id,
                                                          conversation_kind=conv.kind, group_id=conv.group_id))
        _allow_contact_for_support(s)


SUPPORT_CONTACT = ("diversion",)


def _allow_contact_for_support(s: Screening) -> None:
    """A phone number or WeChat id a customer gives in their support conversation is for the shop (the
    courier, a call back), not diversion: it reaches the agents as written; the assistant gets it masked."""
    v = s.verdict
    if (s.conversation.kind != "support" or s.exempt or v.action == "allow"
            or not set(v.categories) <= set(SUPPORT_CONTACT)):
        return
    mask = getattr(s.svc.moderation, "mask", None)
    s.for_assistant = mask(s.text, SUPPORT_CONTACT) if mask else "＊" * len(s.text)
    s.verdict = Verdict(action="allow", categories=v.categories, matches=v.matches, rule="support:contact")


async def check_new_member_links(s: Screening) -> None:
    v = s.verdict
    if (v.action != "block" and "link" in v.categories and not s.exempt
            and await is_new_member(s.svc, s.user, s.rules, s.acc.membership)):
        s.verdict = Verdict(action="block", categories=v.categories, matches=v.matches, rule="new_member:link")


# In order: the cheap refusals first, the engine once they pass, then what depends on its verdict.
SCREEN_CHECKS: tuple[ScreenCheck, ...] = (check_sanctions, check_behaviour, check_content, check_pictures,
                                          check_new_member_links)
NEW_MEMBER_LIMITS = {"new_member:link": "new members can't post links yet",
                     "new_member:picture": "new members can't post pictures yet"}


async def screen(svc: Services, user: User, acc: ConversationAccess, text: str, *, mentions: int = 0,
                 new_post: bool = True, pictures: tuple[str, ...] = ()) -> Screened:
    """The moderate step: runs the chain of checks (svc.screen_checks), audits a verdict that isn't
    'allow', refuses a block, and says what to store (masked text, held)."""
    if user.role == BOT_ROLE:
        return Screened(text, text)
    conv = acc.conversation
    s = Screening(svc, user, acc, text, mentions, new_post, moderates(user, acc), svc.rules.for_conversation(conv),
                  pictures=pictures)
    for check in svc.screen_checks:  # SCREEN_CHECKS, and whatever features added (app.subscribe_all)
        await check(s)
    verdict = s.verdict
    if verdict.action != "allow":
        await _audit_verdict(svc, user, conv, " ".join((text, *verdict.matches)) if pictures else text, verdict)
    if verdict.action == "block":
        if verdict.rule in NEW_MEMBER_LIMITS:
            raise Rejected(NEW_MEMBER_LIMITS[verdict.rule], code="new_member_limit", rule=verdict.rule,
                           hours=svc.rules.new_account_hours(s.rules))
        more = {"matches": list(verdict.matches)} if verdict.rule and verdict.rule.startswith("picture:") else {}
        raise Rejected("this picture breaks the community rules" if more else "this message breaks the community rules",
                       rule=verdict.rule, categories=list(verdict.categories), **more)
    hidden = "checking" if s.pictures_pending else "held" if verdict.hold else None
    return Screened(verdict.text if verdict.text is not None else text, text, verdict, hidden, s.for_assistant,
                    s.exempt)


def subscribe(svc: Services) -> None:
    """What the author posted counts towards the behaviour checks once it is stored."""
    async def record(e: MessageSent) -> None:
        await svc.behaviour.record(user_id=e.author.id, text=e.posted, now=svc.clock.now().timestamp(),
                                   group_id=e.conversation.group_id)
    svc.bus.subscribe(MessageSent, lambda e: record(e) if e.author.role != BOT_ROLE else None)


async def _audit_verdict(svc: Services, user: User, conv: Conversation, text: str, verdict: Verdict) -> None:
    action = "hold" if verdict.hold else verdict.action
    await do_audit(svc, actor_id=ENGINE, action=f"engine:{action}",
                   scope=conv.group_id or PLATFORM_SCOPE, target_kind="user", target_id=user.id,
                   rule=verdict.rule or "", details={"conversation_id": conv.id, "text": text[:AUDITED_TEXT],
                                                     "categories": ",".join(verdict.categories)})


# -- what members write outside messages -------------------------------------------------------------

async def screen_text(svc: Services, user: User | None, text: str, *, field: str, group_id: str | None = None,
                      quoting: bool = False) -> str:
    """A text a member writes that is no message (a thread title, a display name, a bio, a group's name,
    description or announcement, a report note, an appeal, a rating comment) meets the content rules a
    message meets: the rules engine, with the group's own words where it belongs to a group. A block is
    refused as a message's is (422 moderation_blocked, with the rule, its categories and the field), and so
    is a hold: such a text can't wait out of sight for a moderator. A mask is stored masked; a flag is
    let through and audited. The behaviour checks (flood, repeats) are the message pipeline's alone.

    `quoting`: a text only moderators read, written to tell them about someone's words (a report's note,
    an appeal), which quotes those words as often as not: its block is audited, not refused (refusing
    would stop the report of a diversion that quotes it), and its mask still applies.
    The engine's context names the field as its conversation_kind. `user` None: someone registering.
    Returns the text to store."""
    if not text or (user is not None and user.role == BOT_ROLE):
        return text
    author_id = user.id if user is not None else ""
    verdict = svc.moderation.check(MessageContext(text=text, author_id=author_id, conversation_id="",
                                                  conversation_kind=field, group_id=group_id))
    if verdict.action == "allow":
        return text
    action = "hold" if verdict.hold else verdict.action
    await do_audit(svc, actor_id=ENGINE, action=f"engine:{action}", scope=group_id or PLATFORM_SCOPE,
                   target_kind="user", target_id=author_id, rule=verdict.rule or "",
                   details={"field": field, "text": text[:AUDITED_TEXT], "categories": ",".join(verdict.categories)})
    if (verdict.action == "block" or verdict.hold) and not quoting:
        raise Rejected(f"this {field.replace('_', ' ')} breaks the community rules", rule=verdict.rule,
                       categories=list(verdict.categories), field=field)
    return verdict.text if verdict.text is not None else text


async def screen_texts(svc: Services, user: User, *, group_id: str | None = None, **fields: str | None) -> dict:
    """screen_text for each field given (None and empty ones pass as they are); the texts to store, by field."""
    return {name: await screen_text(svc, user, value, field=name, group_id=group_id) if value else value
            for name, value in fields.items()}
