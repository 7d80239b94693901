"""Accounts: register, log in, log out, and resolving a bearer token to its user."""
from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
import unicodedata
from datetime import datetime, timedelta

from ..domain.users import BOT_ROLE, STAFF_ROLES, Session, User
from ..errors import Conflict, Forbidden, InvalidPayload, RateLimited, Unauthorized
from ..policy.credentials import password_problem
from ..policy.names import reserved_name
from ..realtime.sessions import LOGGED_OUT, PASSWORD_CHANGED, ROLE_CHANGED, LiveSession
from ..services import Services
from ..shared.counters import backoff_wait
from ..storage.base import DuplicateError
from ..validate import text_problem
from .moderation.screen import screen_text

USERNAME_RE = re.compile(r"[A-Za-z0-9_\u4e00-\u9fff]{2,32}")
MAY_USE_RESERVED = (*STAFF_ROLES, "moderator", BOT_ROLE)  # who may be called 管理员, 客服, admin or the shop's name
WEAK_REASONS = {"common": "is one of the most common passwords", "username": "contains the username",
                "repetitive": "is too repetitive (one character, a short repeated part, or a run like 12345678)"}
AVATAR_COLORS = ("#e57373", "#f06292", "#ba68c8", "#7986cb", "#4fc3f7", "#4db6ac", "#81c784", "#ffb74d",
                 "#a1887f", "#90a4ae")


def avatar_color_for(username: str) -> str:
    return AVATAR_COLORS[int(hashlib.sha256(username.lower().encode()).hexdigest(), 16) % len(AVATAR_COLORS)]


def token_hash(svc: Services, token: str) -> str:
    """Tokens are stored as a keyed hash: a leaked database does not yield usable tokens."""
    return hmac.new(svc.secret.encode(), token.encode(), hashlib.sha256).hexdigest()


def check_username_shape(username) -> None:
    if not isinstance(username, str) or not USERNAME_RE.fullmatch(username):
        raise InvalidPayload("username must be 2-32 letters, digits, underscores or Chinese characters",
                             code="invalid_username", field="username")


def check_password_shape(password, field: str = "password") -> None:
    if not isinstance(password, str) or not 8 <= len(password) <= 128:
        raise InvalidPayload("password must be 8-128 characters", code="invalid_password", field=field)
    if text_problem(password) or any(unicodedata.category(ch) == "Cc" for ch in password):
        raise InvalidPayload("password can't hold control characters or invalid Unicode", code="invalid_password",
                             field=field)


def check_password_policy(username: str, password: str, field: str = "password") -> None:
    """NIST SP 800-63B: no common passwords, none made of the username, none trivially repetitive.
    For every new password: registration, and a password change (its shape is checked here too)."""
    check_password_shape(password, field)
    problem = password_problem(username, password)
    if problem:
        raise InvalidPayload(f"this password is too easy to guess: it {WEAK_REASONS[problem]}",
                             code="weak_password", field=field, weakness=problem)


def check_name_allowed(svc: Services, name, *, role: str = "member", field: str = "display_name") -> None:
    """Members can't take the names staff use (管理员, 客服, 官方, admin, the shop's name, look-alikes)."""
    if role in MAY_USE_RESERVED or not isinstance(name, str):
        return
    word = reserved_name(name, svc.config.shop_name)
    if word:
        raise InvalidPayload(f"{field} looks like {word!r}, a name kept for the shop's staff", code="reserved_name",
                             field=field)


async def _check_rate(limiter, key, message: str) -> None:
    wait = await limiter.retry_after(key)
    if wait:
        raise RateLimited(message, retry_after=math.ceil(wait))


async def _check_backoff(svc: Services, key: str, message: str, *, free: int) -> None:
    """The login backoff of `key` (an account and address, or an account's password change): after `free`
    recent failures, each next try waits twice as long as the one before (counters.backoff_wait)."""
    cfg = svc.config
    failures, newest = await svc.login_by_pair.recent(key)
    wait = backoff_wait(failures, newest, svc.clock.now().timestamp(), free=free, base=cfg.login_backoff_seconds,
                        cap=cfg.login_backoff_max_seconds)
    if wait:
        raise RateLimited(message, retry_after=math.ceil(wait))


async def _issue_token(svc: Services, user: User) -> tuple[str, Session]:
    token = secrets.token_urlsafe(32)
    now = svc.clock.now()
    session = await svc.storage.sessions.create(token_hash=token_hash(svc, token), user_id=user.id, created_at=now,
                                                expires_at=now + timedelta(days=svc.config.token_ttl_days))
    return token, session


async def do_register(svc: Services, *, username: str, password: str, display_name: str | None = None,
                      role: str = "member", created_at: datetime | None = None) -> tuple[str, User]:
    password_hash = await svc.passwords.hash(password)
    try:
        user = await svc.storage.users.create(username=username, password_hash=password_hash,
                                              display_name=display_name or username,
                                              avatar_color=avatar_color_for(username),
                                              created_at=created_at or svc.clock.now(), role=role)
    except DuplicateError:
        raise Conflict("this username is taken", code="username_taken") from None
    return (await _issue_token(svc, user))[0], user


async def check_register(svc: Services, *, username, password, display_name=None,
                         address: str = "") -> tuple[str, User]:
    """A member's own sign-up: its shape, a password that is not easily guessed, no staff name, and at
    most config.register_per_address an hour from one address and config.register_per_hour overall
    (counted in the shared layer, so across processes). Accounts made, not attempts, are counted."""
    check_username_shape(username)
    check_password_policy(username, password)  # its shape, then how easily it is guessed
    check_name_allowed(svc, username, field="username")
    check_name_allowed(svc, display_name)
    display_name = await screen_text(svc, None, display_name, field="display_name")  # as a profile's
    await _check_rate(svc.register_overall, "all", "too many new accounts right now; try again later")
    await _check_rate(svc.register_by_address, address, "too many new accounts from this address; try again later")
    if await svc.storage.users.get_by_username(username=username):
        raise Conflict("this username is taken", code="username_taken")
    made = await do_register(svc, username=username, password=password, display_name=display_name)
    await svc.register_overall.hit("all")
    await svc.register_by_address.hit(address)
    return made


async def check_login(svc: Services, *, username, password, address: str) -> tuple[str, User]:
    """Throttled without a lock anyone else can set (docs/api.md, "Logging in"):
    - failures count per account and address together: config.login_free_failures of them are free, then
      each waits twice as long as the one before (login_backoff_seconds ... login_backoff_max_seconds);
      a success clears them. A stranger failing for her account from elsewhere leaves her pair untouched.
    - an account failed more than config.login_account_ceiling times (from everywhere, in the window) is
      under a spread-out attack: each address then gets one free failure before its backoff starts. That
      slows guessing from many addresses; the owner's first right password still goes through.
    - an address that failed config.login_max_per_address times (over all accounts) waits until its old
      failures leave the window: one place trying many accounts.
    An address the account logged in from during the last config.login_known_days ("known") is exempt from the last two
    (a guesser behind the same NAT does not hold the owner there); its own backoff still applies."""
    if not isinstance(username, str) or not isinstance(password, str) or len(username) > 64 or len(password) > 128:
        raise InvalidPayload("username and password are required strings")
    if text_problem(username):
        raise InvalidPayload("username is not valid text", code="invalid_username", field="username")
    if text_problem(password):
        raise InvalidPayload("password is not valid text", code="invalid_password", field="password")
    account_key = username.lower()
    pair = f"{account_key}|{address}"
    known = (await svc.login_known.recent(pair))[0] > 0
    if not known:
        await _check_rate(svc.login_by_address, address, "too many login attempts from this address; try again later")
    under_attack = not known and await svc.login_by_account.retry_after(account_key) > 0
    await _check_backoff(svc, pair, "too many login attempts; try again later",
                         free=1 if under_attack else svc.config.login_free_failures)
    user = await svc.storage.users.get_by_username(username=username)
    ok = await svc.passwords.verify(user.password_hash if user else None, password)
    if not ok or user is None:
        await svc.login_by_pair.hit(pair)
        await svc.login_by_account.hit(account_key)
        await svc.login_by_address.hit(address)
        raise Unauthorized("wrong username or password", code="bad_credentials")
    await svc.login_by_pair.reset(pair)
    if not known:
        await svc.login_known.hit(pair)
    return (await _issue_token(svc, user))[0], user


async def do_logout(svc: Services, *, token: str) -> None:
    """Ends this token's session: REST answers 401 to it from now on, and its open connections close."""
    hashed = token_hash(svc, token)
    session = await svc.storage.sessions.get_valid(token_hash=hashed, now=svc.clock.now())
    await svc.storage.sessions.revoke(token_hash=hashed)
    if session is not None:
        await svc.live.end(session.user_id, LOGGED_OUT, token_hash=hashed)


async def check_logout_everywhere(svc: Services, user: User) -> None:
    """Ends every session of the user (a lost phone): every token, every open connection, every process."""
    await svc.storage.sessions.revoke_all(user_id=user.id)
    await svc.live.end(user.id, LOGGED_OUT)


async def check_change_password(svc: Services, user: User, *, token: str, current_password, new_password) -> str:
    """A new password ends every session (whoever knew the old one is out) and opens a new one for the caller,
    whose open connections (those of `token`) carry on under it."""
    if not isinstance(current_password, str) or len(current_password) > 128:
        raise InvalidPayload("current_password is required", field="current_password")
    check_password_policy(user.username, new_password, field="new_password")
    attempts = f"{user.username.lower()}|password-change"  # a stolen token guessing the password
    await _check_backoff(svc, attempts, "too many wrong passwords; try again later",
                         free=svc.config.login_free_failures)
    stored = await svc.storage.users.get(user_id=user.id)
    if stored is None or not await svc.passwords.verify(stored.password_hash, current_password):
        await svc.login_by_pair.hit(attempts)
        raise Forbidden("the current password is wrong", code="wrong_password", field="current_password")
    await svc.login_by_pair.reset(attempts)
    if new_password == current_password:
        raise InvalidPayload("the new password is the old one", code="invalid_password", field="new_password")
    await svc.storage.users.set_password_hash(user_id=user.id, password_hash=await svc.passwords.hash(new_password))
    await svc.storage.sessions.revoke_all(user_id=user.id)
    fresh, session = await _issue_token(svc, stored)
    await svc.live.end(user.id, PASSWORD_CHANGED, successor=session, replaced=token_hash(svc, token))
    return fresh


async def access_session_by_token(svc: Services, token: str | None) -> tuple[Session, User] | None:
    if not isinstance(token, str) or not token or len(token) > 200 or text_problem(token):
        return None  # a header's undecodable bytes arrive as lone surrogates: no hash of those
    session = await svc.storage.sessions.get_valid(token_hash=token_hash(svc, token), now=svc.clock.now())
    if session is None:
        return None
    user = await svc.storage.users.get(user_id=session.user_id)
    return None if user is None else (session, user)


async def access_user_by_token(svc: Services, token: str | None) -> User | None:
    found = await access_session_by_token(svc, token)
    return None if found is None else found[1]


async def why_session_ended(svc: Services, live: LiveSession) -> str | None:
    """For a live connection whose session may have ended while this process wasn't told (Redis was away)."""
    if await svc.storage.sessions.get_valid(token_hash=live.token_hash, now=svc.clock.now()) is None:
        return LOGGED_OUT
    user = await svc.storage.users.get(user_id=live.user.id)
    if user is None:
        return LOGGED_OUT
    return ROLE_CHANGED if user.role != live.user.role else None
