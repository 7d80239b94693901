"""Messages: gap-free seqs per conversation, edits, deletes, reactions (table `messages`) and
their full-text search, with the threads' (FTS5 tables `messages_fts`, `threads_fts`)."""
from __future__ import annotations

import json
import sqlite3

from ...domain.messages import Message, SearchHit
from ..base import NewMessage, new_id
from ..codec import from_ms, to_ms
from .conversations import decode_conversation
from .store import Store, placeholders, rows_by_id


def decode_message(r) -> Message:
    return Message(id=r["id"], conversation_id=r["conversation_id"], seq=r["seq"], author_id=r["author_id"],
                   type=r["type"], text=r["text"], created_at=from_ms(r["created_at"]),
                   client_msg_id=r["client_msg_id"], group_id=r["group_id"],
                   card=json.loads(r["card"]) if r["card"] else None, reply_to=r["reply_to"],
                   mentions=tuple(json.loads(r["mentions"])), mention_all=bool(r["mention_all"]),
                   reactions=json.loads(r["reactions"]), like_count=r["like_count"],
                   edited_at=from_ms(r["edited_at"]), deleted_at=from_ms(r["deleted_at"]),
                   extra=json.loads(r["extra"]) if r["extra"] else {}, hidden=r["hidden"])


def _fts_query(tokens: list[str]) -> str:
    return " ".join('"' + t.replace('"', '""') + '"' for t in tokens)


class _AlreadyStored(Exception):
    """Raised inside an append job so its savepoint undoes the seq it took."""

    def __init__(self, row):
        self.row = row


class SqliteMessages(Store):
    async def append(self, new: NewMessage):
        mid, ms = new_id(), to_ms(new.created_at)
        card = json.dumps(new.card, ensure_ascii=False) if new.card else None
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
                    "INSERT INTO messages (id, conversation_id, seq, author_id, group_id, type, text, card, "
                    "reply_to, mentions, mention_all, client_msg_id, created_at, extra, hidden) "
                    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (mid, new.conversation_id, seq, new.author_id, group_id, new.type, new.text, card,
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
            return decode_message(dup.row), False
        return Message(id=mid, conversation_id=new.conversation_id, seq=seq, author_id=new.author_id, type=new.type,
                       text=new.text, created_at=from_ms(ms), client_msg_id=new.client_msg_id, group_id=group_id,
                       card=new.card, reply_to=new.reply_to, mentions=tuple(new.mentions),
                       mention_all=new.mention_all, extra=dict(new.extra or {}), hidden=new.hidden), True

    async def get(self, *, message_id):
        r = await self.db.read(lambda c: c.execute("SELECT * FROM messages WHERE id=?", (message_id,)).fetchone())
        return decode_message(r) if r else None

    async def get_many(self, *, message_ids):
        return {r["id"]: decode_message(r) for r in await rows_by_id(self.db, "messages", message_ids)}

    async def history(self, *, conversation_id, before=None, after=None, limit=50):
        if after is not None:
            sql, args = ("SELECT * FROM messages WHERE conversation_id=? AND seq>? ORDER BY seq LIMIT ?",
                         (conversation_id, after, limit))
        else:
            sql, args = ("SELECT * FROM messages WHERE conversation_id=? AND seq<? ORDER BY seq DESC LIMIT ?",
                         (conversation_id, before if before is not None else 2**62, limit))
        rows = await self.db.read(lambda c: c.execute(sql, args).fetchall())
        msgs = [decode_message(r) for r in rows]
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
        return decode_message(r) if r else None

    async def edit(self, *, message_id, text, tokens, edited_at):
        def mutate(c, r):
            c.execute("UPDATE messages SET text=?, edited_at=? WHERE rowid=?", (text, to_ms(edited_at), r["rowid"]))
            c.execute("DELETE FROM messages_fts WHERE rowid=?", (r["rowid"],))
            if tokens:
                c.execute("INSERT INTO messages_fts (rowid, tokens) VALUES (?, ?)", (r["rowid"], " ".join(tokens)))
        return await self._update(message_id, mutate)

    async def delete(self, *, message_id, deleted_at):
        def mutate(c, r):
            c.execute("UPDATE messages SET text='', card=NULL, reactions='{}', deleted_at=? WHERE rowid=?",
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
               f"WHERE messages_fts MATCH ? AND m.deleted_at IS NULL AND m.hidden IS NULL AND (m.group_id IN ({placeholders(group_ids)}) "
               f"OR m.conversation_id IN ({placeholders(conversation_ids)})) ORDER BY rank, m.created_at DESC LIMIT ?")
        args = (_fts_query(tokens), *group_ids, *conversation_ids, limit)
        rows = await self.db.read(lambda c: c.execute(sql, args).fetchall())
        return [SearchHit(message=decode_message(r), score=-r["rank"]) for r in rows]

    async def search_threads(self, *, tokens, group_ids, limit):
        if not tokens or not group_ids:
            return []
        sql = ("SELECT c.* FROM threads_fts JOIN conversations c ON c.rowid = threads_fts.rowid "
               f"WHERE threads_fts MATCH ? AND c.group_id IN ({placeholders(group_ids)}) "
               "ORDER BY bm25(threads_fts), c.last_activity_at DESC LIMIT ?")
        rows = await self.db.read(lambda c: c.execute(sql, (_fts_query(tokens), *group_ids, limit)).fetchall())
        return [decode_conversation(r) for r in rows]
