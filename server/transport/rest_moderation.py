"""REST endpoints of moderation: reports, the moderator queue, actions, appeals, the audit log,
each scope's rules and the rule tester."""
from __future__ import annotations

from moderation import MessageContext

from .. import wire
from ..actions.moderation import audit, reports, rules, sanctions
from ..domain.moderation import CASE_STATES, PLATFORM_SCOPE
from ..errors import InvalidPayload
from ..validate import check_id, query_int, query_text
from . import payloads as P
from . import responses as R
from .rest_base import api

PAGE_MAX = 100


def _page(request) -> dict:
    q = request.query
    return {"limit": query_int(q, "limit", default=50, min_value=1, max_value=PAGE_MAX),
            "offset": query_int(q, "offset", default=0, min_value=0)}


def _scope_filter(request) -> str | None:
    group_id = request.query.get("group_id")
    if group_id in (None, ""):
        return None
    return group_id if group_id == PLATFORM_SCOPE else check_id(group_id, "group_id")


def _state(request, allowed, default: str) -> str:
    state = request.query.get("state", default)
    if state not in allowed:
        raise InvalidPayload(f"state must be one of {', '.join(allowed)}", field="state")
    return state


def _action_fields(body: P.ActionFields) -> dict:
    return {"action": body.action, "reason": body.reason, "duration": body.duration, "rule": body.rule}


# -- reporting (any member) --------------------------------------------------------------------------

@api("POST", "/api/messages/{message_id}/report", "Report a message: {category, note?} (note at most 500 characters)",
     body=P.Report, response=R.ReportOut)
async def report_message(request, svc, user, body):
    case = await reports.check_report_message(svc, user, message_id=request.match_info["message_id"],
                                              category=body.category, note=body.note)
    return {"report": {"case_id": case.id, "hidden": case.hidden}}


@api("POST", "/api/users/{user_id}/report", "Report a user: {category, note?, group_id?}", body=P.ReportUser,
     response=R.ReportOut)
async def report_user(request, svc, user, body):
    case = await reports.check_report_user(svc, user, target_id=request.match_info["user_id"],
                                           group_id=body.group_id, category=body.category, note=body.note)
    return {"report": {"case_id": case.id}}


# -- my sanctions and appeals ------------------------------------------------------------------------

@api("GET", "/api/me/sanctions", "My warnings, mutes, bans and removed messages, with their appeals",
     response=R.SanctionsOut)
async def my_sanctions(request, svc, user, body):
    return {"sanctions": await sanctions.access_my_sanctions(svc, user)}


@api("POST", "/api/me/sanctions/{sanction_id}/appeal", "Appeal a decision once: {text} (at most 1000 characters)",
     body=P.Appeal, response=R.AppealOut)
async def appeal(request, svc, user, body):
    made = await sanctions.check_appeal(svc, user, request.match_info["sanction_id"], text=body.text)
    return {"appeal": wire.appeal_(made)}


# -- the moderators' queue and actions --------------------------------------------------------------

@api("GET", "/api/moderation/cases", "The case queue by score, then age: ?state=open|resolved&group_id=&limit=&offset=",
     response=R.CasesOut)
async def case_queue(request, svc, user, body):
    return {"cases": await reports.access_queue(svc, user, state=_state(request, CASE_STATES, "open"),
                                                scope=_scope_filter(request), **_page(request))}


@api("GET", "/api/moderation/cases/{case_id}",
     "A case: the message, the messages around it, the reports and the author's history", response=R.CaseDetailOut)
async def case_detail(request, svc, user, body):
    return {"case": await reports.access_case_detail(svc, user, request.match_info["case_id"])}


@api("POST", "/api/moderation/cases/{case_id}/actions",
     "Decide a case: {action: dismiss|delete|warn|mute|kick|ban, reason, duration?, delete_message?}",
     body=P.ActOnCase, response=R.CaseOut)
async def act_on_case(request, svc, user, body):
    case = await sanctions.check_act_on_case(svc, user, request.match_info["case_id"], **_action_fields(body),
                                             delete_message=body.delete_message)
    return {"case": wire.case(case)}


@api("POST", "/api/moderation/users/{user_id}/actions",
     "Warn, mute, kick or ban a user directly: {action, reason, duration?, group_id?}",
     body=P.ActOnUser, response=R.SanctionOut)
async def act_on_user(request, svc, user, body):
    made = await sanctions.check_act_on_user(svc, user, request.match_info["user_id"], **_action_fields(body),
                                             scope=body.group_id or PLATFORM_SCOPE)
    return {"sanction": wire.sanction(made, now=svc.clock.now())}


@api("POST", "/api/moderation/sanctions/{sanction_id}/lift", "End a mute or ban early, or restore a removed message: {reason}",
     body=P.Lift, response=R.SanctionOut)
async def lift(request, svc, user, body):
    made = await sanctions.check_lift(svc, user, request.match_info["sanction_id"], reason=body.reason)
    return {"sanction": wire.sanction(made, now=svc.clock.now())}


@api("GET", "/api/moderation/appeals", "The appeals queue, oldest first: ?state=open|upheld|overturned&group_id=",
     response=R.AppealsOut)
async def appeals(request, svc, user, body):
    return {"appeals": await sanctions.access_appeals(svc, user, state=request.query.get("state", "open"),
                                                      scope=_scope_filter(request), **_page(request))}


@api("POST", "/api/moderation/appeals/{appeal_id}/decide", "Decide an appeal: {decision: uphold|overturn, reason}",
     body=P.DecideAppeal, response=R.AppealOut)
async def decide_appeal(request, svc, user, body):
    decided = await sanctions.check_decide_appeal(svc, user, request.match_info["appeal_id"],
                                                  decision=body.decision, reason=body.reason)
    return {"appeal": wire.appeal_(decided)}


@api("GET", "/api/moderation/audit", "Search the audit log, newest first: ?q=&action=&group_id=&limit=&offset=",
     response=R.AuditOut)
async def audit_log(request, svc, user, body):
    actions = tuple(a for a in request.query.get("action", "").split(",") if a) or None
    entries = await audit.access_audit(svc, user, query=query_text(request.query, "q")[:200], actions=actions,
                                       scope=_scope_filter(request), **_page(request))
    return {"entries": entries}


# -- rules and the rule tester ------------------------------------------------------------------------

@api("GET", "/api/groups/{group_id}/rules", "A group's moderation rules (its moderators)", response=R.RulesOut)
async def group_rules(request, svc, user, body):
    return {"rules": await rules.access_rules(svc, user, request.match_info["group_id"])}


@api("PATCH", "/api/groups/{group_id}/rules",
     "Change a group's rules (its admins): words, allow, slow_mode_seconds, new_account_hours, require_order, "
     "members_may_mention_all, hide_threshold", body=P.RulesPatch, response=R.RulesOut)
async def update_group_rules(request, svc, user, body):
    return {"rules": await rules.check_update_rules(svc, user, request.match_info["group_id"], body.raw)}


@api("GET", "/api/moderation/rules", "The platform's rules: new-member limits for private messages, hide threshold",
     response=R.RulesOut)
async def platform_rules(request, svc, user, body):
    return {"rules": await rules.access_rules(svc, user, PLATFORM_SCOPE)}


@api("PATCH", "/api/moderation/rules", "Change the platform's rules (platform admins)", body=P.RulesPatch,
     response=R.RulesOut)
async def update_platform_rules(request, svc, user, body):
    return {"rules": await rules.check_update_rules(svc, user, PLATFORM_SCOPE, body.raw)}


@api("POST", "/api/moderation/check", "The rule tester: {text, group_id?} -> the engine's verdict (moderators)",
     body=P.CheckText, response=R.VerdictOut)
async def check_text(request, svc, user, body):
    group_id = body.group_id
    if group_id:
        await reports.check_moderator(svc, user, group_id)
    else:
        await reports.moderated_scopes(svc, user)
    verdict = svc.moderation.check(MessageContext(text=body.text, author_id=user.id, conversation_id="",
                                                  conversation_kind="group", group_id=group_id))
    return {"verdict": {"action": verdict.action, "held": verdict.hold, "categories": list(verdict.categories),
                        "matches": list(verdict.matches), "rule": verdict.rule, "text": verdict.text}}
