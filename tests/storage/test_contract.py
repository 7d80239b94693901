"""The storage contract, written once and run against every backend (see conftest)."""
from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

import pytest

from server.storage.base import DuplicateError, NewMessage

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


async def user(storage, name):
    return await storage.users.create(username=name, password_hash="h", display_name=name.title(),
                                      avatar_color="#123456", created_at=T0)


def msg(conv_id, author, text="你好", cid=None, at=T0, tokens=(), **kw):
    return NewMessage(conversation_id=conv_id, author_id=author, type="text", text=text, created_at=at,
                      client_msg_id=cid, tokens=tuple(tokens), **kw)


async def group_with(storage, owner, name="好物分享群", visibility="public"):
    return await storage.groups.create(name=name, description="desc", visibility=visibility,
                                       owner_id=owner.id, created_at=T0)


# -- users and sessions ---------------------------------------------------------

async def test_users_roundtrip_and_case_insensitive_uniqueness(storage):
    a = await user(storage, "Alice")
    assert (await storage.users.get(user_id=a.id)).username == "Alice"
    assert (await storage.users.get_by_username(username="alice")).id == a.id
    with pytest.raises(DuplicateError):
        await user(storage, "ALICE")
    assert await storage.users.get(user_id="0" * 24) is None
    assert await storage.users.count() == 1
    updated = await storage.users.update_profile(user_id=a.id, bio="爱买东西")
    assert updated.bio == "爱买东西" and updated.display_name == "Alice" and updated.avatar_upload == ""
    pictured = await storage.users.update_profile(user_id=a.id, avatar_upload="u" * 32)
    assert pictured.avatar_upload == "u" * 32 and pictured.bio == "爱买东西"
    assert (await storage.users.get_many(user_ids=[a.id]))[a.id].avatar_upload == "u" * 32
    assert (await storage.users.update_profile(user_id=a.id, avatar_upload="")).avatar_upload == ""
    await storage.users.set_role(user_id=a.id, role="moderator")
    assert (await storage.users.get(user_id=a.id)).role == "moderator"
    assert (await storage.users.get(user_id=a.id)).created_at == T0


async def test_get_many_returns_only_existing(storage):
    a, b = await user(storage, "aa"), await user(storage, "bb")
    found = await storage.users.get_many(user_ids=[a.id, b.id, "f" * 24, a.id])
    assert set(found) == {a.id, b.id}


async def test_list_by_roles_filters_orders_and_limits(storage):
    zed, amy, _shopper, boss = [await user(storage, n) for n in ("zed", "amy", "shopper", "boss")]
    for u, role in ((zed, "agent"), (amy, "agent"), (boss, "admin")):
        await storage.users.set_role(user_id=u.id, role=role)
    assert [u.username for u in await storage.users.list_by_roles(roles=("agent", "admin"), limit=10)] == \
        ["amy", "boss", "zed"]
    assert [u.username for u in await storage.users.list_by_roles(roles=("agent",), limit=1)] == ["amy"]
    assert await storage.users.list_by_roles(roles=("moderator",), limit=10) == []


async def test_sessions_expire_and_revoke(storage):
    a = await user(storage, "aa")
    await storage.sessions.create(token_hash="t1", user_id=a.id, created_at=T0, expires_at=T0 + timedelta(days=1))
    assert (await storage.sessions.get_valid(token_hash="t1", now=T0)).user_id == a.id
    assert await storage.sessions.get_valid(token_hash="t1", now=T0 + timedelta(days=2)) is None
    await storage.sessions.revoke(token_hash="t1")
    assert await storage.sessions.get_valid(token_hash="t1", now=T0) is None
    assert await storage.sessions.get_valid(token_hash="nope", now=T0) is None


async def test_revoke_all_ends_every_session_of_one_user_only(storage):
    a, b = await user(storage, "aa"), await user(storage, "bb")
    later = T0 + timedelta(days=1)
    for token, owner in (("a1", a), ("a2", a), ("b1", b)):
        await storage.sessions.create(token_hash=token, user_id=owner.id, created_at=T0, expires_at=later)
    await storage.sessions.revoke_all(user_id=a.id)
    assert await storage.sessions.get_valid(token_hash="a1", now=T0) is None
    assert await storage.sessions.get_valid(token_hash="a2", now=T0) is None
    assert (await storage.sessions.get_valid(token_hash="b1", now=T0)).user_id == b.id


async def test_set_password_hash_replaces_the_hash(storage):
    a = await user(storage, "aa")
    await storage.users.set_password_hash(user_id=a.id, password_hash="new-hash")
    assert (await storage.users.get(user_id=a.id)).password_hash == "new-hash"


# -- groups ---------------------------------------------------------------------------

async def test_group_creation_makes_conversation_and_owner(storage):
    a = await user(storage, "aa")
    g = await group_with(storage, a)
    assert g.member_count == 1
    assert (await storage.groups.get_member(group_id=g.id, user_id=a.id)).role == "owner"
    conv = await storage.conversations.get(conversation_id=g.conversation_id)
    assert conv.kind == "group" and conv.group_id == g.id and conv.last_seq == 0
    assert (await storage.groups.get_by_conversation(conversation_id=g.conversation_id)).id == g.id


async def test_membership_add_remove_and_counts(storage):
    a, b = await user(storage, "aa"), await user(storage, "bb")
    g = await group_with(storage, a)
    await storage.groups.add_member(group_id=g.id, user_id=b.id, role="member", joined_at=T0 + timedelta(minutes=1))
    with pytest.raises(DuplicateError):
        await storage.groups.add_member(group_id=g.id, user_id=b.id, role="member", joined_at=T0)
    assert (await storage.groups.get(group_id=g.id)).member_count == 2
    assert [m.user_id for m in await storage.groups.list_members(group_id=g.id, limit=10, offset=0)] == [a.id, b.id]
    assert [x.id for x in await storage.groups.list_for_user(user_id=b.id)] == [g.id]
    assert await storage.groups.set_member_role(group_id=g.id, user_id=b.id, role="moderator")
    assert (await storage.groups.get_member(group_id=g.id, user_id=b.id)).role == "moderator"
    assert (await storage.groups.get(group_id=g.id)).owner_id == a.id
    assert await storage.groups.set_member_role(group_id=g.id, user_id=b.id, role="owner")  # handed over
    assert (await storage.groups.get(group_id=g.id)).owner_id == b.id
    assert await storage.groups.set_member_role(group_id=g.id, user_id=a.id, role="owner")  # and back
    assert (await storage.groups.get(group_id=g.id)).owner_id == a.id
    assert not await storage.groups.set_member_role(group_id=g.id, user_id="0" * 24, role="owner")
    assert (await storage.groups.get(group_id=g.id)).owner_id == a.id
    assert await storage.groups.remove_member(group_id=g.id, user_id=b.id)
    assert not await storage.groups.remove_member(group_id=g.id, user_id=b.id)
    assert (await storage.groups.get(group_id=g.id)).member_count == 1


async def test_find_members_by_name_prefix_or_display_name_literally(storage):
    owner = await user(storage, "owner")
    g = await group_with(storage, owner)
    other = await group_with(storage, owner, name="别的群")
    people = {}
    for name, display in (("aqiang", "阿强"), ("aqi_2", "小强"), ("lily", "Lily 强"), ("bob", "Bob")):
        people[name] = await storage.users.create(username=name, password_hash="h", display_name=display,
                                                  avatar_color="#123456", created_at=T0)
    for name in ("aqiang", "aqi_2", "lily"):
        await storage.groups.add_member(group_id=g.id, user_id=people[name].id, role="member", joined_at=T0)
    await storage.groups.add_member(group_id=other.id, user_id=people["bob"].id, role="member", joined_at=T0)
    names = lambda ms: [next(k for k, v in people.items() if v.id == m.user_id) for m in ms]  # noqa: E731
    assert names(await storage.groups.find_members(group_id=g.id, query="AQ", limit=10)) == ["aqi_2", "aqiang"]
    assert names(await storage.groups.find_members(group_id=g.id, query="强", limit=10)) == ["aqi_2", "aqiang", "lily"]
    assert names(await storage.groups.find_members(group_id=g.id, query="aqi_", limit=10)) == ["aqi_2"]  # _ is literal
    assert names(await storage.groups.find_members(group_id=g.id, query="a%", limit=10)) == []
    assert names(await storage.groups.find_members(group_id=g.id, query="强", limit=1)) == ["aqi_2"]
    assert await storage.groups.find_members(group_id=g.id, query="bob", limit=10) == []  # not in this group


async def test_discover_hides_private_and_matches_text_literally(storage):
    a = await user(storage, "aa")
    await group_with(storage, a, "穿搭交流")
    await group_with(storage, a, "秘密群", visibility="private")
    await group_with(storage, a, "100% 好评", visibility="invite_only")
    names = [g.name for g in await storage.groups.discover(query="", limit=10, offset=0)]
    assert sorted(names) == sorted(["穿搭交流", "100% 好评"])
    assert [g.name for g in await storage.groups.discover(query="穿搭", limit=10, offset=0)] == ["穿搭交流"]
    assert [g.name for g in await storage.groups.discover(query="%", limit=10, offset=0)] == ["100% 好评"]
    assert await storage.groups.discover(query=".*", limit=10, offset=0) == []
    assert await storage.groups.discover(query="秘密", limit=10, offset=0) == []


async def test_group_update_and_announcement(storage):
    a = await user(storage, "aa")
    g = await group_with(storage, a)
    g2 = await storage.groups.update(group_id=g.id, announcement="群公告：文明交流", announcement_at=T0)
    assert g2.announcement == "群公告：文明交流" and g2.announcement_at == T0 and g2.name == g.name


async def test_invites_count_uses_and_expire(storage):
    a = await user(storage, "aa")
    g = await group_with(storage, a, visibility="invite_only")
    await storage.groups.create_invite(group_id=g.id, code="abc", created_by=a.id, created_at=T0,
                                       expires_at=T0 + timedelta(hours=1), max_uses=2)
    assert (await storage.groups.use_invite(code="abc", now=T0)).uses == 1
    assert (await storage.groups.use_invite(code="abc", now=T0)).uses == 2
    assert await storage.groups.use_invite(code="abc", now=T0) is None
    await storage.groups.create_invite(group_id=g.id, code="def", created_by=a.id, created_at=T0,
                                       expires_at=T0 + timedelta(hours=1), max_uses=None)
    assert await storage.groups.use_invite(code="def", now=T0 + timedelta(hours=1)) is None  # ends at expires_at
    assert await storage.groups.use_invite(code="def", now=T0 + timedelta(hours=2)) is None
    await storage.groups.create_invite(group_id=g.id, code="ghi", created_by=a.id, created_at=T0,
                                       expires_at=None, max_uses=None)
    for _ in range(3):
        assert await storage.groups.use_invite(code="ghi", now=T0 + timedelta(days=900))
    assert await storage.groups.use_invite(code="zzz", now=T0) is None


async def test_pins(storage):
    a = await user(storage, "aa")
    g = await group_with(storage, a)
    m, _ = await storage.messages.append(msg(g.conversation_id, a.id))
    await storage.groups.pin(group_id=g.id, message_id=m.id, pinned_by=a.id, pinned_at=T0)
    await storage.groups.pin(group_id=g.id, message_id=m.id, pinned_by=a.id, pinned_at=T0)  # idempotent
    assert [p.message_id for p in await storage.groups.list_pins(group_id=g.id)] == [m.id]
    assert await storage.groups.unpin(group_id=g.id, message_id=m.id)
    assert await storage.groups.list_pins(group_id=g.id) == []


# -- conversations and threads -----------------------------------------------------

async def test_private_conversation_is_one_per_pair(storage):
    a, b, c = await user(storage, "aa"), await user(storage, "bb"), await user(storage, "cc")
    ab = await storage.conversations.get_or_create_private(user_a=a.id, user_b=b.id, now=T0)
    assert await storage.conversations.get_or_create_private(user_a=b.id, user_b=a.id, now=T0) == ab
    assert set(ab.participants) == {a.id, b.id} and ab.kind == "private"
    ac = await storage.conversations.get_or_create_private(user_a=a.id, user_b=c.id, now=T0)
    await storage.messages.append(msg(ab.id, b.id, at=T0 + timedelta(minutes=5)))
    listed = await storage.conversations.list_private(user_id=a.id, limit=10)
    assert [x.id for x in listed] == [ab.id, ac.id]
    assert [x.id for x in await storage.conversations.list_private(user_id=c.id, limit=10)] == [ac.id]
    assert set(await storage.conversations.ids_readable_by(group_ids=[], user_id=a.id)) == {ab.id, ac.id}


async def test_threads_list_latest_pinned_first_and_by_likes(storage):
    a = await user(storage, "aa")
    g = await group_with(storage, a)
    t1 = await storage.conversations.create_thread(group_id=g.id, title="一", author_id=a.id, now=T0)
    t2 = await storage.conversations.create_thread(group_id=g.id, title="二", author_id=a.id,
                                                   now=T0 + timedelta(minutes=1))
    t3 = await storage.conversations.create_thread(group_id=g.id, title="三", author_id=a.id,
                                                   now=T0 + timedelta(minutes=2))
    await storage.messages.append(msg(t1.id, a.id, at=T0 + timedelta(minutes=3)))
    latest = await storage.conversations.list_threads(group_id=g.id, order="latest", limit=10, offset=0)
    assert [t.id for t in latest] == [t1.id, t3.id, t2.id]
    await storage.conversations.update_thread(conversation_id=t2.id, pinned=True)
    latest = await storage.conversations.list_threads(group_id=g.id, order="latest", limit=10, offset=0)
    assert [t.id for t in latest] == [t2.id, t1.id, t3.id]
    await storage.likes.like(target_kind="thread", target_id=t3.id, user_id=a.id)
    liked = await storage.conversations.list_threads(group_id=g.id, order="liked", limit=1, offset=0)
    assert [t.id for t in liked] == [t3.id] and liked[0].like_count == 1
    closed = await storage.conversations.update_thread(conversation_id=t3.id, closed=True)
    assert closed.closed and closed.title == "三"


async def test_delete_empty_thread_only_when_empty(storage):
    a = await user(storage, "aa")
    g = await group_with(storage, a)
    t = await storage.conversations.create_thread(group_id=g.id, title="空", author_id=a.id, now=T0)
    await storage.conversations.delete_empty_thread(conversation_id=t.id)
    assert await storage.conversations.get(conversation_id=t.id) is None
    t = await storage.conversations.create_thread(group_id=g.id, title="有", author_id=a.id, now=T0)
    await storage.messages.append(msg(t.id, a.id))
    await storage.conversations.delete_empty_thread(conversation_id=t.id)
    assert await storage.conversations.get(conversation_id=t.id) is not None


# -- messages -----------------------------------------------------------------------------

async def test_append_assigns_gap_free_seq_and_bumps_activity(storage):
    a = await user(storage, "aa")
    g = await group_with(storage, a)
    seqs = []
    for i in range(5):
        m, created = await storage.messages.append(msg(g.conversation_id, a.id, f"m{i}", at=T0 + timedelta(seconds=i)))
        assert created and m.group_id == g.id
        seqs.append(m.seq)
    assert seqs == [1, 2, 3, 4, 5]
    conv = await storage.conversations.get(conversation_id=g.conversation_id)
    assert conv.last_seq == 5 and conv.last_activity_at == T0 + timedelta(seconds=4)
    assert await storage.reads.get_many(user_id=a.id, conversation_ids=[conv.id]) == {conv.id: 5}


async def test_concurrent_appends_stay_gap_free(storage):
    a = await user(storage, "aa")
    g = await group_with(storage, a)
    results = await asyncio.gather(*(storage.messages.append(msg(g.conversation_id, a.id, f"m{i}", cid=f"c{i}"))
                                     for i in range(40)))
    assert sorted(m.seq for m, _ in results) == list(range(1, 41))
    history = await storage.messages.history(conversation_id=g.conversation_id, limit=100)
    assert [m.seq for m in history] == list(range(1, 41))


async def test_client_msg_id_dedupes_per_author(storage):
    a, b = await user(storage, "aa"), await user(storage, "bb")
    g = await group_with(storage, a)
    first, created = await storage.messages.append(msg(g.conversation_id, a.id, "hi", cid="x1"))
    again, created_again = await storage.messages.append(msg(g.conversation_id, a.id, "hi (resent)", cid="x1"))
    assert created and not created_again and again.id == first.id and again.text == "hi"
    other, created_other = await storage.messages.append(msg(g.conversation_id, b.id, "hi", cid="x1"))
    assert created_other and other.seq == 2
    assert (await storage.conversations.get(conversation_id=g.conversation_id)).last_seq == 2


async def test_concurrent_duplicates_store_one(storage):
    a = await user(storage, "aa")
    g = await group_with(storage, a)
    results = await asyncio.gather(*(storage.messages.append(msg(g.conversation_id, a.id, "x", cid="same"))
                                     for _ in range(10)))
    assert len({m.id for m, _ in results}) == 1
    assert sum(created for _, created in results) == 1
    assert len(await storage.messages.history(conversation_id=g.conversation_id, limit=100)) == 1


async def test_append_to_missing_conversation_fails_cleanly(storage):
    a = await user(storage, "aa")
    with pytest.raises(LookupError):
        await storage.messages.append(msg("0" * 24, a.id))


async def test_history_pages_by_seq(storage):
    a = await user(storage, "aa")
    g = await group_with(storage, a)
    for i in range(10):
        await storage.messages.append(msg(g.conversation_id, a.id, f"m{i}"))
    cid = g.conversation_id
    assert [m.seq for m in await storage.messages.history(conversation_id=cid, limit=3)] == [8, 9, 10]
    assert [m.seq for m in await storage.messages.history(conversation_id=cid, before=8, limit=3)] == [5, 6, 7]
    assert [m.seq for m in await storage.messages.history(conversation_id=cid, after=8, limit=3)] == [9, 10]
    assert [m.seq for m in await storage.messages.history(conversation_id=cid, after=0, limit=2)] == [1, 2]
    assert await storage.messages.history(conversation_id=cid, before=1, limit=3) == []


async def test_message_fields_roundtrip(storage):
    a, b = await user(storage, "aa"), await user(storage, "bb")
    g = await group_with(storage, a)
    first, _ = await storage.messages.append(msg(g.conversation_id, a.id))
    card = {"kind": "product", "sku": "SKU-1", "title": "保温杯", "price": "59.00", "image_url": "https://img.example/cup.png"}
    m, _ = await storage.messages.append(NewMessage(
        conversation_id=g.conversation_id, author_id=b.id, type="product", text="看看这个", created_at=T0,
        card=card, reply_to=first.id, mentions=(a.id,), mention_all=True))
    got = await storage.messages.get(message_id=m.id)
    assert got.card == card and got.reply_to == first.id and got.mentions == (a.id,) and got.mention_all
    assert got.created_at == T0 and got.edited_at is None and got.deleted_at is None and got.type == "product"
    many = await storage.messages.get_many(message_ids=[m.id, first.id, m.id, "0" * 24])
    assert set(many) == {m.id, first.id} and many[m.id] == got and many[first.id].text == first.text
    assert await storage.messages.get_many(message_ids=[]) == {}


async def test_edit_delete_and_reactions(storage):
    a, b = await user(storage, "aa"), await user(storage, "bb")
    g = await group_with(storage, a)
    m, _ = await storage.messages.append(msg(g.conversation_id, a.id, "原文", tokens=["原文"]))
    edited = await storage.messages.edit(message_id=m.id, text="改过", tokens=("改过",), edited_at=T0)
    assert edited.text == "改过" and edited.edited_at == T0 and edited.seq == m.seq
    r = await storage.messages.add_reaction(message_id=m.id, emoji="👍", user_id=a.id)
    r = await storage.messages.add_reaction(message_id=m.id, emoji="👍", user_id=b.id)
    r = await storage.messages.add_reaction(message_id=m.id, emoji="👍", user_id=b.id)
    assert r.reactions == {"👍": [a.id, b.id]}
    r = await storage.messages.remove_reaction(message_id=m.id, emoji="👍", user_id=a.id)
    r = await storage.messages.remove_reaction(message_id=m.id, emoji="👍", user_id=b.id)
    assert r.reactions == {}
    gone = await storage.messages.delete(message_id=m.id, deleted_at=T0)
    assert gone.deleted_at == T0 and gone.text == "" and gone.seq == m.seq
    assert await storage.messages.edit(message_id="0" * 24, text="x", tokens=(), edited_at=T0) is None


async def test_search_respects_readable_scope_and_deletions(storage):
    a, b = await user(storage, "aa"), await user(storage, "bb")
    g1, g2 = await group_with(storage, a, "一群"), await group_with(storage, b, "二群")
    m1, _ = await storage.messages.append(msg(g1.conversation_id, a.id, "蓝牙耳机", tokens=["蓝牙", "耳机"]))
    m2, _ = await storage.messages.append(msg(g2.conversation_id, b.id, "蓝牙耳机", tokens=["蓝牙", "耳机"]))
    m3, _ = await storage.messages.append(msg(g1.conversation_id, a.id, "耳机耳机耳机", tokens=["耳机"]))
    pc = await storage.conversations.get_or_create_private(user_a=a.id, user_b=b.id, now=T0)
    m4, _ = await storage.messages.append(msg(pc.id, b.id, "私聊 耳机", tokens=["私聊", "耳机"]))
    hits = await storage.messages.search(tokens=["蓝牙", "耳机"], group_ids=[g1.id], conversation_ids=[], limit=10)
    assert [h.message.id for h in hits] == [m1.id]
    hits = await storage.messages.search(tokens=["耳机"], group_ids=[g1.id], conversation_ids=[pc.id], limit=10)
    assert {h.message.id for h in hits} == {m1.id, m3.id, m4.id}
    assert m2.id not in {h.message.id for h in hits}
    await storage.messages.delete(message_id=m1.id, deleted_at=T0)
    hits = await storage.messages.search(tokens=["蓝牙"], group_ids=[g1.id, g2.id], conversation_ids=[], limit=10)
    assert [h.message.id for h in hits] == [m2.id]
    await storage.messages.edit(message_id=m3.id, text="音箱", tokens=("音箱",), edited_at=T0)
    assert [h.message.id for h in await storage.messages.search(tokens=["音箱"], group_ids=[g1.id],
                                                                 conversation_ids=[], limit=10)] == [m3.id]
    assert await storage.messages.search(tokens=['"'], group_ids=[g1.id], conversation_ids=[], limit=10) == []


async def test_search_threads_by_title(storage):
    a = await user(storage, "aa")
    g = await group_with(storage, a)
    t = await storage.conversations.create_thread(group_id=g.id, title="求推荐蓝牙音箱", author_id=a.id, now=T0,
                                                  tokens=("求", "推荐", "蓝牙", "音箱"))
    found = await storage.messages.search_threads(tokens=["音箱"], group_ids=[g.id], limit=5)
    assert [x.id for x in found] == [t.id]
    assert await storage.messages.search_threads(tokens=["音箱"], group_ids=["f" * 24], limit=5) == []


# -- reads, likes, follows, blocks, notifications ------------------------------------

async def test_read_markers_only_move_forward(storage):
    a = await user(storage, "aa")
    g = await group_with(storage, a)
    cid = g.conversation_id
    assert await storage.reads.mark_read(conversation_id=cid, user_id=a.id, seq=5) == 5
    assert await storage.reads.mark_read(conversation_id=cid, user_id=a.id, seq=3) == 5
    assert await storage.reads.get_many(user_id=a.id, conversation_ids=[cid, "0" * 24]) == {cid: 5}


async def test_likes_are_idempotent_and_counted(storage):
    a, b = await user(storage, "aa"), await user(storage, "bb")
    g = await group_with(storage, a)
    m, _ = await storage.messages.append(msg(g.conversation_id, a.id))
    assert await storage.likes.like(target_kind="message", target_id=m.id, user_id=a.id) == 1
    assert await storage.likes.like(target_kind="message", target_id=m.id, user_id=a.id) == 1
    assert await storage.likes.like(target_kind="message", target_id=m.id, user_id=b.id) == 2
    assert await storage.likes.liked(user_id=a.id, target_ids=[m.id, "0" * 24]) == {m.id}
    assert await storage.likes.unlike(target_kind="message", target_id=m.id, user_id=a.id) == 1
    assert await storage.likes.unlike(target_kind="message", target_id=m.id, user_id=a.id) == 1
    assert (await storage.messages.get(message_id=m.id)).like_count == 1
    with pytest.raises(LookupError):
        await storage.likes.like(target_kind="thread", target_id="0" * 24, user_id=a.id)


async def test_follows_blocks_notifications(storage):
    a, b = await user(storage, "aa"), await user(storage, "bb")
    await storage.follows.follow(conversation_id="c" * 24, user_id=a.id)
    await storage.follows.follow(conversation_id="c" * 24, user_id=a.id)
    assert await storage.follows.followers(conversation_id="c" * 24) == [a.id]
    assert await storage.follows.is_following(conversation_id="c" * 24, user_id=a.id)
    await storage.follows.unfollow(conversation_id="c" * 24, user_id=a.id)
    assert await storage.follows.followers(conversation_id="c" * 24) == []

    await storage.blocks.block(blocker_id=a.id, blocked_id=b.id)
    assert await storage.blocks.is_blocked(blocker_id=a.id, blocked_id=b.id)
    assert not await storage.blocks.is_blocked(blocker_id=b.id, blocked_id=a.id)
    assert await storage.blocks.list_blocked(blocker_id=a.id) == [b.id]
    await storage.blocks.unblock(blocker_id=a.id, blocked_id=b.id)
    assert not await storage.blocks.is_blocked(blocker_id=a.id, blocked_id=b.id)

    n1 = await storage.notifications.add(user_id=a.id, kind="mention", conversation_id="c" * 24,
                                         message_id="d" * 24, actor_id=b.id, created_at=T0)
    n2 = await storage.notifications.add(user_id=a.id, kind="reply", conversation_id="c" * 24,
                                         message_id="e" * 24, actor_id=b.id, created_at=T0 + timedelta(seconds=1))
    assert [n.id for n in await storage.notifications.list(user_id=a.id, unread_only=False, limit=10)] == [n2.id, n1.id]
    assert await storage.notifications.unread_count(user_id=a.id) == 2
    assert await storage.notifications.mark_read(user_id=a.id, ids=[n1.id]) == 1
    assert [n.id for n in await storage.notifications.list(user_id=a.id, unread_only=True, limit=10)] == [n2.id]
    assert await storage.notifications.mark_read(user_id=b.id, ids=None) == 0
    assert await storage.notifications.mark_read(user_id=a.id, ids=None) == 1
    assert await storage.notifications.unread_count(user_id=a.id) == 0
