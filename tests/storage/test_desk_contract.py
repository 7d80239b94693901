"""The desk stores' contract (support sessions, internal case notes, customer profiles), over both backends."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

from server.domain.support import CaseNote, CustomerProfile, SupportCase, SupportSession
from server.storage.base import DuplicateError, new_id

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=timezone.utc)


async def test_sessions_round_trip_and_list_newest_first_per_customer(storage):
    first = SupportSession(id=new_id(), conversation_id="c" * 24, customer_id="u1", state="resolved", started_at=T0,
                           updated_at=T0, handed_off=True, reason="complaint", queued_at=T0,
                           assigned_at=T0 + timedelta(minutes=2), first_response_at=T0 + timedelta(minutes=3),
                           resolved_at=T0 + timedelta(minutes=9), agent_id="a1", score=4, first_seq=7)
    await storage.support_sessions.put(first)
    later = SupportSession(id=new_id(), conversation_id="c" * 24, customer_id="u1", state="bot",
                           started_at=T0 + timedelta(hours=1), updated_at=T0 + timedelta(hours=1))
    await storage.support_sessions.put(later)
    await storage.support_sessions.put(SupportSession(id=new_id(), conversation_id="d" * 24, customer_id="u2",
                                                      state="bot", started_at=T0, updated_at=T0))
    assert await storage.support_sessions.get(session_id=first.id) == first
    assert [s.id for s in await storage.support_sessions.list(customer_id="u1")] == [later.id, first.id]
    assert len(await storage.support_sessions.list()) == 3
    moved = replace(later, state="queued", handed_off=True, queued_at=T0 + timedelta(hours=2))
    await storage.support_sessions.put(moved)  # put replaces
    assert (await storage.support_sessions.get(session_id=later.id)).state == "queued"
    assert await storage.support_sessions.get(session_id="nope") is None


async def test_case_notes_belong_to_their_case_oldest_first_and_ids_are_unique(storage):
    notes = [CaseNote(id=new_id(), conversation_id="c" * 24, author_id="a1", text=f"备注{i}",
                      created_at=T0 + timedelta(minutes=i)) for i in (2, 1)]
    for note in notes:
        await storage.case_notes.add(note)
    await storage.case_notes.add(CaseNote(id=new_id(), conversation_id="d" * 24, author_id="a1", text="别的",
                                          created_at=T0))
    assert [n.text for n in await storage.case_notes.list(conversation_id="c" * 24)] == ["备注1", "备注2"]
    try:
        await storage.case_notes.add(notes[0])
        raise AssertionError("a duplicate id must be refused")
    except DuplicateError:
        pass


async def test_customer_profiles_default_empty_and_put_replaces(storage):
    empty = await storage.profiles.get(customer_id="u1")
    assert empty == CustomerProfile(customer_id="u1")
    await storage.profiles.put(CustomerProfile(customer_id="u1", note="只收顺丰", labels=["VIP", "易过敏"],
                                               updated_at=T0, updated_by="a1"))
    await storage.profiles.put(CustomerProfile(customer_id="u1", note="只收顺丰，周末不在家", labels=["VIP"],
                                               updated_at=T0 + timedelta(minutes=1), updated_by="a2"))
    got = await storage.profiles.get(customer_id="u1")
    assert (got.note, got.labels, got.updated_by, got.updated_at) == ("只收顺丰，周末不在家", ["VIP"], "a2",
                                                                      T0 + timedelta(minutes=1))
    assert (await storage.profiles.get(customer_id="u2")).labels == []


async def test_a_case_keeps_what_the_assistant_understood_and_its_session(storage):
    case = SupportCase(conversation_id="e" * 24, customer_id="u1", state="queued", opened_at=T0, updated_at=T0,
                       queued_at=T0, understood={"intent": "return_request", "slots": {"order_id": "SC1"}},
                       after_hours=True, ticket_id="t1", session_id="s1", first_response_at=T0)
    await storage.support.add(case)
    assert await storage.support.get(conversation_id=case.conversation_id) == case


async def test_case_notes_are_found_by_every_word(storage):
    for text in ("顾客说快递员态度差", "已联系快递站 态度 道歉"):
        await storage.case_notes.add(CaseNote(id=new_id(), conversation_id="c" * 24, author_id="a1", text=text,
                                              created_at=T0))
    assert {n.text for n in await storage.case_notes.search(query="快递站 道歉")} == {"已联系快递站 态度 道歉"}
    assert len(await storage.case_notes.search(query="态度")) == 2
    assert await storage.case_notes.search(query="  ") == []
