"""What makes a password too easy to guess (NIST SP 800-63B 5.1.1.2): on the shipped list of common
passwords (server/data/common-passwords.txt, composed by scripts/common_passwords.py), the username
itself or containing it, or trivially repetitive (few distinct characters, a short unit repeated, one
run of consecutive characters). No composition rules (digits, capitals): the standard advises against
them. Length (8-128) is checked by the action before this."""
from __future__ import annotations

import functools
import itertools
import os
import unicodedata

LIST_PATH = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "common-passwords.txt")
MIN_DISTINCT = 3          # "aaaaaaab", "abababab" and the like
MAX_REPEATED_UNIT = 4     # "abcdabcd", "1qaz1qaz"
MIN_USERNAME_INSIDE = 3   # a username this long may not appear inside the password


@functools.cache
def common_passwords() -> frozenset[str]:
    with open(LIST_PATH, encoding="utf-8") as f:
        return frozenset(line.strip() for line in f if line.strip() and not line.startswith("#"))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _is_run(text: str) -> bool:
    """Consecutive code points in one direction: 12345678, abcdefgh, 87654321."""
    steps = {ord(b) - ord(a) for a, b in itertools.pairwise(text)}
    return steps in ({1}, {-1})


def _repeated_unit(text: str) -> bool:
    return any(len(text) % n == 0 and text == text[:n] * (len(text) // n) for n in range(1, MAX_REPEATED_UNIT + 1))


def password_problem(username: str, password: str) -> str | None:
    """Why the password is weak ("common", "username", "repetitive"), or None."""
    folded = _fold(password)
    if folded in common_passwords() or folded.rstrip("!.") in common_passwords():
        return "common"
    name = _fold(username) if isinstance(username, str) else ""
    if name and (folded == name or (len(name) >= MIN_USERNAME_INSIDE and name in folded)
                 or folded == name[::-1]):
        return "username"
    if len(set(folded)) < MIN_DISTINCT or _repeated_unit(folded) or _is_run(folded):
        return "repetitive"
    return None
