"""The issue-12 id migration (server/storage/rekey.py), over both backends: a store written with the old,
guessable 24-hex ids gets unguessable ones; every reference still resolves, order holds, and a second run
changes nothing."""
from __future__ import annotations

import itertools
import re
import sqlite3
import sys
from datetime import datetime, timedelta, timezone

import pytest

from server.domain.moderation import PLATFORM_SCOPE, Appeal, AuditEntry, GroupRules, ModCase, Sanction, user_case_id
from server.domain.shop import AfterSale
from server.domain.support import SupportCase, Ticket
from server.storage import base
from server.storage.base import NewMessage
from server.storage.rekey import LEGACY_ID, fresh_ids
from server.storage.sqlite import open_sqlite
from server.storage.sqlite.schema import MIGRATIONS
from server.validate import ID_RE

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=timezone.utc)
NEW_ID = ID_RE.pattern.replace("(?:[0-9a-f]{8})?", "[0-9a-f]{8}")


@pytest.fixture
def legacy_ids(monkeypatch):
    """new_id as it was before issue 12: milliseconds, a per-process constant and a counter."""
    counter = itertools.count(1)

    def old_id():
        return f"{int(T0.timestamp() * 1000):012x}{0xabcdef:06x}{next(counter):06x}"
    current = base.new_id
    for module in list(sys.modules.values()):
        if getattr(module, "new_id", None) is current and module.__name__.startswith("server."):
            monkeypatch.setattr(module, "new_id", old_id)
    return old_id


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


async def old_world(st, old_id):
    """A bit of everything, the way the actions write it, with 24-hex ids."""
    owner = await st.users.create(username="owner", password_hash="h", display_name="O", avatar_color="#000",
                                  created_at=T0)
    guest = await st.users.create(username="guest", password_hash="h", display_name="G", avatar_color="#000",
                                  created_at=T0)
    group = await st.groups.create(name="密", description="", visibility="private", owner_id=owner.id, created_at=T0)
    await st.groups.add_member(group_id=group.id, user_id=guest.id, role="member", joined_at=T0)
    invite = await st.groups.create_invite(group_id=group.id, code="invitecode12", created_by=owner.id, created_at=T0,
                                           expires_at=None, max_uses=None)
    chat = []
    for i in range(4):
        m, _ = await st.messages.append(NewMessage(
            conversation_id=group.conversation_id, author_id=owner.id if i % 2 == 0 else guest.id, type="text",
            text=f"第{i}条", created_at=at(i), client_msg_id=f"c{i}", reply_to=chat[0].id if i == 3 else None,
            tokens=("第", f"{i}")))
        chat.append(m)
    await st.groups.pin(group_id=group.id, message_id=chat[1].id, pinned_by=owner.id, pinned_at=at(5))
    await st.reads.mark_read(conversation_id=group.conversation_id, user_id=guest.id, seq=2)
    await st.likes.like(target_kind="message", target_id=chat[2].id, user_id=guest.id)
    thread = await st.conversations.create_thread(group_id=group.id, title="讨论", author_id=owner.id, now=at(6),
                                                  tokens=("讨论",))
    await st.follows.follow(conversation_id=thread.id, user_id=guest.id)
    await st.likes.like(target_kind="thread", target_id=thread.id, user_id=guest.id)
    private = await st.conversations.get_or_create_private(user_a=owner.id, user_b=guest.id, now=at(7))
    dm, _ = await st.messages.append(NewMessage(conversation_id=private.id, author_id=guest.id, type="text",
                                                text="悄悄话", created_at=at(7)))
    note = await st.notifications.add(user_id=owner.id, kind="reply", conversation_id=group.conversation_id,
                                      message_id=chat[3].id, actor_id=guest.id, created_at=at(8))
    support = await st.conversations.create_support(customer_id=guest.id, now=at(9))
    card = {"kind": "order", "order_id": "SC1001", "conversation_id": support.id}
    bot_reply, _ = await st.messages.append(NewMessage(conversation_id=support.id, author_id=owner.id, type="text",
                                                       text="您的订单", created_at=at(9), card=card,
                                                       extra={"buttons": [{"title": "好", "payload": "/ok"}]}))
    await st.support.add(SupportCase(conversation_id=support.id, customer_id=guest.id, state="queued", opened_at=at(9),
                                     updated_at=at(9), queued_at=at(9), context={"order_id": "SC1001"}))
    ticket = await st.tickets.add(Ticket(id=old_id(), kind="complaint", status="open", customer_id=guest.id,
                                         summary="慢", created_at=at(10), updated_at=at(10),
                                         conversation_id=support.id, order_id="SC1001"))
    request = await st.aftersales.add(AfterSale(id=old_id(), kind="refund", status="pending", customer_id=guest.id,
                                                order_id="SC1001", created_at=at(10), updated_at=at(10),
                                                conversation_id=support.id))
    message_case = ModCase(id=chat[2].id, target_kind="message", target_id=chat[2].id, scope=group.id,
                           author_id=owner.id, state="resolved", score=1.0, created_at=at(11), updated_at=at(11),
                           group_id=group.id, conversation_id=group.conversation_id, message_id=chat[2].id,
                           snapshot=chat[2].text)
    sanction = await st.sanctions.add(Sanction(id=old_id(), user_id=guest.id, kind="mute", scope=group.id, reason="x",
                                               rule="", moderator_id=owner.id, created_at=at(11),
                                               expires_at=at(71), case_id=message_case.id, message_id=chat[2].id))
    message_case.resolution = {"action": "mute", "moderator_id": owner.id, "sanction_id": sanction.id}
    await st.cases.add(message_case)
    old_user_case = user_case_id(group.id, guest.id)[:24]  # the ids cases about users had before issue 12
    await st.cases.add(ModCase(id=old_user_case, target_kind="user", target_id=guest.id, scope=group.id,
                               author_id=guest.id, state="open", score=1.0, created_at=at(12), updated_at=at(12),
                               group_id=group.id))
    await st.appeals.add(Appeal(id=sanction.id, user_id=guest.id, scope=group.id, text="不服", state="open",
                                created_at=at(13)))
    audit = []
    for i, (action, target_kind, target) in enumerate((("report", "message", chat[2].id), ("mute", "user", guest.id),
                                                      ("appeal", "sanction", sanction.id))):
        entry = AuditEntry(id=old_id(), at=at(14), actor_id=owner.id, action=action, scope=group.id,
                           target_kind=target_kind, target_id=target, reason=f"理由{i}",
                           details={"sanction_id": sanction.id, "case_id": message_case.id, "text": chat[2].id})
        await st.audit.append(entry)
        audit.append(entry)
    await st.rules.put(GroupRules(scope=group.id, slow_mode_seconds=30))
    await st.rules.put(GroupRules(scope=PLATFORM_SCOPE, hide_threshold=2.0))
    return {"owner": owner, "guest": guest, "group": group, "invite": invite, "chat": chat, "thread": thread,
            "private": private, "dm": dm, "note": note, "support": support, "bot_reply": bot_reply,
            "ticket": ticket, "request": request, "sanction": sanction, "message_case": message_case,
            "user_case": old_user_case, "audit": audit}


def legacy(value: str) -> bool:
    return LEGACY_ID.match(value) is not None


async def test_a_store_with_old_ids_migrates_and_every_reference_resolves(storage, legacy_ids):
    st, old = storage, await old_world(storage, legacy_ids)
    group, chat, guest, owner = old["group"], old["chat"], old["guest"], old["owner"]
    assert legacy(group.id) and legacy(chat[0].id) and legacy(old["sanction"].id)

    # 4 conversations, the group, 6 messages, the notification, the ticket, the after-sales request, the
    # sanction, 3 audit entries and the user case (the message case, the appeal, the support case and the
    # rules follow an id of those)
    assert await st.rekey_legacy_ids() == 19
    assert await st.rekey_legacy_ids() == 0  # a second run finds nothing to do

    # the old ids lead nowhere
    assert await st.groups.get(group_id=group.id) is None
    assert await st.messages.get(message_id=chat[0].id) is None
    assert await st.conversations.get(conversation_id=old["private"].id) is None
    assert await st.sanctions.get(sanction_id=old["sanction"].id) is None
    assert await st.tickets.get(ticket_id=old["ticket"].id) is None

    # users keep theirs (public by right); what points at them still does
    assert await st.users.get(user_id=guest.id) is not None and legacy(guest.id)
    [new_group] = await st.groups.list_for_user(user_id=guest.id)
    assert new_group.id[:12] == group.id[:12] and len(new_group.id) == 32 and new_group.visibility == "private"
    assert (await st.groups.get(group_id=new_group.id)).conversation_id == new_group.conversation_id
    assert await st.groups.get_by_conversation(conversation_id=new_group.conversation_id) == new_group
    assert (await st.groups.get_member(group_id=new_group.id, user_id=guest.id)).role == "member"
    assert (await st.groups.use_invite(code="invitecode12", now=at(20))).group_id == new_group.id
    conv = new_group.conversation_id
    assert re.match(NEW_ID, conv) and conv[:12] == group.conversation_id[:12]

    # history: the same messages, in the same order, each keeping its time prefix; replies, pins, reads, likes
    history = await st.messages.history(conversation_id=conv, limit=10)
    assert [m.text for m in history] == ["第0条", "第1条", "第2条", "第3条"]
    assert [m.seq for m in history] == [1, 2, 3, 4]
    assert [m.id[:12] for m in history] == [m.id[:12] for m in chat]
    assert [m.id for m in history] == sorted(m.id for m in history)  # sorting by id still sorts by time
    assert all(re.match(NEW_ID, m.id) and m.conversation_id == conv and m.group_id == new_group.id for m in history)
    assert history[3].reply_to == history[0].id
    assert [p.message_id for p in await st.groups.list_pins(group_id=new_group.id)] == [history[1].id]
    assert (await st.reads.get_many(user_id=guest.id, conversation_ids=[conv]))[conv] == 4  # their own last post
    assert await st.likes.liked(user_id=guest.id, target_ids=[history[2].id]) == {history[2].id}
    assert (await st.messages.get(message_id=history[2].id)).like_count == 1
    again, created = await st.messages.append(NewMessage(  # the dedupe key follows the conversation
        conversation_id=conv, author_id=owner.id, type="text", text="第0条", created_at=at(30), client_msg_id="c0"))
    assert not created and again.id == history[0].id
    hits = await st.messages.search(tokens=["第"], group_ids=[new_group.id], conversation_ids=[], limit=10)
    assert {h.message.id for h in hits} == {m.id for m in history}

    [thread] = await st.conversations.list_threads(group_id=new_group.id, order="latest", limit=5, offset=0)
    assert thread.id[:12] == old["thread"].id[:12] and thread.like_count == 1
    assert await st.follows.followers(conversation_id=thread.id) == [guest.id]
    assert [t.id for t in await st.messages.search_threads(tokens=["讨论"], group_ids=[new_group.id], limit=5)] \
        == [thread.id]

    [private] = await st.conversations.list_private(user_id=guest.id, limit=5)
    assert private.id != old["private"].id and set(private.participants) == {guest.id, owner.id}
    assert (await st.conversations.get_or_create_private(user_a=guest.id, user_b=owner.id, now=at(30))).id == private.id
    [dm] = await st.messages.history(conversation_id=private.id, limit=5)
    assert dm.text == "悄悄话"

    [note] = await st.notifications.list(user_id=owner.id, unread_only=True, limit=5)
    assert note.id[:12] == old["note"].id[:12] and note.id != old["note"].id
    assert note.conversation_id == conv and note.message_id == history[3].id
    assert await st.notifications.mark_read(user_id=owner.id, ids=[note.id]) == 1

    # the support desk, tickets, after-sales: keyed by or pointing at the support conversation
    [support] = [c for c in await st.support.list(states=("queued",))]
    assert support.conversation_id != old["support"].id and support.context == {"order_id": "SC1001"}
    assert (await st.conversations.get(conversation_id=support.conversation_id)).kind == "support"
    [bot_reply] = await st.messages.history(conversation_id=support.conversation_id, limit=5)
    assert bot_reply.card == {"kind": "order", "order_id": "SC1001", "conversation_id": support.conversation_id}
    assert bot_reply.extra == {"buttons": [{"title": "好", "payload": "/ok"}]}
    [ticket] = await st.tickets.list(customer_id=guest.id)
    assert ticket.id[:12] == old["ticket"].id[:12] and ticket.conversation_id == support.conversation_id
    assert ticket.order_id == "SC1001"  # order ids are the shop's and stay
    [request] = await st.aftersales.list(customer_id=guest.id)
    assert request.conversation_id == support.conversation_id and request.order_id == "SC1001"

    # moderation: the sanction, its appeal, the cases, the audit log and the rules all follow
    [sanction] = await st.sanctions.for_user(user_id=guest.id)
    assert sanction.id[:12] == old["sanction"].id[:12] and re.match(NEW_ID, sanction.id)
    assert sanction.scope == new_group.id and sanction.message_id == history[2].id
    assert sanction.case_id == history[2].id
    appeal = await st.appeals.get(appeal_id=sanction.id)
    assert appeal.scope == new_group.id and appeal.text == "不服"
    cases = await st.cases.queue(scopes=(new_group.id,), states=("open", "resolved"), limit=5, offset=0)
    by_kind = {c.target_kind: c for c in cases}
    assert by_kind["message"].id == history[2].id == by_kind["message"].message_id
    assert by_kind["message"].conversation_id == conv and by_kind["message"].resolution["sanction_id"] == sanction.id
    assert by_kind["message"].snapshot == "第2条"
    assert by_kind["user"].id == user_case_id(new_group.id, guest.id)  # what a new report of them finds
    assert by_kind["user"].target_id == guest.id
    entries = await st.audit.search(scopes=(new_group.id,))
    assert [e.action for e in entries] == ["appeal", "mute", "report"]  # newest first, the old order
    assert [e.id[:12] for e in entries] == [e.id[:12] for e in old["audit"]]
    report = entries[-1]
    assert report.target_id == history[2].id and report.details["sanction_id"] == sanction.id
    assert report.details["text"] == chat[2].id  # what someone wrote is never rewritten
    assert [e.id for e in await st.audit.search(scopes=(new_group.id,), words=(history[2].id,))] \
        == [e.id for e in entries]  # the search text follows too
    assert (await st.rules.get(scope=new_group.id)).slow_mode_seconds == 30
    assert (await st.rules.get(scope=PLATFORM_SCOPE)).hide_threshold == 2.0


async def test_new_ids_need_no_migration(storage):
    st = storage
    user = await st.users.create(username="new", password_hash="h", display_name="N", avatar_color="#000",
                                 created_at=T0)
    group = await st.groups.create(name="g", description="", visibility="public", owner_id=user.id, created_at=T0)
    assert ID_RE.match(group.id) and len(group.id) == 32
    assert await st.rekey_legacy_ids() == 0
    assert await st.groups.get(group_id=group.id) == group


def test_fresh_ids_keep_the_time_prefix_and_the_order_within_a_millisecond():
    olds = [f"{0x19c0000000 + (i // 3):012x}abcdef{i:06x}" for i in range(30)]
    mapping = fresh_ids(reversed(olds))
    news = [mapping[o] for o in olds]
    assert news == sorted(news) and len(set(news)) == 30
    assert all(n[:12] == o[:12] and len(n) == 32 for o, n in zip(olds, news, strict=True))
    assert fresh_ids(news) == {}  # 32-hex ids are not legacy


async def test_sqlite_migration_5_runs_at_start_up(tmp_path, legacy_ids):
    """A file at user_version 4 (before issue 12) is migrated when it is opened."""
    st = await open_sqlite(str(tmp_path))
    old = await old_world(st, legacy_ids)
    await st.aclose()
    conn = sqlite3.connect(tmp_path / "chat.sqlite3")
    conn.execute("PRAGMA user_version=4")
    conn.close()
    st = await open_sqlite(str(tmp_path))
    try:
        assert await st.groups.get(group_id=old["group"].id) is None
        [group] = await st.groups.list_for_user(user_id=old["guest"].id)
        assert len(group.id) == 32 and len(await st.messages.history(conversation_id=group.conversation_id)) == 4
        assert await st.rekey_legacy_ids() == 0
    finally:
        await st.aclose()
    conn = sqlite3.connect(tmp_path / "chat.sqlite3")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()


async def test_mongo_migration_stopped_halfway_finishes_without_copies(tmp_path, legacy_ids, monkeypatch):
    """MongoDB has no transaction here: a run that dies between a document's new copy and the old one's
    delete is finished by the next, from the map it saved first, with no document twice."""
    from tests.conftest import open_backend
    st = await open_backend("mongodb", tmp_path)
    try:
        old = await old_world(st, legacy_ids)
        db = st.messages.db
        col = type(db.messages)
        real_delete, calls = col.delete_one, {"n": 0}

        async def dying_delete(self, *args, **kw):
            calls["n"] += 1
            if calls["n"] == 8:
                raise ConnectionError("the process died")
            return await real_delete(self, *args, **kw)
        monkeypatch.setattr(col, "delete_one", dying_delete)
        with pytest.raises(ConnectionError):
            await st.rekey_legacy_ids()
        monkeypatch.setattr(col, "delete_one", real_delete)
        assert await db.id_rekey.count_documents({}) == 19  # the map, saved before anything moved
        await st.rekey_legacy_ids()
        assert await db.messages.count_documents({}) == 6 and await db.conversations.count_documents({}) == 4
        assert await db.messages.count_documents({"_id": {"$regex": "^[0-9a-f]{24}$"}}) == 0
        [group] = await st.groups.list_for_user(user_id=old["guest"].id)
        history = await st.messages.history(conversation_id=group.conversation_id)
        assert [m.text for m in history] == ["第0条", "第1条", "第2条", "第3条"]
        assert history[3].reply_to == history[0].id
        assert await db.id_rekey.count_documents({}) == 0  # the map is dropped once done
    finally:
        await st.aclose()
