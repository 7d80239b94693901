"""argon2id password hashing, run off the event loop (it is slow on purpose)."""
from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


class Passwords:
    def __init__(self, *, time_cost: int, memory_kib: int):
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=1)
        self._dummy = self._hasher.hash("not a real password")

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, _bytes(password))

    async def verify(self, password_hash: str | None, password: str) -> bool:
        def check() -> bool:
            try:
                return self._hasher.verify(password_hash or self._dummy, _bytes(password)) and password_hash is not None
            except (VerificationError, InvalidHashError):
                return False
        return await asyncio.to_thread(check)


def _bytes(password: str) -> bytes:
    """UTF-8, as argon2 would encode it, except that a lone surrogate (JSON can carry one: "\\ud800") is
    encoded too instead of raising: any string is a password that hashes, or that fails to match."""
    return password.encode("utf-8", "surrogatepass")
