"""The moderation stores' contract, once, over both backends (the `storage` fixture)."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from server.domain.moderation import Appeal, AuditEntry, GroupRules, ModCase, Sanction
from server.storage.base import DuplicateError, NewMessage, new_id

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=timezone.utc)


def case(case_id, scope, score, minutes, **kw):
    at = T0 + timedelta(minutes=minutes)
    return ModCase(id=case_id, target_kind="message", target_id=case_id, scope=scope, author_id=kw.pop("author", "u1"),
                   state=kw.pop("state", "open"), score=score, created_at=at, updated_at=at, **kw)


async def test_case_queue_by_score_then_age_over_several_scopes(storage):
    cases = storage.cases
    await cases.add(case("c1", "g1", 1.0, 0))
    await cases.add(case("c2", "g1", 3.0, 5))
    await cases.add(case("c3", "g2", 3.0, 1))
    await cases.add(case("c4", "g3", 9.0, 0))
    await cases.add(case("c5", "g1", 5.0, 0, state="resolved"))
    with pytest.raises(DuplicateError):
        await cases.add(case("c1", "g1", 1.0, 0))
    order = await cases.queue(scopes=("g1", "g2"), states=("open",), limit=10, offset=0)
    assert [c.id for c in order] == ["c3", "c2", "c1"]  # equal scores: the older first
    assert [c.id for c in await cases.queue(scopes=None, states=("open",), limit=2, offset=1)] == ["c3", "c2"]
    stored = await cases.get(case_id="c2")
    stored.reports.append({"reporter_id": "u9", "category": "spam", "note": "", "at": "x", "weight": 1.0})
    stored.score = 10.0
    assert await cases.replace(stored, expect_state="open")
    assert not await cases.replace(stored, expect_state="resolved")
    assert [c.id for c in await cases.queue(scopes=("g1",), states=("open",), limit=1, offset=0)] == ["c2"]
    assert (await cases.get(case_id="c2")).reports[0]["reporter_id"] == "u9"
    assert {c.id for c in await cases.about(author_id="u1")} == {"c1", "c2", "c3", "c4", "c5"}


async def test_sanctions_lift_once_and_list_newest_first(storage):
    s1 = Sanction(id=new_id(), user_id="u1", kind="mute", scope="g1", reason="r", rule="", moderator_id="m",
                  created_at=T0, expires_at=T0 + timedelta(hours=1))
    s2 = replace(s1, id=new_id(), kind="ban", created_at=T0 + timedelta(minutes=1), expires_at=None)
    for s in (s1, s2):
        await storage.sanctions.add(s)
    assert [s.id for s in await storage.sanctions.for_user(user_id="u1")] == [s2.id, s1.id]
    lifted = replace(s1, lifted_at=T0 + timedelta(minutes=5), lifted_by="m")
    assert await storage.sanctions.lift(lifted)
    assert not await storage.sanctions.lift(lifted)
    assert [s.id for s in await storage.sanctions.for_user(user_id="u1", issued_only=True)] == [s2.id]
    got = await storage.sanctions.get(sanction_id=s1.id)
    assert got.lifted_at == lifted.lifted_at and not got.in_force(T0)
    assert (await storage.sanctions.get(sanction_id=s2.id)).in_force(T0 + timedelta(days=999))


async def test_one_appeal_per_sanction_and_decided_once(storage):
    appeal = Appeal(id="s1", user_id="u1", scope="g1", text="请复核", state="open", created_at=T0)
    await storage.appeals.add(appeal)
    with pytest.raises(DuplicateError):
        await storage.appeals.add(appeal)
    decided = replace(appeal, state="overturned", decided_at=T0, decided_by="m")
    assert await storage.appeals.decide(decided)
    assert not await storage.appeals.decide(decided)
    assert await storage.appeals.queue(scopes=None, states=("open",), limit=10, offset=0) == []
    assert [a.id for a in await storage.appeals.queue(scopes=("g1",), states=("overturned",), limit=10,
                                                      offset=0)] == ["s1"]


async def test_audit_is_searchable_by_words_scope_and_action(storage):
    for i, (action, scope, reason) in enumerate([("report", "g1", "骂人了"), ("mute", "g1", "辱骂"),
                                                 ("engine:block", "g2", ""), ("ban", "platform", "诈骗")]):
        await storage.audit.append(AuditEntry(id=new_id(), at=T0 + timedelta(minutes=i), actor_id=f"a{i}",
                                              action=action, scope=scope, target_kind="user", target_id="U7",
                                              reason=reason, rule="abuse:x" if i < 2 else "", details={"n": i}))
    found = await storage.audit.search(scopes=None)
    assert [e.action for e in found] == ["ban", "engine:block", "mute", "report"]
    assert [e.action for e in await storage.audit.search(scopes=("g1",), words=("骂",))] == ["mute", "report"]
    assert [e.action for e in await storage.audit.search(scopes=None, words=("u7", "abuse:x"),
                                                         actions=("report",))] == ["report"]
    assert await storage.audit.search(scopes=None, words=(".*",)) == []  # words are literal
    assert not hasattr(storage.audit, "delete") and not hasattr(storage.audit, "update")


async def test_rules_round_trip(storage):
    rules = GroupRules(scope="g1", words=[{"term": "竞品", "category": "custom"}], allow=["刷单"], slow_mode_seconds=5,
                       updated_at=T0)
    await storage.rules.put(rules)
    await storage.rules.put(GroupRules(scope="platform", new_account_hours=48))
    assert await storage.rules.get(scope="g1") == rules
    assert {r.scope for r in await storage.rules.all()} == {"g1", "platform"}
    assert await storage.rules.get(scope="nope") is None


async def test_reporter_records_count(storage):
    assert await storage.reporters.get(user_id="u1") == {"upheld": 0, "dismissed": 0}
    await storage.reporters.count(user_id="u1", upheld=True)
    await storage.reporters.count(user_id="u1", upheld=False)
    await storage.reporters.count(user_id="u1", upheld=False)
    assert await storage.reporters.get(user_id="u1") == {"upheld": 1, "dismissed": 2}


async def test_hidden_messages_are_kept_but_out_of_search(storage):
    user = await storage.users.create(username="u", password_hash="x", display_name="u", avatar_color="#000",
                                      created_at=T0)
    group = await storage.groups.create(name="g", description="", visibility="public", owner_id=user.id,
                                        created_at=T0)
    held, _ = await storage.messages.append(NewMessage(conversation_id=group.conversation_id, author_id=user.id,
                                                       type="text", text="高仿包", created_at=T0, tokens=("高仿包",),
                                                       hidden="held"))
    assert held.hidden == "held" and (await storage.messages.get(message_id=held.id)).hidden == "held"
    assert await storage.messages.search(tokens=["高仿包"], group_ids=[group.id], conversation_ids=[], limit=5) == []
    shown = await storage.messages.set_hidden(message_id=held.id, hidden=None)
    assert shown.hidden is None and shown.text == "高仿包"
    hits = await storage.messages.search(tokens=["高仿包"], group_ids=[group.id], conversation_ids=[], limit=5)
    assert [h.message.id for h in hits] == [held.id]
    assert (await storage.messages.history(conversation_id=group.conversation_id))[0].hidden is None
