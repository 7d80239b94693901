"""Moderation of pictures, as a check of the moderate step (screen.py) and through the same rules engine:
what a picture's QR codes lead to, the words written into it (OCR), whether moderators removed it before
(perceptual hash), the new-member limit, and a group's choice to hold every picture for review.

The reading (media/checks.py) is started when the picture is uploaded. At send time the check waits
CHAT_PICTURE_WAIT_SECONDS for what is still being read; a message whose pictures aren't read by then is
stored out of sight ("checking": its author sees 审核中) with a hold record in storage, and decided once
the readings end: released to its readers, held for a moderator, or refused (its author is told why).
A process that dies meanwhile leaves the hold pending, and another process's sweep decides it."""
from __future__ import annotations

import asyncio
import logging

from moderation import ALLOW, MessageContext, Verdict, shop_domains
from moderation.pictures import PHASH_DISTANCE, PictureReading, judge_picture, phash_distance, worse

from ... import events
from ...domain.messages import Conversation, Message
from ...domain.moderation import PLATFORM_SCOPE
from ...errors import NotFound, Rejected
from ...events.domain import SanctionIssued
from ...policy.trust import is_new_member
from ...services import Services
from ..notify import do_notify_shown
from .audit import ENGINE, do_audit

log = logging.getLogger(__name__)
HOLD_STALE_SECONDS = 120     # a hold still pending this long after its message: its process is gone
HOLD_SWEEP_SECONDS = 60
UNREADABLE = Verdict(action="flag", hold=True, categories=("picture",), rule="picture:unreadable")
REVIEW_ALL = Verdict(action="flag", hold=True, categories=("picture",), rule="picture:review")
NEW_MEMBER = Verdict(action="block", categories=("picture",), rule="new_member:picture")


def checking(svc: Services) -> bool:
    return getattr(svc, "pictures", None) is not None


async def check_pictures(s) -> None:
    """The moderate step's check of a message's pictures (s: screen.Screening). Support conversations are
    left out: a customer's photos go to the shop's own agents (a damage photo must reach the assistant at
    once), as the contacts a customer types there do."""
    if not s.pictures or not checking(s.svc) or s.conversation.kind == "support":
        return
    svc, conv = s.svc, s.conversation
    if (conv.group_id is not None and not s.exempt
            and await is_new_member(svc, s.user, s.rules, s.acc.membership)):
        s.verdict = worse(s.verdict, NEW_MEMBER)
        return
    uploads = [u for u in [await svc.storage.uploads.get(upload_id=i) for i in s.pictures] if u is not None]
    wait = svc.config.picture_wait_seconds
    readings = await asyncio.gather(*(svc.pictures.reading(u, wait=wait) for u in uploads))
    if any(r is None for r in readings):
        s.pictures_pending = True
    done = [r for r in readings if r is not None]
    s.verdict = worse(s.verdict, await judge_readings(svc, done, context(s.user.id, conv)))
    if s.rules.hold_pictures and not s.exempt:
        s.verdict = worse(s.verdict, REVIEW_ALL)


def context(author_id: str, conv: Conversation) -> MessageContext:
    return MessageContext(text="", author_id=author_id, conversation_id=conv.id, conversation_kind=conv.kind,
                          group_id=conv.group_id)


async def judge_readings(svc: Services, readings: list[PictureReading], ctx: MessageContext) -> Verdict:
    """The weightiest verdict over the pictures: their codes and words through the rules engine (with the
    conversation's group words and the shop's domains), a picture moderators removed before, an unreadable one."""
    verdict = ALLOW
    removed = None
    domains = shop_domains(svc.config.shop_domains)
    for reading in readings:
        if reading.error:
            verdict = worse(verdict, UNREADABLE)
            continue
        verdict = worse(verdict, judge_picture(reading, svc.moderation.check, ctx, domains))
        if reading.phash:
            if removed is None:
                removed = await svc.storage.pictures.removed_hashes()
            again = next((r for r in removed if phash_distance(reading.phash, r.get("phash", "")) <= PHASH_DISTANCE),
                         None)
            if again is not None:
                categories = tuple(again.get("categories") or ("picture",))
                verdict = worse(verdict, Verdict(action="block", categories=categories, rule="picture:removed_again",
                                                 matches=(f"removed:{again.get('message_id', '')}",)))
    return verdict


# -- messages whose checks are still running ---------------------------------------------------------

def verdict_doc(v: Verdict) -> dict:
    return {"action": v.action, "hold": v.hold, "rule": v.rule, "categories": list(v.categories),
            "matches": list(v.matches)}


def verdict_of(doc: dict) -> Verdict:
    return Verdict(action=doc.get("action", "allow"), hold=bool(doc.get("hold")), rule=doc.get("rule"),
                   categories=tuple(doc.get("categories") or ()), matches=tuple(doc.get("matches") or ()))


async def hold_until_checked(svc: Services, conv: Conversation, message: Message, text_verdict: Verdict,
                             upload_ids: list[str], *, exempt: bool) -> None:
    """Records the hold (so any process can finish it) and decides it here once the readings end."""
    now_ms = int(svc.clock.now().timestamp() * 1000)
    await svc.storage.pictures.hold(message_id=message.id, at_ms=now_ms, doc={
        "message_id": message.id, "conversation_id": conv.id, "author_id": message.author_id,
        "upload_ids": upload_ids, "verdict": verdict_doc(text_verdict), "exempt": exempt, "at": now_ms})
    svc.tasks.spawn(finish_hold(svc, message.id))


async def finish_hold(svc: Services, message_id: str, *, hold: dict | None = None) -> str | None:
    """Decides one held picture message: what it becomes (None: released; held; refused), or None when it
    was decided elsewhere."""
    if hold is None:
        hold = next((h for h in await svc.storage.pictures.pending_holds(limit=1000) if h["message_id"] == message_id),
                    None)
        if hold is None:
            return None
    message = await svc.storage.messages.get(message_id=message_id)
    conv = await svc.storage.conversations.get(conversation_id=hold["conversation_id"])
    if message is None or conv is None or message.hidden != "checking":
        await svc.storage.pictures.decide_hold(message_id=message_id, doc={**hold, "outcome": "gone"},
                                               at_ms=int(svc.clock.now().timestamp() * 1000))
        return None
    uploads = [u for u in [await svc.storage.uploads.get(upload_id=i) for i in hold["upload_ids"]] if u is not None]
    readings = await asyncio.gather(*(svc.pictures.reading(u, wait=None) for u in uploads))
    verdict = worse(verdict_of(hold["verdict"]),
                    await judge_readings(svc, list(readings), context(message.author_id, conv)))
    if svc.rules.for_conversation(conv).hold_pictures and not hold.get("exempt"):
        verdict = worse(verdict, REVIEW_ALL)
    outcome = "refused" if verdict.action == "block" else "held" if verdict.hold else None
    if not await svc.storage.pictures.decide_hold(message_id=message_id, doc={**hold, "outcome": outcome or "released",
                                                                                "decision": verdict_doc(verdict)},
                                                  at_ms=int(svc.clock.now().timestamp() * 1000)):
        return None  # another process decided it
    if verdict.action != "allow":
        await do_audit(svc, actor_id=ENGINE, action=f"engine:{'hold' if verdict.hold else verdict.action}",
                       scope=conv.group_id or PLATFORM_SCOPE, target_kind="user", target_id=message.author_id,
                       rule=verdict.rule or "", details={"conversation_id": conv.id, "message_id": message.id,
                                                         "text": " ".join(verdict.matches)[:500],
                                                         "categories": ",".join(verdict.categories)})
    from ..messages.publish import do_publish_unseen_update, do_publish_update  # messages import this module
    shown = await svc.storage.messages.set_hidden(message_id=message_id, hidden=outcome)
    if shown is not None:
        if outcome is None:  # released: its readers get it now, and those it mentions or answers are told
            do_publish_update(svc, conv, shown)
            await do_notify_shown(svc, conv, shown)
        else:  # held or refused: still nobody's but its author's (and the moderators')
            do_publish_unseen_update(svc, conv, shown)
    if outcome == "refused":
        svc.publisher.to_users(events.MESSAGE_REFUSED, {
            "message_id": message_id, "conversation_id": conv.id, "rule": verdict.rule,
            "categories": list(verdict.categories), "matches": list(verdict.matches)}, [message.author_id])
    elif verdict.action == "flag" and shown is not None:
        from .reports import do_open_engine_case
        await do_open_engine_case(svc, conv, shown, verdict)
    return outcome


async def sweep_holds(svc: Services) -> int:
    """Decides the holds left pending by a process that is gone."""
    cutoff = int(svc.clock.now().timestamp() * 1000) - HOLD_STALE_SECONDS * 1000
    done = 0
    for hold in await svc.storage.pictures.pending_holds(limit=100):
        if hold.get("at", 0) > cutoff:
            break
        try:
            await finish_hold(svc, hold["message_id"], hold=hold)
            done += 1
        except Exception:
            log.exception("deciding the held picture message %s failed", hold.get("message_id"))
    return done


async def sweep_holds_forever(svc: Services) -> None:
    while True:
        await asyncio.sleep(HOLD_SWEEP_SECONDS)
        try:
            await sweep_holds(svc)
        except Exception:
            log.exception("the held-pictures sweep failed")


# -- avatars ------------------------------------------------------------------------------------------

AVATAR = "avatar"  # what an avatar's upload records as where it was posted: everyone may see it


async def check_avatar(svc: Services, user, upload_id: str):
    """The user's own upload, read and judged as a picture in a group is (with the platform's words); an
    avatar can't wait for a moderator, so anything but allow is refused. Returns the upload, attached."""
    from ..uploads import attach
    upload = await svc.storage.uploads.get(upload_id=upload_id)
    if upload is None or upload.owner_id != user.id:
        raise NotFound("no such upload", code="upload_not_found", upload_id=upload_id)
    if checking(svc) and user.role != "bot":
        reading = await svc.pictures.reading(upload, wait=svc.config.picture_check_seconds)
        verdict = UNREADABLE if reading is None else await judge_readings(svc, [reading], MessageContext(
            text="", author_id=user.id, conversation_id="", conversation_kind=AVATAR))
        if verdict.action != "allow":
            await do_audit(svc, actor_id=ENGINE, action=f"engine:{'hold' if verdict.hold else verdict.action}",
                           scope=PLATFORM_SCOPE, target_kind="user", target_id=user.id, rule=verdict.rule or "",
                           details={"field": AVATAR, "text": " ".join(verdict.matches)[:500],
                                    "categories": ",".join(verdict.categories)})
            raise Rejected("this picture can't be an avatar", rule=verdict.rule, categories=list(verdict.categories),
                           matches=list(verdict.matches), field=AVATAR)
    await attach(svc, [upload], AVATAR)
    return upload


# -- pictures moderators removed ---------------------------------------------------------------------

async def remember_removed(svc: Services, sanction) -> None:
    """A picture message a moderator took down: its pictures' hashes are kept, so the same picture posted
    again, resized or recompressed, anywhere on the platform, is refused."""
    message = await svc.storage.messages.get(message_id=sanction.message_id)
    if message is None or not message.card or message.card.get("kind") != "image":
        return
    case = await svc.storage.cases.get(case_id=sanction.case_id) if sanction.case_id else None
    categories = [c for c in (case.categories if case else []) if c] or ["picture"]
    for item in message.card.get("images", []):
        upload = await svc.storage.uploads.get(upload_id=item.get("upload_id", ""))
        if upload is None:
            continue
        reading = await svc.pictures.reading(upload, wait=None)
        if reading is None or not reading.phash:
            continue
        await svc.storage.pictures.remember_removed(id=upload.key, at_ms=int(svc.clock.now().timestamp() * 1000), doc={
            "phash": reading.phash, "key": upload.key, "scope": sanction.scope, "message_id": message.id,
            "rule": sanction.rule, "categories": categories, "moderator_id": sanction.moderator_id})


def subscribe(svc: Services) -> None:
    if not checking(svc):
        return

    def removed(e: SanctionIssued):
        if e.sanction.kind == "delete" and e.sanction.message_id:
            return remember_removed(svc, e.sanction)
        return None
    svc.bus.subscribe(SanctionIssued, removed)
