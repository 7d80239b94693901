"""Service figures for operators over a chosen period: first-response time, resolution time, waiting
p50/p90, the CSAT distribution, how many conversations the assistant solved alone (never handed off and
nothing filed for people: no ticket, no after-sales request), hand-off reasons, per agent and per day.
Computed from the support sessions (sessions.py) that started in the period, in the shop's time zone; also
as CSV."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

from ...domain.support import SupportSession
from ...domain.users import User
from ...errors import InvalidPayload
from ...policy.access import check_staff
from ...services import Services
from .cases import HANDOFF_REASONS

MAX_DAYS = 92
SCAN_LIMIT = 20_000  # sessions looked through (newest first): years of a shop's desk


def _day(raw: str | None, field: str, default: date) -> date:
    if not raw:
        return default
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidPayload(f"{field} must be a date like 2026-11-23", field=field) from None


def period(svc: Services, raw_from: str | None, raw_to: str | None) -> tuple[date, date]:
    today = svc.clock.now().astimezone(svc.hours.tz).date()
    end = _day(raw_to, "to", today)
    start = _day(raw_from, "from", end - timedelta(days=6))
    if start > end:
        raise InvalidPayload("from must not be after to", field="from")
    if (end - start).days >= MAX_DAYS:
        raise InvalidPayload(f"a period is at most {MAX_DAYS} days", field="from")
    return start, end


def _seconds(later: datetime | None, earlier: datetime | None) -> float | None:
    if later is None or earlier is None:
        return None
    return max(0.0, (later - earlier).total_seconds())


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0-100) of the values; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil(n * p / 100), at least the first
    return round(ordered[int(rank) - 1], 1)


async def rounds_left_for_people(svc: Services, sessions: list[SupportSession]) -> set[str]:
    """The rounds (session ids) in which something was filed for the shop's people: a ticket (a 催件
    follow-up, a complaint) or an after-sales request made in that conversation while the round was under
    way, whether people are still on it or have finished it. Such a round was not solved by the assistant
    alone, even when it never handed off. A record belongs to the round of its conversation that had started
    last when it was made."""
    starts: dict[str, list[tuple[datetime, int, str]]] = {}
    for s in sessions:
        starts.setdefault(s.conversation_id, []).append((s.started_at, s.first_seq, s.id))
    for rounds in starts.values():
        rounds.sort()
    filed = [*await svc.storage.tickets.list(limit=SCAN_LIMIT), *await svc.storage.aftersales.list(limit=SCAN_LIMIT)]
    left = set()
    for record in filed:
        under_way = [sid for started, _, sid in starts.get(record.conversation_id or "", ())
                     if started <= record.created_at]
        if under_way:
            left.add(under_way[-1])
    return left


def solved_alone(s: SupportSession, left: set[str]) -> bool:
    """Solved by the assistant alone: never handed to a person, and nothing filed for people meanwhile."""
    return not s.handed_off and s.id not in left


def _figures(sessions: list[SupportSession], left: set[str] = frozenset()) -> dict:
    handed = [s for s in sessions if s.handed_off]
    waiting = [w for s in handed if (w := _seconds(s.assigned_at, s.queued_at)) is not None]
    first = [w for s in handed if (w := _seconds(s.first_response_at, s.queued_at)) is not None]
    resolution = [w for s in handed if (w := _seconds(s.resolved_at, s.queued_at)) is not None]
    scores = [s.score for s in handed if s.score is not None]
    csat = {str(n): sum(1 for x in scores if x == n) for n in range(1, 6)}
    return {
        "conversations": len(sessions), "handed_off": len(handed),
        "solved_by_assistant": sum(1 for s in sessions if solved_alone(s, left)),
        "resolved": sum(1 for s in handed if s.resolved_at is not None),
        "waiting_p50": percentile(waiting, 50), "waiting_p90": percentile(waiting, 90),
        "first_response_p50": percentile(first, 50), "first_response_p90": percentile(first, 90),
        "resolution_p50": percentile(resolution, 50), "resolution_p90": percentile(resolution, 90),
        "csat": csat, "rated": len(scores),
        "csat_satisfied": round(sum(1 for x in scores if x >= 4) / len(scores), 3) if scores else None,
        "average_score": round(sum(scores) / len(scores), 2) if scores else None,
    }


async def access_stats(svc: Services, user: User, raw_from: str | None, raw_to: str | None) -> dict:
    check_staff(user)
    start, end = period(svc, raw_from, raw_to)
    tz = svc.hours.tz
    scanned = await svc.storage.support_sessions.list(limit=SCAN_LIMIT)
    sessions = [s for s in scanned if start <= s.started_at.astimezone(tz).date() <= end]
    left = await rounds_left_for_people(svc, scanned)
    reasons: dict[str, int] = {}
    for s in sessions:
        if s.handed_off:
            reasons[s.reason] = reasons.get(s.reason, 0) + 1
    by_agent: dict[str, list[SupportSession]] = {}
    for s in sessions:
        if s.handed_off and s.agent_id:
            by_agent.setdefault(s.agent_id, []).append(s)
    agents = []
    for agent_id, theirs in by_agent.items():
        agent = await svc.storage.users.get(user_id=agent_id)
        agents.append({"agent_id": agent_id, "display_name": agent.display_name if agent else "",
                       **_figures(theirs)})
    agents.sort(key=lambda a: (-a["handed_off"], a["display_name"]))
    days = []
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        todays = [s for s in sessions if s.started_at.astimezone(tz).date() == day]
        days.append({"date": day.isoformat(), "conversations": len(todays),
                     "handed_off": sum(1 for s in todays if s.handed_off),
                     "solved_by_assistant": sum(1 for s in todays if solved_alone(s, left))})
    return {"from": start.isoformat(), "to": end.isoformat(), "total": _figures(sessions, left),
            "handoff_reasons": [{"reason": r, "label": HANDOFF_REASONS.get(r, "其他原因"), "count": n}
                                for r, n in sorted(reasons.items(), key=lambda kv: -kv[1])],
            "agents": agents, "days": days}


CSV_COLUMNS = [("客服", None), ("会话数", "conversations"), ("转人工", "handed_off"),
               ("智能客服独立解决", "solved_by_assistant"), ("已解决", "resolved"),
               ("等待中位数(秒)", "waiting_p50"), ("等待P90(秒)", "waiting_p90"),
               ("首次响应中位数(秒)", "first_response_p50"), ("首次响应P90(秒)", "first_response_p90"),
               ("解决时长中位数(秒)", "resolution_p50"), ("解决时长P90(秒)", "resolution_p90"),
               ("评价数", "rated"), ("平均分", "average_score"), ("满意率", "csat_satisfied"),
               *[(f"{n}星", f"csat.{n}") for n in range(1, 6)]]


def stats_csv(stats: dict) -> str:
    """One row for the whole desk, then one per agent; a UTF-8 BOM so spreadsheet programs read the Chinese."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"{stats['from']} 至 {stats['to']}"])
    writer.writerow([title for title, _ in CSV_COLUMNS])

    def safe(text: str) -> str:  # a name read as a formula by a spreadsheet program is kept as text
        return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

    def row(name: str, figures: dict) -> list:
        cells = [safe(name)]
        for _, key in CSV_COLUMNS[1:]:
            value = figures["csat"][key.split(".")[1]] if key.startswith("csat.") else figures[key]
            cells.append("" if value is None else value)
        return cells
    writer.writerow(row("全部", stats["total"]))
    for agent in stats["agents"]:
        writer.writerow(row(agent["display_name"] or agent["agent_id"], agent))
    writer.writerow([])
    writer.writerow(["转人工原因", "次数"])
    for reason in stats["handoff_reasons"]:
        writer.writerow([safe(reason["label"]), reason["count"]])
    return "\ufeff" + out.getvalue()
