"""Each scope's moderation rules (a group's, or the platform's defaults), and trust: who is
still a new member that the new-member limits apply to."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import replace

from moderation.engine import CATEGORIES, MAX_TERM, Entry

from ... import wire
from ...domain.groups import GROUP_ADMIN_ROLES
from ...domain.moderation import PLATFORM_SCOPE, GroupRules
from ...domain.users import User
from ...errors import Forbidden, InvalidPayload
from ...policy.access import access_group
from ...policy.roles import MODERATOR_ROLES_IN_GROUP, is_platform_moderator
from ...services import Services
from ...validate import check_text, text_problem
from .audit import do_audit

log = logging.getLogger(__name__)

MAX_WORDS = 1000  # a group's list fits the 64 KB request body
MAX_SLOW_MODE = 3600
MAX_NEW_ACCOUNT_HOURS = 24 * 365


async def load_rules(svc: Services) -> None:
    """At start: every stored rule set into the book, and the groups' words into the engine. A group
    whose stored words don't compile (stored before they were checked) keeps the shipped words only,
    and says so in the log: it must not keep the others from starting."""
    for rules in await svc.storage.rules.all():
        await _load_one(svc, rules)


async def _load_one(svc: Services, rules: GroupRules) -> None:
    try:
        await _apply_words(svc, rules)
    except Exception:
        log.exception("the stored words of %s don't compile; the shipped words alone apply there", rules.scope)
        _use_words(svc, rules, None)
    svc.rules.put(rules)


def share_rules(svc: Services) -> None:
    """With several processes: a scope's rules changed on another one are read again here."""
    async def reload(message: dict) -> None:
        rules = await svc.storage.rules.get(scope=message["scope"])
        if rules is not None:
            await _load_one(svc, rules)
    svc.hub.on("rules", reload)

    async def reload_all() -> None:  # after Redis was away: changes told meanwhile never arrived
        await load_rules(svc)
    svc.hub.on_resubscribed.append(reload_all)


async def _apply_words(svc: Services, rules: GroupRules) -> None:
    _use_words(svc, rules, await _compile_words(svc, rules))


def _has_group_words(svc: Services, rules: GroupRules) -> bool:
    return rules.scope != PLATFORM_SCOPE and hasattr(svc.moderation, "group_lexicon")


async def _compile_words(svc: Services, rules: GroupRules):
    """The group's words compiled into the engine's automatons, not yet in use (raises what compiling raised)."""
    if not _has_group_words(svc, rules):
        return None
    entries = [Entry(w["term"], w["category"], w.get("homophones", True)) for w in rules.words]
    # compiling the automatons for a big list takes a while: not on the event loop
    return await asyncio.to_thread(svc.moderation.group_lexicon, entries, list(rules.allow))


def _use_words(svc: Services, rules: GroupRules, lexicon) -> None:
    if _has_group_words(svc, rules):
        svc.moderation.use_group_lexicon(rules.scope, lexicon)


# -- reading and changing the rules ------------------------------------------------------------

async def _access_scope_rules(svc: Services, user: User, scope: str, *, change: bool) -> GroupRules:
    if scope == PLATFORM_SCOPE:
        if not is_platform_moderator(user) or (change and user.role != "admin"):
            raise Forbidden("only platform admins may change the platform's rules", code="not_moderator")
        return svc.rules.get(scope)
    group, membership = await access_group(svc, user, scope)
    needed = GROUP_ADMIN_ROLES if change else MODERATOR_ROLES_IN_GROUP
    if not is_platform_moderator(user) and (membership is None or membership.role not in needed):
        raise Forbidden("only group admins may change the group's rules" if change else
                        "only the group's moderators may see its rules", code="not_group_admin")
    return svc.rules.get(group.id)


async def access_rules(svc: Services, user: User, scope: str) -> dict:
    rules = await _access_scope_rules(svc, user, scope, change=False)
    return wire.rules(rules, effective_new_account_hours=svc.rules.new_account_hours(rules))


def _parse_words(raw) -> list[dict]:
    if not isinstance(raw, list) or len(raw) > MAX_WORDS:
        raise InvalidPayload(f"words must be a list of at most {MAX_WORDS} entries", field="words")
    out = []
    for i, item in enumerate(raw):
        term = item.get("term") if isinstance(item, dict) else None
        category = item.get("category", "custom") if isinstance(item, dict) else None
        if not isinstance(term, str) or not term.strip() or len(term.strip()) > MAX_TERM:
            raise InvalidPayload(f"words[{i}].term must be 1-{MAX_TERM} characters", field="words")
        check_text(term, "words", lines=False, what=f"words[{i}].term")  # the text rule: terms are one line
        if category not in CATEGORIES:
            raise InvalidPayload(f"words[{i}].category must be one of {', '.join(CATEGORIES)}", field="words")
        sounds = item.get("homophones", True)
        if not isinstance(sounds, bool):
            raise InvalidPayload(f"words[{i}].homophones must be true or false", field="words")
        # sound-alikes are on for every term; a term that turns them off says so (and only then is it stored)
        out.append({"term": term.strip(), "category": category, **({} if sounds else {"homophones": False})})
    return out


def _parse_allow(raw) -> list[str]:
    if (not isinstance(raw, list) or len(raw) > MAX_WORDS
            or not all(isinstance(t, str) and 0 < len(t.strip()) <= MAX_TERM for t in raw)):
        raise InvalidPayload(f"allow must be a list of at most {MAX_WORDS} terms of 1-{MAX_TERM} characters",
                             field="allow")
    for i, term in enumerate(raw):
        check_text(term, "allow", lines=False, what=f"allow[{i}]")
    return [t.strip() for t in raw]


def _bounded_int(value, field: str, lo: int, hi: int, *, nullable: bool = False):
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise InvalidPayload(f"{field} must be a whole number from {lo} to {hi}", field=field)
    return value


def _flag(value, field: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidPayload(f"{field} must be true or false", field=field)
    return value


async def check_update_rules(svc: Services, user: User, scope: str, patch: dict) -> dict:
    """Changes only the fields given; effective for the next message, no restart. The change is checked
    whole before any of it takes effect: every field, then the words compiled (and tried on a text),
    then stored; only then does the engine use them. A refusal leaves the engine and the book as they were."""
    rules = await _access_scope_rules(svc, user, scope, change=True)
    changes = {}
    if "words" in patch:
        changes["words"] = _parse_words(patch["words"])
    if "allow" in patch:
        changes["allow"] = _parse_allow(patch["allow"])
    if "slow_mode_seconds" in patch:
        changes["slow_mode_seconds"] = _bounded_int(patch["slow_mode_seconds"], "slow_mode_seconds", 0,
                                                    MAX_SLOW_MODE)
    if "new_account_hours" in patch:
        changes["new_account_hours"] = _bounded_int(patch["new_account_hours"], "new_account_hours", 0,
                                                    MAX_NEW_ACCOUNT_HOURS, nullable=scope != PLATFORM_SCOPE)
    if "require_order" in patch:
        changes["require_order"] = _flag(patch["require_order"], "require_order")
    if "hold_pictures" in patch:
        changes["hold_pictures"] = _flag(patch["hold_pictures"], "hold_pictures")
    if "members_may_mention_all" in patch:
        changes["members_may_mention_all"] = _flag(patch["members_may_mention_all"], "members_may_mention_all")
    if "hide_threshold" in patch:
        value = patch["hide_threshold"]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 1 <= value <= 100:
            raise InvalidPayload("hide_threshold must be a number from 1 to 100", field="hide_threshold")
        changes["hide_threshold"] = float(value)
    unknown = set(patch) - set(wire.RULE_FIELDS)
    if unknown:
        name = min(unknown)
        name = ascii(name) if text_problem(name, lines=False) else name  # the answer must carry it
        raise InvalidPayload(f"unknown field {name}", field=name)
    updated = replace(rules, **changes, updated_at=svc.clock.now(), updated_by=user.id)
    new_words = "words" in changes or "allow" in changes
    lexicon = None
    if new_words:
        try:
            lexicon = await _compile_words(svc, updated)
        except Exception:
            log.exception("the words given for %s don't compile", scope)
            raise InvalidPayload("these words can't be used; nothing was changed", field="words") from None
    await svc.storage.rules.put(updated)
    if new_words:
        _use_words(svc, updated, lexicon)
    svc.rules.put(updated)
    if svc.hub is not None:
        svc.hub.send("rules", scope=scope)
    await do_audit(svc, actor_id=user.id, action="rules:update", scope=scope, target_kind="rules", target_id=scope,
                   details={"fields": ",".join(sorted(changes))})
    return wire.rules(updated, effective_new_account_hours=svc.rules.new_account_hours(updated))
