"""Reports and the moderator queue. Reports of one target merge into one case whose score
adds up each reporter's weight (their trust times their past accuracy); past the scope's
threshold a reported message is hidden until a moderator looks at it."""
from __future__ import annotations

from moderation import Verdict
from moderation.pictures import PictureReading

from ... import events, wire
from ...domain.messages import Conversation, Message
from ...domain.moderation import PLATFORM_SCOPE, REPORT_CATEGORIES, ModCase, user_case_id
from ...domain.users import User
from ...errors import Conflict, Forbidden, InvalidPayload, NotFound, RateLimited
from ...events.domain import MessageEdited, MessageSent
from ...policy.access import access_group, access_message
from ...policy.roles import (
    MODERATOR_ROLES_IN_GROUP,
    access_moderated,
    check_moderator,  # noqa: F401 - transport's rule tester asks it through this module
    is_platform_moderator,
    moderated_scopes,
)
from ...policy.trust import is_new_member
from ...services import Services
from ...storage.base import DuplicateError
from ..messages import do_set_hidden
from .audit import ENGINE, do_audit
from .screen import screen_text

MAX_NOTE = 500
CONTEXT = 5           # messages shown either side of a reported one
SNAPSHOT = 2000
# a reporter's weight: trust (new member, member, moderator) times accuracy
TRUST = {"new": 0.5, "member": 1.0, "moderator": 3.0}


def publish_case(svc: Services, case: ModCase) -> None:
    svc.publisher.publish(events.MODERATION_CASE, wire.case(case), events.mods_room(case.scope),
                          events.mods_room(PLATFORM_SCOPE))


# -- reporting ------------------------------------------------------------------------------------

async def _reporter_weight(svc: Services, user: User, scope: str) -> float:
    membership = None
    if scope != PLATFORM_SCOPE:
        membership = await svc.storage.groups.get_member(group_id=scope, user_id=user.id)
    if is_platform_moderator(user) or (membership is not None and membership.role in MODERATOR_ROLES_IN_GROUP):
        trust = TRUST["moderator"]
    elif await is_new_member(svc, user, svc.rules.get(scope), membership):
        trust = TRUST["new"]
    else:
        trust = TRUST["member"]
    record = await svc.storage.reporters.get(user_id=user.id)
    accuracy = 2 * (record["upheld"] + 1) / (record["upheld"] + record["dismissed"] + 2)  # 1.0 with no record
    return round(trust * max(0.25, accuracy), 2)


def _check_report_input(category: str, note: str) -> None:
    if category not in REPORT_CATEGORIES:
        raise InvalidPayload(f"category must be one of {', '.join(REPORT_CATEGORIES)}", field="category")
    if len(note) > MAX_NOTE:
        raise InvalidPayload(f"note is longer than {MAX_NOTE} characters", code="too_long", field="note")


async def _check_report_rate(svc: Services, user: User) -> None:
    wait = await svc.report_limiter.retry_after(user.id)
    if wait > 0:
        raise RateLimited("too many reports; try again later", code="report_rate_limited",
                          retry_after=max(1, round(wait)))


async def _add_report(svc: Services, user: User, fresh: ModCase, *, category: str, note: str) -> ModCase:
    """Merges the report into the target's case (opening it, or reopening a resolved one)."""
    weight = await _reporter_weight(svc, user, fresh.scope)
    report = {"reporter_id": user.id, "category": category, "note": note, "at": wire.ts(svc.clock.now()),
              "weight": weight}
    async with svc.case_locks.hold(fresh.id):
        case = await svc.storage.cases.get(case_id=fresh.id)
        if case is None:
            fresh.reports, fresh.score, fresh.categories = [report], weight, [category]
            try:
                await svc.storage.cases.add(fresh)
            except DuplicateError:  # another process opened it a moment ago
                raise Conflict("this was reported a moment ago; try again", code="conflict") from None
            case = fresh
        else:
            if any(r["reporter_id"] == user.id for r in case.reports):
                raise Conflict("you have reported this already", code="already_reported")
            before = case.state
            case.reports.append(report)
            case.score = round(case.score + weight, 2)
            if category not in case.categories:
                case.categories.append(category)
            if case.state == "resolved":  # reported again after a decision: back into the queue
                case.state, case.resolution = "open", {}
            case.updated_at = svc.clock.now()
            if not await svc.storage.cases.replace(case, expect_state=before):
                raise Conflict("the case changed meanwhile; try again", code="conflict")
    await svc.report_limiter.hit(user.id)
    return case


async def check_report_message(svc: Services, user: User, *, message_id: str, category: str,
                               note: str) -> ModCase:
    _check_report_input(category, note)
    message, acc = await access_message(svc, user, message_id)
    if message.author_id == user.id:
        raise InvalidPayload("you can't report your own message", code="cannot_report_self")
    await _check_report_rate(svc, user)
    conv = acc.conversation
    note = await screen_text(svc, user, note, field="note", group_id=conv.group_id, quoting=True)
    scope = conv.group_id or PLATFORM_SCOPE
    now = svc.clock.now()
    case = await _add_report(svc, user, ModCase(
        id=message.id, target_kind="message", target_id=message.id, scope=scope, author_id=message.author_id,
        state="open", score=0.0, created_at=now, updated_at=now, group_id=conv.group_id, conversation_id=conv.id,
        message_id=message.id, snapshot=message.text[:SNAPSHOT]), category=category, note=note)
    await do_audit(svc, actor_id=user.id, action="report", scope=scope, target_kind="message", target_id=message.id,
                   reason=note, details={"category": category, "case_id": case.id, "score": case.score,
                                         "author_id": message.author_id})
    if case.score >= svc.rules.get(scope).hide_threshold and message.hidden is None:
        case = await _hide_reported(svc, case, conv, message)
    publish_case(svc, case)
    return case


async def _hide_reported(svc: Services, case: ModCase, conv: Conversation, message: Message) -> ModCase:
    await do_set_hidden(svc, message.id, "reports", conv=conv)
    async with svc.case_locks.hold(case.id):
        case = await svc.storage.cases.get(case_id=case.id)
        case.hidden = True
        await svc.storage.cases.replace(case, expect_state=case.state)
    await do_audit(svc, actor_id=ENGINE, action="hide", scope=case.scope, target_kind="message",
                   target_id=message.id, reason="reports", details={"score": case.score, "case_id": case.id})
    return case


async def check_report_user(svc: Services, user: User, *, target_id: str, group_id: str | None, category: str,
                            note: str) -> ModCase:
    _check_report_input(category, note)
    target = await svc.storage.users.get(user_id=target_id)
    if target is None:
        raise NotFound("no such user")
    if target.id == user.id:
        raise InvalidPayload("you can't report yourself", code="cannot_report_self")
    scope = PLATFORM_SCOPE
    if group_id is not None:
        _, membership = await access_group(svc, user, group_id)
        if membership is None:
            raise Forbidden("join the group first", code="not_member")
        scope = group_id
    await _check_report_rate(svc, user)
    note = await screen_text(svc, user, note, field="note", group_id=group_id, quoting=True)
    now = svc.clock.now()
    case = await _add_report(svc, user, ModCase(
        id=user_case_id(scope, target.id), target_kind="user", target_id=target.id, scope=scope,
        author_id=target.id, state="open", score=0.0, created_at=now, updated_at=now, group_id=group_id),
        category=category, note=note)
    await do_audit(svc, actor_id=user.id, action="report", scope=scope, target_kind="user", target_id=target.id,
                   reason=note, details={"category": category, "case_id": case.id, "score": case.score})
    publish_case(svc, case)
    return case


def subscribe(svc: Services) -> None:
    """A message the engine flagged, sent or edited, opens a case."""
    def flagged(e: MessageSent | MessageEdited):
        if e.verdict.action == "flag":
            return do_open_engine_case(svc, e.conversation, e.message, e.verdict)
        return None
    svc.bus.subscribe(MessageSent, flagged)
    svc.bus.subscribe(MessageEdited, flagged)


async def do_open_engine_case(svc: Services, conv: Conversation, message: Message, verdict: Verdict) -> None:
    """A message the engine flagged goes to the queue (held ones are out of sight meanwhile)."""
    now = svc.clock.now()
    case = ModCase(id=message.id, target_kind="message", target_id=message.id,
                   scope=conv.group_id or PLATFORM_SCOPE, author_id=message.author_id, state="open", score=0.0,
                   created_at=now, updated_at=now, source="engine", group_id=conv.group_id,
                   conversation_id=conv.id, message_id=message.id, snapshot=message.text[:SNAPSHOT],
                   rule=verdict.rule or "", categories=list(verdict.categories), hidden=message.hidden is not None)
    try:
        await svc.storage.cases.add(case)
    except DuplicateError:  # an edit flagged again: the case is there already
        return
    publish_case(svc, case)


# -- the queue ----------------------------------------------------------------------------------------

async def access_queue(svc: Services, user: User, *, state: str, scope: str | None, limit: int,
                       offset: int) -> list[dict]:
    scopes = await moderated_scopes(svc, user, scope)
    cases = await svc.storage.cases.queue(scopes=scopes, states=(state,), limit=limit, offset=offset)
    authors = await svc.storage.users.get_many(user_ids=list({c.author_id for c in cases}))
    return [{**wire.case(c), "author": wire.user(authors[c.author_id]) if c.author_id in authors else None}
            for c in cases]


async def picture_readings(svc: Services, card: dict) -> list[dict]:
    """Why a picture was caught, for the moderator: per picture, the codes' targets and the words read."""
    out = []
    for item in card.get("images", []):
        upload = await svc.storage.uploads.get(upload_id=item.get("upload_id", ""))
        stored = await svc.storage.pictures.reading(key=upload.key) if upload is not None else None
        reading = PictureReading.from_doc(stored) if stored is not None else None
        out.append({"upload_id": item.get("upload_id"), "codes": list(reading.codes) if reading else [],
                    "text": reading.text if reading else "", "error": reading.error if reading else None,
                    "read": reading is not None})
    return out


async def access_case(svc: Services, user: User, case_id: str) -> ModCase:
    return await access_moderated(svc, user, await svc.storage.cases.get(case_id=case_id), "case")


async def access_case_detail(svc: Services, user: User, case_id: str) -> dict:
    """The case with the message, the messages around it, the reports and the author's history."""
    case = await access_case(svc, user, case_id)
    body = wire.case(case)
    if case.message_id:
        message = await svc.storage.messages.get(message_id=case.message_id)
        body["message"] = wire.message(message, reveal=True) if message else None
        if message is not None and message.card and message.card.get("kind") == "image":
            body["pictures"] = await picture_readings(svc, message.card)
        if message is not None:
            store = svc.storage.messages
            around = (await store.history(conversation_id=message.conversation_id, before=message.seq, limit=CONTEXT)
                      + [message]
                      + await store.history(conversation_id=message.conversation_id, after=message.seq,
                                            limit=CONTEXT))
            body["context"] = [wire.message(m, reveal=True) for m in around]
    people = await svc.storage.users.get_many(user_ids=[case.author_id, *(r["reporter_id"] for r in case.reports)])
    body["reports"] = [{**r, "reporter": wire.user(people[r["reporter_id"]]) if r["reporter_id"] in people else None}
                       for r in case.reports]
    now = svc.clock.now()
    sanctions = await svc.storage.sanctions.for_user(user_id=case.author_id, limit=20)
    earlier = [c for c in await svc.storage.cases.about(author_id=case.author_id) if c.id != case.id]
    author = people.get(case.author_id)
    body["author"] = {"user": wire.user(author) if author else None,
                      "sanctions": [wire.sanction(s, now=now) for s in sanctions],
                      "cases": [{"id": c.id, "state": c.state, "score": c.score, "categories": c.categories,
                                 "resolution": c.resolution, "created_at": wire.ts(c.created_at)} for c in earlier]}
    return body
