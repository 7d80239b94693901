"""What moderators do about a case or a user (dismiss, delete, warn, mute, kick, ban), how the
sanctioned learn of it, and appeals: one per action, in their own queue."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from ... import events, wire
from ...domain.moderation import APPEAL_STATES, MOD_ACTIONS, PLATFORM_SCOPE, Appeal, ModCase, Sanction
from ...domain.users import User
from ...errors import Conflict, Forbidden, InvalidPayload, NotFound
from ...events.domain import SanctionIssued, SanctionLifted
from ...policy.roles import access_moderated, check_moderator, is_platform_moderator, moderated_scopes
from ...services import Services
from ...storage.base import DuplicateError, new_id
from ..messages import do_set_hidden
from ..notify import do_notify_shown
from .audit import do_audit
from .reports import access_case, publish_case
from .screen import check_not_silenced, screen_text

DURATIONS = {"10m": 600, "1h": 3600, "1d": 86400, "7d": 7 * 86400}
MAX_DURATION = 366 * 86400
MIN_DURATION = 60
MAX_REASON = 500
MAX_APPEAL = 1000
RANK = {"member": 0, "moderator": 1, "admin": 2, "owner": 3}


async def notice(svc: Services, sanction: Sanction, **more) -> dict:
    """What moderation:notice tells the sanctioned: the sanction and, for a group's, the group ({id, name}): a kick or
    a group's ban has just taken the group off their list, and the notice still names it."""
    body = {**more, "sanction": wire.sanction(sanction, now=svc.clock.now())}
    if sanction.scope != PLATFORM_SCOPE:
        group = await svc.storage.groups.get(group_id=sanction.scope)
        if group is not None:
            body["group"] = {"id": group.id, "name": group.name}
    return body


def subscribe(svc: Services) -> None:
    """The person a decision is about is told of it live, with the reason, the time left and where."""
    async def tell(e: SanctionIssued | SanctionLifted) -> None:
        svc.publisher.to_users(events.MODERATION_NOTICE, await notice(svc, e.sanction), [e.sanction.user_id])
    svc.bus.subscribe(SanctionIssued, tell)
    svc.bus.subscribe(SanctionLifted, tell)


async def _check_acting_moderator(svc: Services, moderator: User, scope: str) -> None:
    """A moderator acts in the scopes they moderate, and not while muted or banned there themselves."""
    await check_moderator(svc, moderator, scope)
    await check_not_silenced(svc, moderator, None if scope == PLATFORM_SCOPE else scope)


def parse_duration(action: str, raw) -> int | None:
    """Seconds: a preset (10m, 1h, 1d, 7d) or a number; None is permanent (bans only)."""
    if action not in ("mute", "ban"):
        return None
    if raw is None or raw == "permanent":
        if action == "mute":
            raise InvalidPayload("a mute needs a duration: 10m, 1h, 1d, 7d or seconds", field="duration")
        return None
    if isinstance(raw, str) and raw in DURATIONS:
        return DURATIONS[raw]
    if isinstance(raw, bool) or not isinstance(raw, int) or not MIN_DURATION <= raw <= MAX_DURATION:
        raise InvalidPayload(f"duration must be 10m, 1h, 1d, 7d{', permanent' if action == 'ban' else ''} "
                             f"or {MIN_DURATION}-{MAX_DURATION} seconds", field="duration")
    return raw


def _check_reason(action: str, reason: str) -> None:
    if len(reason) > MAX_REASON:
        raise InvalidPayload(f"reason is longer than {MAX_REASON} characters", code="too_long", field="reason")
    if action != "dismiss" and not reason:
        raise InvalidPayload("say why: the user is told the reason", field="reason")


async def _check_may_sanction(svc: Services, actor: User, target: User, scope: str) -> None:
    """Nobody sanctions themselves, platform staff, or someone of their own rank or above in a group."""
    if target.id == actor.id:
        raise Forbidden("you can't act on yourself", code="cannot_sanction")
    if target.role in ("moderator", "admin") and actor.role != "admin":
        raise Forbidden("platform moderators are answerable to admins only", code="cannot_sanction")
    if scope != PLATFORM_SCOPE and not is_platform_moderator(actor):
        mine = await svc.storage.groups.get_member(group_id=scope, user_id=actor.id)
        theirs = await svc.storage.groups.get_member(group_id=scope, user_id=target.id)
        if theirs is not None and RANK[theirs.role] >= RANK[mine.role if mine else "member"]:
            raise Forbidden("you can't act on a member of your own rank or above", code="cannot_sanction")


async def _remove_from_group(svc: Services, group_id: str, user_id: str) -> None:
    membership = await svc.storage.groups.get_member(group_id=group_id, user_id=user_id)
    if membership is None:
        return
    if membership.role == "owner":
        raise Forbidden("the owner can't be removed from their group", code="cannot_sanction")
    await svc.storage.groups.remove_member(group_id=group_id, user_id=user_id)
    svc.access_cache.forget_member(group_id, user_id)
    await svc.publisher.remove_user_from_room(user_id, events.group_room(group_id))
    await svc.publisher.remove_user_from_room(user_id, events.mods_room(group_id))
    svc.publisher.publish(events.MEMBER_LEFT, {"group_id": group_id, "user_id": user_id},
                          events.group_room(group_id), events.user_room(user_id))


async def do_sanction(svc: Services, actor: User, *, user_id: str, scope: str, kind: str, reason: str,
                      rule: str = "", seconds: int | None = None, case_id: str | None = None,
                      message_id: str | None = None) -> Sanction:
    now = svc.clock.now()
    sanction = Sanction(id=new_id(), user_id=user_id, kind=kind, scope=scope, reason=reason, rule=rule,
                        moderator_id=actor.id, created_at=now,
                        expires_at=now + timedelta(seconds=seconds) if seconds else None,
                        case_id=case_id, message_id=message_id)
    if kind in ("kick", "ban") and scope != PLATFORM_SCOPE:
        await _remove_from_group(svc, scope, user_id)
    if kind == "delete" and message_id:
        await do_set_hidden(svc, message_id, "removed")
    await svc.storage.sanctions.add(sanction)
    svc.access_cache.forget_sanctions(user_id)
    await do_audit(svc, actor_id=actor.id, action=kind, scope=scope, target_kind="user", target_id=user_id,
                   reason=reason, rule=rule, details={"sanction_id": sanction.id, "case_id": case_id or "",
                                                      "message_id": message_id or "", "seconds": seconds or 0})
    await svc.bus.emit(SanctionIssued(sanction))
    return sanction


def _parse_action(action: str, reason: str, duration) -> int | None:
    if action not in MOD_ACTIONS:
        raise InvalidPayload(f"action must be one of {', '.join(MOD_ACTIONS)}", field="action")
    _check_reason(action, reason)
    return parse_duration(action, duration)


async def check_act_on_case(svc: Services, moderator: User, case_id: str, *, action: str, reason: str,
                            duration=None, rule: str = "", delete_message: bool = False) -> ModCase:
    """Resolves an open case. A message case's sanctions can also take the message down."""
    seconds = _parse_action(action, reason, duration)
    case = await access_case(svc, moderator, case_id)
    await _check_acting_moderator(svc, moderator, case.scope)
    if case.state != "open":
        raise Conflict("this case was decided already", code="case_resolved")
    if action == "kick" and case.scope == PLATFORM_SCOPE:
        raise InvalidPayload("kick removes someone from a group; this case isn't in one", field="action")
    if action == "delete" and not case.message_id:
        raise InvalidPayload("this case is about a user, not a message", field="action")
    target = None
    if action != "dismiss":
        target = await svc.storage.users.get(user_id=case.author_id)
        if target is None:
            raise NotFound("the user is gone")
        await _check_may_sanction(svc, moderator, target, case.scope)
    rule = rule or case.rule or (f"report:{case.categories[0]}" if case.categories else "")
    # each report counts towards its reporter's accuracy once, even if the case is reopened and decided again
    reporters = [r["reporter_id"] for r in case.reports if not r.get("counted")]
    decided = replace(case, state="resolved", updated_at=svc.clock.now(),
                      reports=[{**r, "counted": True} for r in case.reports],
                      resolution={"action": action, "moderator_id": moderator.id, "reason": reason,
                                  "at": wire.ts(svc.clock.now()), "rule": rule})
    async with svc.case_locks.hold(case.id):
        if not await svc.storage.cases.replace(decided, expect_state="open"):
            raise Conflict("this case was decided already", code="case_resolved")
    if action == "dismiss":
        if case.message_id:
            message = await svc.storage.messages.get(message_id=case.message_id)
            if message is not None and message.hidden in ("held", "reports"):
                conv = await svc.storage.conversations.get(conversation_id=message.conversation_id)
                shown = await do_set_hidden(svc, message.id, None, conv=conv)
                if shown is not None and conv is not None and message.hidden == "held":  # nobody was told of it yet
                    await do_notify_shown(svc, conv, shown)
        await do_audit(svc, actor_id=moderator.id, action="dismiss", scope=case.scope, target_kind=case.target_kind,
                       target_id=case.target_id, reason=reason, rule=rule, details={"case_id": case.id})
    else:
        take_down = case.message_id if (action == "delete" or delete_message) else None
        if take_down and action != "delete":  # the message goes too, as its own appealable action
            await do_sanction(svc, moderator, user_id=target.id, scope=case.scope, kind="delete", reason=reason,
                              rule=rule, case_id=case.id, message_id=take_down)
        sanction = await do_sanction(svc, moderator, user_id=target.id, scope=case.scope, kind=action,
                                     reason=reason, rule=rule, seconds=seconds, case_id=case.id,
                                     message_id=case.message_id)
        decided.resolution["sanction_id"] = sanction.id
        await svc.storage.cases.replace(decided, expect_state="resolved")
    for reporter_id in reporters:
        async with svc.case_locks.hold(f"reporter:{reporter_id}"):  # a read-modify-write: one at a time
            await svc.storage.reporters.count(user_id=reporter_id, upheld=action != "dismiss")
    publish_case(svc, decided)
    return decided


async def check_act_on_user(svc: Services, moderator: User, user_id: str, *, action: str, reason: str,
                            scope: str, duration=None, rule: str = "") -> Sanction:
    """Warn, mute, kick or ban someone directly (not from a case)."""
    if action not in ("warn", "mute", "kick", "ban"):
        raise InvalidPayload("action must be one of warn, mute, kick, ban", field="action")
    seconds = _parse_action(action, reason, duration)
    if action == "kick" and scope == PLATFORM_SCOPE:
        raise InvalidPayload("kick needs a group_id", field="group_id")
    await _check_acting_moderator(svc, moderator, scope)
    target = await svc.storage.users.get(user_id=user_id)
    if target is None:
        raise NotFound("no such user")
    await _check_may_sanction(svc, moderator, target, scope)
    return await do_sanction(svc, moderator, user_id=target.id, scope=scope, kind=action, reason=reason,
                             rule=rule, seconds=seconds)


async def _access_sanction(svc: Services, sanction_id: str) -> Sanction:
    sanction = await svc.storage.sanctions.get(sanction_id=sanction_id)
    if sanction is None:
        raise NotFound("no such sanction")
    return sanction


async def _lift(svc: Services, actor: User, sanction: Sanction, reason: str) -> Sanction:
    lifted = replace(sanction, lifted_at=svc.clock.now(), lifted_by=actor.id)
    if not await svc.storage.sanctions.lift(lifted):
        raise Conflict("this sanction was lifted already", code="already_lifted")
    svc.access_cache.forget_sanctions(sanction.user_id)
    if sanction.kind == "delete" and sanction.message_id:
        await do_set_hidden(svc, sanction.message_id, None)
        await svc.storage.pictures.forget_removed(message_id=sanction.message_id)  # its pictures may be posted again
    await do_audit(svc, actor_id=actor.id, action="lift", scope=sanction.scope, target_kind="user",
                   target_id=sanction.user_id, reason=reason, rule=sanction.rule,
                   details={"sanction_id": sanction.id, "kind": sanction.kind})
    return lifted


async def check_lift(svc: Services, moderator: User, sanction_id: str, *, reason: str) -> Sanction:
    sanction = await access_moderated(svc, moderator, await svc.storage.sanctions.get(sanction_id=sanction_id),
                                      "sanction")
    await _check_acting_moderator(svc, moderator, sanction.scope)
    if sanction.user_id == moderator.id:
        raise Forbidden("nobody lifts a decision about themselves", code="cannot_sanction")
    _check_reason("lift", reason)
    if sanction.kind not in ("mute", "ban", "delete"):
        raise InvalidPayload("only mutes, bans and deletions can be undone", field="sanction_id")
    lifted = await _lift(svc, moderator, sanction, reason)
    await svc.bus.emit(SanctionLifted(lifted))
    return lifted


async def access_my_sanctions(svc: Services, user: User) -> list[dict]:
    """My decisions, newest first, each with its appeal; a group's also names the group ({id, name}), as
    moderation:notice does: a kick or a group's ban took it off my list. A group that no longer exists names none."""
    now = svc.clock.now()
    groups: dict[str, dict | None] = {}
    out = []
    for s in await svc.storage.sanctions.for_user(user_id=user.id, limit=50):
        entry = wire.sanction(s, now=now, appeal=await svc.storage.appeals.get(appeal_id=s.id))
        if s.scope != PLATFORM_SCOPE:
            if s.scope not in groups:
                group = await svc.storage.groups.get(group_id=s.scope)
                groups[s.scope] = {"id": group.id, "name": group.name} if group is not None else None
            if groups[s.scope] is not None:
                entry["group"] = dict(groups[s.scope])
        out.append(entry)
    return out


# -- appeals --------------------------------------------------------------------------------------------

async def check_appeal(svc: Services, user: User, sanction_id: str, *, text: str) -> Appeal:
    sanction = await _access_sanction(svc, sanction_id)
    if sanction.user_id != user.id:
        raise NotFound("no such sanction")
    if not text:
        raise InvalidPayload("say why the decision should change", field="text")
    if len(text) > MAX_APPEAL:
        raise InvalidPayload(f"text is longer than {MAX_APPEAL} characters", code="too_long", field="text")
    text = await screen_text(svc, user, text, field="text", quoting=True,
                             group_id=None if sanction.scope == PLATFORM_SCOPE else sanction.scope)
    appeal = Appeal(id=sanction.id, user_id=user.id, scope=sanction.scope, text=text, state="open",
                    created_at=svc.clock.now())
    try:
        await svc.storage.appeals.add(appeal)
    except DuplicateError:
        raise Conflict("each decision can be appealed once", code="already_appealed") from None
    await do_audit(svc, actor_id=user.id, action="appeal", scope=sanction.scope, target_kind="sanction",
                   target_id=sanction.id, reason=text[:MAX_REASON], rule=sanction.rule,
                   details={"kind": sanction.kind})
    svc.publisher.publish(events.MODERATION_CASE, {"appeal": wire.appeal_(appeal)}, events.mods_room(appeal.scope),
                          events.mods_room(PLATFORM_SCOPE))
    return appeal


async def access_appeals(svc: Services, user: User, *, state: str, scope: str | None, limit: int,
                         offset: int) -> list[dict]:
    if state not in APPEAL_STATES:
        raise InvalidPayload(f"state must be one of {', '.join(APPEAL_STATES)}", field="state")
    scopes = await moderated_scopes(svc, user, scope)
    appeals = await svc.storage.appeals.queue(scopes=scopes, states=(state,), limit=limit, offset=offset)
    now = svc.clock.now()
    out = []
    for a in appeals:
        sanction = await svc.storage.sanctions.get(sanction_id=a.id)
        out.append({**wire.appeal_(a), "sanction": wire.sanction(sanction, now=now) if sanction else None})
    return out


async def check_decide_appeal(svc: Services, moderator: User, appeal_id: str, *, decision: str,
                              reason: str) -> Appeal:
    if decision not in ("uphold", "overturn"):
        raise InvalidPayload("decision must be uphold or overturn", field="decision")
    _check_reason(decision, reason)
    appeal = await access_moderated(svc, moderator, await svc.storage.appeals.get(appeal_id=appeal_id), "appeal")
    await _check_acting_moderator(svc, moderator, appeal.scope)
    if appeal.user_id == moderator.id:
        raise Forbidden("you can't decide your own appeal", code="cannot_sanction")
    decided = replace(appeal, state="upheld" if decision == "uphold" else "overturned",
                      decided_at=svc.clock.now(), decided_by=moderator.id, decision_reason=reason)
    if not await svc.storage.appeals.decide(decided):
        raise Conflict("this appeal was decided already", code="appeal_decided")
    sanction = await _access_sanction(svc, appeal.id)
    if decision == "overturn" and sanction.lifted_at is None:
        sanction = await _lift(svc, moderator, sanction, reason)
    await do_audit(svc, actor_id=moderator.id, action=f"appeal:{decided.state}", scope=appeal.scope,
                   target_kind="sanction", target_id=appeal.id, reason=reason, rule=sanction.rule)
    svc.publisher.to_users(events.MODERATION_NOTICE, await notice(svc, sanction, appeal=wire.appeal_(decided)),
                           [appeal.user_id])
    return decided


async def check_may_join(svc: Services, user: User, group_id: str) -> None:
    """A ban, of the group or of the platform, keeps someone out."""
    await check_not_silenced(svc, user, group_id, kinds=("ban",))

