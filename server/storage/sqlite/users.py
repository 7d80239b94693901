"""Users: accounts, profiles and platform roles (table `users`)."""
from __future__ import annotations

import sqlite3

from ...domain.users import User
from ..base import DuplicateError, new_id
from ..codec import drop_none, from_ms, to_ms
from .store import Store, placeholders, rows_by_id


def _user(r) -> User:
    return User(id=r["id"], username=r["username"], display_name=r["display_name"], role=r["role"],
                bio=r["bio"], avatar_color=r["avatar_color"], avatar_upload=r["avatar_upload"] or "",
                created_at=from_ms(r["created_at"]), password_hash=r["password_hash"])


class SqliteUsers(Store):
    async def create(self, *, username, password_hash, display_name, avatar_color, created_at, role="member"):
        user = User(id=new_id(), username=username, display_name=display_name, role=role,
                    avatar_color=avatar_color, created_at=created_at, password_hash=password_hash)

        def work(c):
            try:
                c.execute("INSERT INTO users (id, username, username_lower, display_name, role, bio, avatar_color, "
                          "password_hash, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
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
        return {r["id"]: _user(r) for r in await rows_by_id(self.db, "users", user_ids)}

    async def update_profile(self, *, user_id, display_name=None, bio=None, avatar_color=None, avatar_upload=None):
        changes = drop_none(display_name=display_name, bio=bio, avatar_color=avatar_color,
                            avatar_upload=avatar_upload)
        if changes:
            sets = ",".join(f"{k}=?" for k in changes)
            await self.db.write(lambda c: c.execute(f"UPDATE users SET {sets} WHERE id=?",
                                                    (*changes.values(), user_id)))
        return await self.get(user_id=user_id)

    async def set_role(self, *, user_id, role):
        await self.db.write(lambda c: c.execute("UPDATE users SET role=? WHERE id=?", (role, user_id)))

    async def set_password_hash(self, *, user_id, password_hash):
        await self.db.write(lambda c: c.execute("UPDATE users SET password_hash=? WHERE id=?",
                                                (password_hash, user_id)))

    async def list_by_roles(self, *, roles, limit):
        rows = await self.db.read(lambda c: c.execute(
            f"SELECT * FROM users WHERE role IN ({placeholders(roles)}) ORDER BY display_name, id LIMIT ?",
            (*roles, limit)).fetchall())
        return [_user(r) for r in rows]

    async def count(self):
        return await self.db.read(lambda c: c.execute("SELECT COUNT(*) FROM users").fetchone()[0])
