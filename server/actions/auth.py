"""Accounts: register, log in, log out, and resolving a bearer token to its user."""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

from ..domain.users import Session, User
from ..errors import Conflict, Forbidden, InvalidPayload, RateLimited, Unauthorized
from ..realtime.sessions import LOGGED_OUT, PASSWORD_CHANGED, ROLE_CHANGED, LiveSession
from ..services import Services
from ..storage.base import DuplicateError
from .moderation.screen import screen_text

USERNAME_RE = re.compile(r"^[A-Za-z0-9_\u4e00-\u9fff]{2,32}$")
AVATAR_COLORS = ("#e57373", "#f06292", "#ba68c8", "#7986cb", "#4fc3f7", "#4db6ac", "#81c784", "#ffb74d",
                 "#a1887f", "#90a4ae")


def avatar_color_for(username: str) -> str:
    return AVATAR_COLORS[int(hashlib.sha256(username.lower().encode()).hexdigest(), 16) % len(AVATAR_COLORS)]


def token_hash(svc: Services, token: str) -> str:
    """Tokens are stored as a keyed hash: a leaked database does not yield usable tokens."""
    return hmac.new(svc.secret.encode(), token.encode(), hashlib.sha256).hexdigest()


def check_credentials_shape(username, password) -> None:
    if not isinstance(username, str) or not USERNAME_RE.match(username):
        raise InvalidPayload("username must be 2-32 letters, digits, underscores or Chinese characters",
                             code="invalid_username", field="username")
    if not isinstance(password, str) or not 8 <= len(password) <= 128:
        raise InvalidPayload("password must be 8-128 characters", code="invalid_password", field="password")


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


async def check_register(svc: Services, *, username, password, display_name=None) -> tuple[str, User]:
    check_credentials_shape(username, password)
    display_name = await screen_text(svc, None, display_name, field="display_name")  # as a profile's
    if await svc.storage.users.get_by_username(username=username):
        raise Conflict("this username is taken", code="username_taken")
    return await do_register(svc, username=username, password=password, display_name=display_name)


async def check_login(svc: Services, *, username, password, address: str) -> tuple[str, User]:
    if not isinstance(username, str) or not isinstance(password, str) or len(username) > 64 or len(password) > 128:
        raise InvalidPayload("username and password are required strings")
    account_key = username.lower()
    for limiter, key in ((svc.login_by_account, account_key), (svc.login_by_address, address)):
        wait = await limiter.retry_after(key)
        if wait:
            raise RateLimited("too many login attempts; try again later", retry_after=int(wait) + 1)
    user = await svc.storage.users.get_by_username(username=username)
    ok = await svc.passwords.verify(user.password_hash if user else None, password)
    if not ok or user is None:
        await svc.login_by_account.hit(account_key)
        await svc.login_by_address.hit(address)
        raise Unauthorized("wrong username or password", code="bad_credentials")
    await svc.login_by_account.reset(account_key)
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
    if not isinstance(new_password, str) or not 8 <= len(new_password) <= 128:
        raise InvalidPayload("password must be 8-128 characters", code="invalid_password", field="new_password")
    stored = await svc.storage.users.get(user_id=user.id)
    if stored is None or not await svc.passwords.verify(stored.password_hash, current_password):
        raise Forbidden("the current password is wrong", code="wrong_password", field="current_password")
    if new_password == current_password:
        raise InvalidPayload("the new password is the old one", code="invalid_password", field="new_password")
    await svc.storage.users.set_password_hash(user_id=user.id, password_hash=await svc.passwords.hash(new_password))
    await svc.storage.sessions.revoke_all(user_id=user.id)
    fresh, session = await _issue_token(svc, stored)
    await svc.live.end(user.id, PASSWORD_CHANGED, successor=session, replaced=token_hash(svc, token))
    return fresh


async def access_session_by_token(svc: Services, token: str | None) -> tuple[Session, User] | None:
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
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
