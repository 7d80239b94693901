"""Groups with their memberships and invites (tables `groups`, `memberships`, `invites`);
the pins come from pins.py."""
from __future__ import annotations

import sqlite3

from ...domain.groups import Group, Invite, Membership
from ..base import DuplicateError, new_id
from ..codec import drop_none, from_ms, to_ms
from .pins import SqlitePins


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


class SqliteGroups(SqlitePins):
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
        changes = drop_none(name=name, description=description, visibility=visibility,
                            announcement=announcement, announcement_at=to_ms(announcement_at))
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
