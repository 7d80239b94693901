"""The embedded SQLite backend (the default): one file under CHAT_DATA_DIR, WAL mode."""
from __future__ import annotations

import json
import os
import sqlite3

from ...models import (Conversation, Group, Invite, Membership, Message, Notification, Pin,
                      Product, SearchHit, Session, User)
from ..base import DuplicateError, NewMessage, Storage, new_id
from ..codec import from_ms, private_key, to_ms
from .db import Database
from .schema import MIGRATIONS


def _user(r) -> User:
    return User(id=r["id"], username=r["username"], display_name=r["display_name"], role=r["role"],
                bio=r["bio"], avatar_color=r["avatar_color"], created_at=from_ms(r["created_at"]),
                password_hash=r["password_hash"])


def _group(r) -> Group:
    return Group(id=r["id"], name=r["name"], description=r["description"], visibility=r["visibility"],
                 owner_id=r["owner_id"], conversation_id=r["conversation_id"],
                 created_at=from_ms(r["created_at"]), announcement=r["announcement"],
                 announcement_at=from_ms(r["announcement_at"]), member_count=r["member_count"])


def _like_literal(text: str) -> str:
    """`text` for a LIKE pattern with ESCAPE '\\': its % and _ match only themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _member(r) -> Membership:
    return Membership(group_id=r["group_id"], user_id=r["user_id"], role=r["role"],
                      joined_at=from_ms(r["joined_at"]))


def _invite(r) -> Invite:
    return Invite(code=r["code"], group_id=r["group_id"], created_by=r["created_by"],
                  created_at=from_ms(r["created_at"]), expires_at=from_ms(r["expires_at"]),
                  max_uses=r["max_uses"], uses=r["uses"])


def _conversation(r, participants: tuple[str, ...] = ()) -> Conversation:
    return Conversation(id=r["id"], kind=r["kind"], created_at=from_ms(r["created_at"]),
                        last_activity_at=from_ms(r["last_activity_at"]), last_seq=r["last_seq"],
                        group_id=r["group_id"], participants=participants, title=r["title"],
                        author_id=r["author_id"], pinned=bool(r["pinned"]), closed=bool(r["closed"]),
                        like_count=r["like_count"])


def _message(r) -> Message:
    product = json.loads(r["product"]) if r["product"] else None
    return Message(id=r["id"], conversation_id=r["conversation_id"], seq=r["seq"], author_id=r["author_id"],
                   type=r["type"], text=r["text"], created_at=from_ms(r["created_at"]),
                   client_msg_id=r["client_msg_id"], group_id=r["group_id"],
                   product=Product(**product) if product else None, reply_to=r["reply_to"],
                   mentions=tuple(json.loads(r["mentions"])), mention_all=bool(r["mention_all"]),
                   reactions=json.loads(r["reactions"]), like_count=r["like_count"],
                   edited_at=from_ms(r["edited_at"]), deleted_at=from_ms(r["deleted_at"]),
                   extra=json.loads(r["extra"]) if r["extra"] else {}, hidden=r["hidden"])


def _fts_query(tokens: list[str]) -> str:
    return " ".join('"' + t.replace('"', '""') + '"' for t in tokens)


def _placeholders(items) -> str:
    return ",".join("?" * len(items))


async def _rows_by_id(db, table: str, ids) -> list:
    """The rows of `table` with these ids (repeats and unknown ones are fine), in one read."""
    ids = list(set(ids))
    if not ids:
        return []
    return await db.read(lambda c: c.execute(f"SELECT * FROM {table} WHERE id IN ({_placeholders(ids)})", ids).fetchall())


class _Store:
    def __init__(self, db: Database):
        self.db = db


class SqliteUsers(_Store):
    async def create(self, *, username, password_hash, display_name, avatar_color, created_at, role="member"):
        user = User(id=new_id(), username=username, display_name=display_name, role=role,
                    avatar_color=avatar_color, created_at=created_at, password_hash=password_hash)

        def work(c):
            try:
                c.execute("INSERT INTO users VALUES (?,?,?,?,?,?,?,?,?)",
                          (user.id, username, username.lower(), display_name, role, "", avatar_color,
                           password_hash, to_ms(created_at)))
            except sqlite3.IntegrityError as exc:
                raise DuplicateError("username") from exc
        await self.db.write(work)
        return user

    async def get(self, *, user_id):
        r = await self.db.read(lambda c: c.execute("SELECT * FROM users WHERE id=?", (user_id,)).fetchone())
        return _user(r) if r else None

    async def get_by_username(self, *, username):
        r = await self.db.read(lambda c: c.execute(
            "SELECT * FROM users WHERE username_lower=?", (username.lower(),)).fetchone())
        return _user(r) if r else None

    async def get_many(self, *, user_ids):
        return {r["id"]: _user(r) for r in await _rows_by_id(self.db, "users", user_ids)}

    async def update_profile(self, *, user_id, display_name=None, bio=None, avatar_color=None):
        changes = {k: v for k, v in (("display_name", display_name), ("bio", bio),
                                     ("avatar_color", avatar_color)) if v is not None}
        if changes:
            sets = ",".join(f"{k}=?" for k in changes)
            await self.db.write(lambda c: c.execute(f"UPDATE users SET {sets} WHERE id=?",
                                                    (*changes.values(), user_id)))
        return await self.get(user_id=user_id)

    async def set_role(self, *, user_id, role):
        await self.db.write(lambda c: c.execute("UPDATE users SET role=? WHERE id=?", (role, user_id)))

    async def list_by_roles(self, *, roles, limit):
        rows = await self.db.read(lambda c: c.execute(
            f"SELECT * FROM users WHERE role IN ({_placeholders(roles)}) ORDER BY display_name, id LIMIT ?",
            (*roles, limit)).fetchall())
        return [_user(r) for r in rows]

    async def count(self):
        return await self.db.read(lambda c: c.execute("SELECT COUNT(*) FROM users").fetchone()[0])


class SqliteSessions(_Store):
    async def create(self, *, token_hash, user_id, created_at, expires_at):
        await self.db.write(lambda c: c.execute(
            "INSERT INTO sessions VALUES (?,?,?,?,0)",
            (token_hash, user_id, to_ms(created_at), to_ms(expires_at))))
        return Session(token_hash=token_hash, user_id=user_id, created_at=created_at, expires_at=expires_at)

    async def get_valid(self, *, token_hash, now):
        r = await self.db.read(lambda c: c.execute(
            "SELECT * FROM sessions WHERE token_hash=? AND revoked=0 AND expires_at>?",
            (token_hash, to_ms(now))).fetchone())
        if not r:
            return None
        return Session(token_hash=r["token_hash"], user_id=r["user_id"], created_at=from_ms(r["created_at"]),
                       expires_at=from_ms(r["expires_at"]))

    async def revoke(self, *, token_hash):
        await self.db.write(lambda c: c.execute("UPDATE sessions SET revoked=1 WHERE token_hash=?", (token_hash,)))


class SqliteGroups(_Store):
    async def create(self, *, name, description, visibility, owner_id, created_at):
        group = Group(id=new_id(), name=name, description=description, visibility=visibility,
                      owner_id=owner_id, conversation_id=new_id(), created_at=created_at, member_count=1)
        ms = to_ms(created_at)

        def work(c):
            c.execute("INSERT INTO conversations (id, kind, group_id, created_at, last_activity_at) "
                      "VALUES (?, 'group', ?, ?, ?)", (group.conversation_id, group.id, ms, ms))
            c.execute("INSERT INTO groups (id, name, description, visibility, owner_id, conversation_id, "
                      "created_at, member_count) VALUES (?,?,?,?,?,?,?,1)",
                      (group.id, name, description, visibility, owner_id, group.conversation_id, ms))
            c.execute("INSERT INTO memberships VALUES (?,?,'owner',?)", (group.id, owner_id, ms))
        await self.db.write(work)
        return group

    async def get(self, *, group_id):
        r = await self.db.read(lambda c: c.execute("SELECT * FROM groups WHERE id=?", (group_id,)).fetchone())
        return _group(r) if r else None

    async def get_by_conversation(self, *, conversation_id):
        r = await self.db.read(lambda c: c.execute(
            "SELECT * FROM groups WHERE conversation_id=?", (conversation_id,)).fetchone())
        return _group(r) if r else None

    async def discover(self, *, query, limit, offset):
        like = "%" + _like_literal(query) + "%"
        rows = await self.db.read(lambda c: c.execute(
            "SELECT * FROM groups WHERE visibility != 'private' AND "
            "(name LIKE ? ESCAPE '\\' OR description LIKE ? ESCAPE '\\') "
            "ORDER BY member_count DESC, created_at DESC LIMIT ? OFFSET ?",
            (like, like, limit, offset)).fetchall())
        return [_group(r) for r in rows]

    async def update(self, *, group_id, name=None, description=None, visibility=None,
                     announcement=None, announcement_at=None):
        changes = {k: v for k, v in (("name", name), ("description", description), ("visibility", visibility),
                                     ("announcement", announcement),
                                     ("announcement_at", to_ms(announcement_at))) if v is not None}
        if changes:
            sets = ",".join(f"{k}=?" for k in changes)
            await self.db.write(lambda c: c.execute(f"UPDATE groups SET {sets} WHERE id=?",
                                                    (*changes.values(), group_id)))
        return await self.get(group_id=group_id)

    async def add_member(self, *, group_id, user_id, role, joined_at):
        def work(c):
            try:
                c.execute("INSERT INTO memberships VALUES (?,?,?,?)", (group_id, user_id, role, to_ms(joined_at)))
            except sqlite3.IntegrityError as exc:
                raise DuplicateError("membership") from exc
            c.execute("UPDATE groups SET member_count = member_count + 1 WHERE id=?", (group_id,))
        await self.db.write(work)
        return Membership(group_id=group_id, user_id=user_id, role=role, joined_at=joined_at)

    async def remove_member(self, *, group_id, user_id):
        def work(c):
            n = c.execute("DELETE FROM memberships WHERE group_id=? AND user_id=?", (group_id, user_id)).rowcount
            if n:
                c.execute("UPDATE groups SET member_count = member_count - 1 WHERE id=?", (group_id,))
            return bool(n)
        return await self.db.write(work)

    async def get_member(self, *, group_id, user_id):
        r = await self.db.read(lambda c: c.execute(
            "SELECT * FROM memberships WHERE group_id=? AND user_id=?", (group_id, user_id)).fetchone())
        return _member(r) if r else None

    async def set_member_role(self, *, group_id, user_id, role):
        def run(c):
            found = c.execute("UPDATE memberships SET role=? WHERE group_id=? AND user_id=?",
                              (role, group_id, user_id)).rowcount > 0
            if found and role == "owner":
                c.execute("UPDATE groups SET owner_id=? WHERE id=?", (user_id, group_id))
            return found
        return await self.db.write(run)

    async def list_members(self, *, group_id, limit, offset):
        rows = await self.db.read(lambda c: c.execute(
            "SELECT * FROM memberships WHERE group_id=? ORDER BY joined_at, user_id LIMIT ? OFFSET ?",
            (group_id, limit, offset)).fetchall())
        return [_member(r) for r in rows]

    async def find_members(self, *, group_id, query, limit):
        literal = _like_literal(query.lower())
        rows = await self.db.read(lambda c: c.execute(
            "SELECT m.* FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.group_id=? AND "
            "(u.username_lower LIKE ? ESCAPE '\\' OR lower(u.display_name) LIKE ? ESCAPE '\\') "
            "ORDER BY u.username_lower LIMIT ?", (group_id, literal + "%", "%" + literal + "%", limit)).fetchall())
        return [_member(r) for r in rows]

    async def list_for_user(self, *, user_id):
        rows = await self.db.read(lambda c: c.execute(
            "SELECT g.* FROM groups g JOIN memberships m ON m.group_id = g.id WHERE m.user_id=? "
            "ORDER BY m.joined_at", (user_id,)).fetchall())
        return [_group(r) for r in rows]

    async def create_invite(self, *, group_id, code, created_by, created_at, expires_at, max_uses):
        await self.db.write(lambda c: c.execute(
            "INSERT INTO invites VALUES (?,?,?,?,?,?,0)",
            (code, group_id, created_by, to_ms(created_at), to_ms(expires_at), max_uses)))
        return Invite(code=code, group_id=group_id, created_by=created_by, created_at=created_at,
                      expires_at=expires_at, max_uses=max_uses)

    async def use_invite(self, *, code, now):
        def work(c):
            n = c.execute("UPDATE invites SET uses = uses + 1 WHERE code=? AND (expires_at IS NULL OR expires_at>?) "
                          "AND (max_uses IS NULL OR uses < max_uses)", (code, to_ms(now))).rowcount
            if n:
                return c.execute("SELECT * FROM invites WHERE code=?", (code,)).fetchone()
            return None
        r = await self.db.write(work)
        return _invite(r) if r else None

    async def pin(self, *, group_id, message_id, pinned_by, pinned_at):
        await self.db.write(lambda c: c.execute(
            "INSERT OR REPLACE INTO pins VALUES (?,?,?,?)", (group_id, message_id, pinned_by, to_ms(pinned_at))))
        return Pin(group_id=group_id, message_id=message_id, pinned_by=pinned_by, pinned_at=pinned_at)

    async def unpin(self, *, group_id, message_id):
        return await self.db.write(lambda c: c.execute(
            "DELETE FROM pins WHERE group_id=? AND message_id=?", (group_id, message_id)).rowcount > 0)

    async def list_pins(self, *, group_id):
        rows = await self.db.read(lambda c: c.execute(
            "SELECT * FROM pins WHERE group_id=? ORDER BY pinned_at DESC", (group_id,)).fetchall())
        return [Pin(group_id=r["group_id"], message_id=r["message_id"], pinned_by=r["pinned_by"],
                    pinned_at=from_ms(r["pinned_at"])) for r in rows]


class SqliteConversations(_Store):
    @staticmethod
    def _load(c, conversation_id):
        r = c.execute("SELECT * FROM conversations WHERE id=?", (conversation_id,)).fetchone()
        if not r:
            return None
        parts = ()
        if r["kind"] in ("private", "support"):
            parts = tuple(sorted(p[0] for p in c.execute(
                "SELECT user_id FROM participants WHERE conversation_id=?", (conversation_id,))))
        return _conversation(r, parts)

    async def get(self, *, conversation_id):
        return await self.db.read(lambda c: self._load(c, conversation_id))

    async def get_or_create_private(self, *, user_a, user_b, now):
        key = private_key(user_a, user_b)

        def work(c):
            r = c.execute("SELECT id FROM conversations WHERE private_key=?", (key,)).fetchone()
            if r:
                return self._load(c, r[0])
            cid, ms = new_id(), to_ms(now)
            c.execute("INSERT INTO conversations (id, kind, private_key, created_at, last_activity_at) "
                      "VALUES (?, 'private', ?, ?, ?)", (cid, key, ms, ms))
            c.executemany("INSERT INTO participants VALUES (?,?)", [(cid, user_a), (cid, user_b)])
            return self._load(c, cid)
        return await self.db.write(work)

    async def list_private(self, *, user_id, limit):
        def work(c):
            ids = [r[0] for r in c.execute(
                "SELECT c.id FROM conversations c JOIN participants p ON p.conversation_id = c.id "
                "WHERE p.user_id=? AND c.kind='private' ORDER BY c.last_activity_at DESC LIMIT ?", (user_id, limit))]
            return [self._load(c, i) for i in ids]
        return await self.db.read(work)

    async def create_thread(self, *, group_id, title, author_id, now, tokens=()):
        cid, ms = new_id(), to_ms(now)
        tokens = " ".join(tokens)

        def work(c):
            c.execute("INSERT INTO conversations (id, kind, group_id, title, author_id, created_at, "
                      "last_activity_at) VALUES (?, 'thread', ?, ?, ?, ?, ?)",
                      (cid, group_id, title, author_id, ms, ms))
            rowid = c.execute("SELECT rowid FROM conversations WHERE id=?", (cid,)).fetchone()[0]
            c.execute("INSERT INTO threads_fts (rowid, tokens) VALUES (?, ?)", (rowid, tokens))
            return self._load(c, cid)
        return await self.db.write(work)

    async def delete_empty_thread(self, *, conversation_id):
        def work(c):
            r = c.execute("SELECT rowid, last_seq FROM conversations WHERE id=? AND kind='thread'",
                          (conversation_id,)).fetchone()
            if r and r["last_seq"] == 0:
                c.execute("DELETE FROM threads_fts WHERE rowid=?", (r["rowid"],))
                c.execute("DELETE FROM conversations WHERE id=?", (conversation_id,))
        await self.db.write(work)

    async def list_threads(self, *, group_id, order, limit, offset):
        sort = ("pinned DESC, last_activity_at DESC" if order == "latest"
                else "like_count DESC, last_activity_at DESC")
        rows = await self.db.read(lambda c: c.execute(
            f"SELECT * FROM conversations WHERE group_id=? AND kind='thread' ORDER BY {sort} LIMIT ? OFFSET ?",
            (group_id, limit, offset)).fetchall())
        return [_conversation(r) for r in rows]

    async def update_thread(self, *, conversation_id, pinned=None, closed=None):
        changes = {k: int(v) for k, v in (("pinned", pinned), ("closed", closed)) if v is not None}
        if changes:
            sets = ",".join(f"{k}=?" for k in changes)
            await self.db.write(lambda c: c.execute(
                f"UPDATE conversations SET {sets} WHERE id=? AND kind='thread'", (*changes.values(), conversation_id)))
        return await self.get(conversation_id=conversation_id)

    async def create_support(self, *, customer_id, now):
        def work(c):
            cid, ms = new_id(), to_ms(now)
            c.execute("INSERT INTO conversations (id, kind, created_at, last_activity_at) VALUES (?, 'support', ?, ?)",
                      (cid, ms, ms))
            c.execute("INSERT INTO participants VALUES (?,?)", (cid, customer_id))
            return self._load(c, cid)
        return await self.db.write(work)

    async def set_participants(self, *, conversation_id, participants):
        def work(c):
            c.execute("DELETE FROM participants WHERE conversation_id=?", (conversation_id,))
            c.executemany("INSERT INTO participants VALUES (?,?)", [(conversation_id, u) for u in set(participants)])
        await self.db.write(work)

    async def ids_readable_by(self, *, group_ids, user_id):
        rows = await self.db.read(lambda c: c.execute(
            "SELECT conversation_id FROM participants WHERE user_id=?", (user_id,)).fetchall())
        return [r[0] for r in rows]


class _AlreadyStored(Exception):
    """Raised inside an append job so its savepoint undoes the seq it took."""

    def __init__(self, row):
        self.row = row


class SqliteMessages(_Store):
    async def append(self, new: NewMessage):
        mid, ms = new_id(), to_ms(new.created_at)
        product = json.dumps({"sku": new.product.sku, "title": new.product.title, "price": new.product.price,
                              "image_url": new.product.image_url}, ensure_ascii=False) if new.product else None
        mentions = json.dumps(list(new.mentions))
        tokens = " ".join(new.tokens)
        extra = json.dumps(new.extra, ensure_ascii=False) if new.extra else None

        def work(c):
            conv = c.execute("UPDATE conversations SET last_seq = last_seq + 1, last_activity_at=? "
                             "WHERE id=? RETURNING last_seq, group_id", (ms, new.conversation_id)).fetchone()
            if conv is None:
                raise LookupError("conversation")
            seq, group_id = conv
            try:
                cur = c.execute(
                    "INSERT INTO messages (id, conversation_id, seq, author_id, group_id, type, text, product, "
                    "reply_to, mentions, mention_all, client_msg_id, created_at, extra, hidden) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (mid, new.conversation_id, seq, new.author_id, group_id, new.type, new.text, product,
                     new.reply_to, mentions, int(new.mention_all), new.client_msg_id, ms, extra, new.hidden))
            except sqlite3.IntegrityError:  # this client_msg_id was stored before
                raise _AlreadyStored(c.execute(
                    "SELECT * FROM messages WHERE conversation_id=? AND author_id=? AND client_msg_id=?",
                    (new.conversation_id, new.author_id, new.client_msg_id)).fetchone()) from None
            if tokens:
                c.execute("INSERT INTO messages_fts (rowid, tokens) VALUES (?, ?)", (cur.lastrowid, tokens))
            c.execute("INSERT INTO reads VALUES (?,?,?) ON CONFLICT (user_id, conversation_id) "
                      "DO UPDATE SET seq = max(seq, excluded.seq)", (new.conversation_id, new.author_id, seq))
            return seq, group_id
        try:
            seq, group_id = await self.db.write(work)
        except _AlreadyStored as dup:
            return _message(dup.row), False
        return Message(id=mid, conversation_id=new.conversation_id, seq=seq, author_id=new.author_id, type=new.type,
                       text=new.text, created_at=from_ms(ms), client_msg_id=new.client_msg_id, group_id=group_id,
                       product=new.product, reply_to=new.reply_to, mentions=tuple(new.mentions),
                       mention_all=new.mention_all, extra=dict(new.extra or {}), hidden=new.hidden), True

    async def get(self, *, message_id):
        r = await self.db.read(lambda c: c.execute("SELECT * FROM messages WHERE id=?", (message_id,)).fetchone())
        return _message(r) if r else None

    async def get_many(self, *, message_ids):
        return {r["id"]: _message(r) for r in await _rows_by_id(self.db, "messages", message_ids)}

    async def history(self, *, conversation_id, before=None, after=None, limit=50):
        if after is not None:
            sql, args = ("SELECT * FROM messages WHERE conversation_id=? AND seq>? ORDER BY seq LIMIT ?",
                         (conversation_id, after, limit))
        else:
            sql, args = ("SELECT * FROM messages WHERE conversation_id=? AND seq<? ORDER BY seq DESC LIMIT ?",
                         (conversation_id, before if before is not None else 2**62, limit))
        rows = await self.db.read(lambda c: c.execute(sql, args).fetchall())
        msgs = [_message(r) for r in rows]
        return msgs if after is not None else msgs[::-1]

    async def _update(self, message_id, mutate):
        """Read-modify-write in the writer thread (serialized, so no lost update)."""
        def work(c):
            r = c.execute("SELECT rowid, * FROM messages WHERE id=?", (message_id,)).fetchone()
            if not r:
                return None
            mutate(c, r)
            return c.execute("SELECT * FROM messages WHERE id=?", (message_id,)).fetchone()
        r = await self.db.write(work)
        return _message(r) if r else None

    async def edit(self, *, message_id, text, tokens, edited_at):
        def mutate(c, r):
            c.execute("UPDATE messages SET text=?, edited_at=? WHERE rowid=?", (text, to_ms(edited_at), r["rowid"]))
            c.execute("DELETE FROM messages_fts WHERE rowid=?", (r["rowid"],))
            if tokens:
                c.execute("INSERT INTO messages_fts (rowid, tokens) VALUES (?, ?)", (r["rowid"], " ".join(tokens)))
        return await self._update(message_id, mutate)

    async def delete(self, *, message_id, deleted_at):
        def mutate(c, r):
            c.execute("UPDATE messages SET text='', product=NULL, reactions='{}', deleted_at=? WHERE rowid=?",
                      (to_ms(deleted_at), r["rowid"]))
            c.execute("DELETE FROM messages_fts WHERE rowid=?", (r["rowid"],))
        return await self._update(message_id, mutate)

    async def set_hidden(self, *, message_id, hidden):
        return await self._update(message_id, lambda c, r: c.execute(
            "UPDATE messages SET hidden=? WHERE rowid=?", (hidden, r["rowid"])))

    async def _react(self, message_id, emoji, user_id, add):
        def mutate(c, r):
            reactions = json.loads(r["reactions"])
            users = reactions.get(emoji, [])
            if add and user_id not in users:
                users.append(user_id)
            elif not add and user_id in users:
                users.remove(user_id)
            if users:
                reactions[emoji] = users
            else:
                reactions.pop(emoji, None)
            c.execute("UPDATE messages SET reactions=? WHERE rowid=?", (json.dumps(reactions), r["rowid"]))
        return await self._update(message_id, mutate)

    async def add_reaction(self, *, message_id, emoji, user_id):
        return await self._react(message_id, emoji, user_id, True)

    async def remove_reaction(self, *, message_id, emoji, user_id):
        return await self._react(message_id, emoji, user_id, False)

    async def search(self, *, tokens, group_ids, conversation_ids, limit):
        if not tokens or not (group_ids or conversation_ids):
            return []
        sql = ("SELECT m.*, bm25(messages_fts) AS rank FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid "
               f"WHERE messages_fts MATCH ? AND m.deleted_at IS NULL AND m.hidden IS NULL AND (m.group_id IN ({_placeholders(group_ids)}) "
               f"OR m.conversation_id IN ({_placeholders(conversation_ids)})) ORDER BY rank, m.created_at DESC LIMIT ?")
        args = (_fts_query(tokens), *group_ids, *conversation_ids, limit)
        rows = await self.db.read(lambda c: c.execute(sql, args).fetchall())
        return [SearchHit(message=_message(r), score=-r["rank"]) for r in rows]

    async def search_threads(self, *, tokens, group_ids, limit):
        if not tokens or not group_ids:
            return []
        sql = ("SELECT c.* FROM threads_fts JOIN conversations c ON c.rowid = threads_fts.rowid "
               f"WHERE threads_fts MATCH ? AND c.group_id IN ({_placeholders(group_ids)}) "
               "ORDER BY bm25(threads_fts), c.last_activity_at DESC LIMIT ?")
        rows = await self.db.read(lambda c: c.execute(sql, (_fts_query(tokens), *group_ids, limit)).fetchall())
        return [_conversation(r) for r in rows]


class SqliteReads(_Store):
    async def mark_read(self, *, conversation_id, user_id, seq):
        return await self.db.write(lambda c: c.execute(
            "INSERT INTO reads VALUES (?,?,?) ON CONFLICT (user_id, conversation_id) "
            "DO UPDATE SET seq = max(seq, excluded.seq) RETURNING seq", (conversation_id, user_id, seq)).fetchone()[0])

    async def get_many(self, *, user_id, conversation_ids):
        if not conversation_ids:
            return {}
        rows = await self.db.read(lambda c: c.execute(
            f"SELECT conversation_id, seq FROM reads WHERE user_id=? AND conversation_id IN "
            f"({_placeholders(conversation_ids)})", (user_id, *conversation_ids)).fetchall())
        return {r[0]: r[1] for r in rows}


class SqliteLikes(_Store):
    _TABLES = {"thread": "conversations", "message": "messages"}

    async def _change(self, target_kind, target_id, user_id, add):
        table = self._TABLES[target_kind]

        def work(c):
            if add:
                n = c.execute("INSERT OR IGNORE INTO likes VALUES (?,?,?)", (target_kind, target_id, user_id)).rowcount
            else:
                n = -c.execute("DELETE FROM likes WHERE target_id=? AND user_id=?", (target_id, user_id)).rowcount
            r = c.execute(f"UPDATE {table} SET like_count = like_count + ? WHERE id=? RETURNING like_count",
                          (n, target_id)).fetchone()
            if r is None:
                raise LookupError(target_kind)
            return r[0]
        return await self.db.write(work)

    async def like(self, *, target_kind, target_id, user_id):
        return await self._change(target_kind, target_id, user_id, True)

    async def unlike(self, *, target_kind, target_id, user_id):
        return await self._change(target_kind, target_id, user_id, False)

    async def liked(self, *, user_id, target_ids):
        if not target_ids:
            return set()
        rows = await self.db.read(lambda c: c.execute(
            f"SELECT target_id FROM likes WHERE user_id=? AND target_id IN ({_placeholders(target_ids)})",
            (user_id, *target_ids)).fetchall())
        return {r[0] for r in rows}


class SqliteFollows(_Store):
    async def follow(self, *, conversation_id, user_id):
        await self.db.write(lambda c: c.execute("INSERT OR IGNORE INTO follows VALUES (?,?)", (conversation_id, user_id)))

    async def unfollow(self, *, conversation_id, user_id):
        await self.db.write(lambda c: c.execute(
            "DELETE FROM follows WHERE conversation_id=? AND user_id=?", (conversation_id, user_id)))

    async def followers(self, *, conversation_id):
        rows = await self.db.read(lambda c: c.execute(
            "SELECT user_id FROM follows WHERE conversation_id=?", (conversation_id,)).fetchall())
        return [r[0] for r in rows]

    async def is_following(self, *, conversation_id, user_id):
        return await self.db.read(lambda c: c.execute(
            "SELECT 1 FROM follows WHERE conversation_id=? AND user_id=?", (conversation_id, user_id)).fetchone()) is not None


class SqliteBlocks(_Store):
    async def block(self, *, blocker_id, blocked_id):
        await self.db.write(lambda c: c.execute("INSERT OR IGNORE INTO blocks VALUES (?,?)", (blocker_id, blocked_id)))

    async def unblock(self, *, blocker_id, blocked_id):
        await self.db.write(lambda c: c.execute(
            "DELETE FROM blocks WHERE blocker_id=? AND blocked_id=?", (blocker_id, blocked_id)))

    async def is_blocked(self, *, blocker_id, blocked_id):
        return await self.db.read(lambda c: c.execute(
            "SELECT 1 FROM blocks WHERE blocker_id=? AND blocked_id=?", (blocker_id, blocked_id)).fetchone()) is not None

    async def list_blocked(self, *, blocker_id):
        rows = await self.db.read(lambda c: c.execute(
            "SELECT blocked_id FROM blocks WHERE blocker_id=?", (blocker_id,)).fetchall())
        return [r[0] for r in rows]


class SqliteNotifications(_Store):
    async def add(self, *, user_id, kind, conversation_id, message_id, actor_id, created_at):
        n = Notification(id=new_id(), user_id=user_id, kind=kind, conversation_id=conversation_id,
                         message_id=message_id, actor_id=actor_id, created_at=created_at)
        await self.db.write(lambda c: c.execute(
            "INSERT INTO notifications VALUES (?,?,?,?,?,?,?,0)",
            (n.id, user_id, kind, conversation_id, message_id, actor_id, to_ms(created_at))))
        return n

    async def list(self, *, user_id, unread_only, limit):
        cond = " AND read=0" if unread_only else ""
        rows = await self.db.read(lambda c: c.execute(
            f"SELECT * FROM notifications WHERE user_id=?{cond} ORDER BY created_at DESC, id DESC LIMIT ?",
            (user_id, limit)).fetchall())
        return [Notification(id=r["id"], user_id=r["user_id"], kind=r["kind"], conversation_id=r["conversation_id"],
                             message_id=r["message_id"], actor_id=r["actor_id"],
                             created_at=from_ms(r["created_at"]), read=bool(r["read"])) for r in rows]

    async def mark_read(self, *, user_id, ids):
        if ids is None:
            return await self.db.write(lambda c: c.execute(
                "UPDATE notifications SET read=1 WHERE user_id=? AND read=0", (user_id,)).rowcount)
        if not ids:
            return 0
        return await self.db.write(lambda c: c.execute(
            f"UPDATE notifications SET read=1 WHERE user_id=? AND id IN ({_placeholders(ids)})",
            (user_id, *ids)).rowcount)

    async def unread_count(self, *, user_id):
        return await self.db.read(lambda c: c.execute(
            "SELECT COUNT(*) FROM notifications WHERE user_id=? AND read=0", (user_id,)).fetchone()[0])


class SqliteDocs(_Store):
    """DocTable (docs.py) over the shared `docs` table, one `kind` per store."""

    def __init__(self, db: Database, kind: str):
        super().__init__(db)
        self.kind = kind

    def _row(self, id, doc, owner, state, sort, text):
        return (self.kind, id, owner, state, sort, text, json.dumps(doc, ensure_ascii=False))

    async def insert(self, *, id, doc, owner=None, state=None, sort=0, text=""):
        def work(c):
            try:
                c.execute("INSERT INTO docs VALUES (?,?,?,?,?,?,?)", self._row(id, doc, owner, state, sort, text))
            except sqlite3.IntegrityError as exc:
                raise DuplicateError(f"{self.kind} {id}") from exc
        await self.db.write(work)

    async def put(self, *, id, doc, owner=None, state=None, sort=0, text=""):
        await self.db.write(lambda c: c.execute("INSERT OR REPLACE INTO docs VALUES (?,?,?,?,?,?,?)",
                                                self._row(id, doc, owner, state, sort, text)))

    async def get(self, *, id):
        r = await self.db.read(lambda c: c.execute("SELECT doc FROM docs WHERE kind=? AND id=?",
                                                   (self.kind, id)).fetchone())
        return json.loads(r[0]) if r else None

    async def swap(self, *, id, expect_state, doc, owner=None, state=None, sort=0, text=""):
        return await self.db.write(lambda c: c.execute(
            "UPDATE docs SET owner=?, state=?, sort=?, text=?, doc=? WHERE kind=? AND id=? AND state IS ?",
            (owner, state, sort, text, json.dumps(doc, ensure_ascii=False), self.kind, id, expect_state)).rowcount == 1)

    @staticmethod
    def _where(kind, owner, states, words):
        clauses, args = ["kind=?"], [kind]
        if isinstance(owner, tuple):
            clauses.append(f"owner IN ({_placeholders(owner)})")
            args.extend(owner)
        elif owner is not None:
            clauses.append("owner=?")
            args.append(owner)
        if states is not None:
            clauses.append(f"state IN ({_placeholders(states)})")
            args.extend(states)
        for word in words:
            clauses.append("instr(text, ?) > 0")
            args.append(word)
        return " AND ".join(clauses), args

    async def find(self, *, owner=None, states=None, words=(), ascending=False, limit=50, offset=0):
        where, args = self._where(self.kind, owner, states, words)
        order = "ASC" if ascending else "DESC"
        rows = await self.db.read(lambda c: c.execute(
            f"SELECT doc FROM docs WHERE {where} ORDER BY sort {order}, id {order} LIMIT ? OFFSET ?",
            (*args, limit, offset)).fetchall())
        return [json.loads(r[0]) for r in rows]

    async def count(self, *, states=None, before=None):
        where, args = self._where(self.kind, None, states, ())
        if before is not None:
            where += " AND (sort < ? OR (sort = ? AND id < ?))"
            args.extend((before[0], before[0], before[1]))
        return await self.db.read(lambda c: c.execute(f"SELECT COUNT(*) FROM docs WHERE {where}", args).fetchone()[0])


async def open_sqlite(data_dir: str, *, synchronous: str = "FULL") -> Storage:
    os.makedirs(data_dir, exist_ok=True)
    db = Database(os.path.join(data_dir, "chat.sqlite3"), MIGRATIONS, synchronous=synchronous)
    await db.open()
    return Storage(backend="sqlite", users=SqliteUsers(db), sessions=SqliteSessions(db), groups=SqliteGroups(db),
                   conversations=SqliteConversations(db), messages=SqliteMessages(db), reads=SqliteReads(db),
                   likes=SqliteLikes(db), follows=SqliteFollows(db), blocks=SqliteBlocks(db),
                   notifications=SqliteNotifications(db), close=db.close).attach_docs(lambda kind: SqliteDocs(db, kind))
