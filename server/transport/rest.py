"""REST endpoints under /api/: thin: parse, call one action, shape the answer."""
from __future__ import annotations

import ipaddress

from aiohttp import web

from .. import wire
from ..actions import auth, groups, inbox, messages, notify, private, search, threads, users
from ..errors import InvalidPayload, NotFound
from ..policy.access import access_group, access_group_as_member, access_thread
from ..validate import MAX_NAME, check_id, query_int, query_text
from . import payloads as P
from . import responses as R
from .keys import SERVICES
from .rest_base import api, bearer

PAGE_MAX = 100


def _address(request: web.Request) -> str:
    """The client's address. Behind a front (nginx with several processes) request.remote is the
    front's own: the address it forwards counts instead, but only from a front named in
    CHAT_TRUSTED_PROXIES (addresses or networks), since anyone else can write that header."""
    remote = request.remote or "unknown"
    trusted = request.app[SERVICES].config.trusted_networks
    if not _in(remote, trusted):
        return remote
    for hop in reversed([h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",") if h.strip()]):
        if not _in(hop, trusted):
            return hop
    return remote


def _in(address: str, networks) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in n for n in networks)


# -- health and accounts -------------------------------------------------------

@api("GET", "/api/health", "Liveness, the storage backend, the assistant, and Redis when processes share it",
     auth=False, response=R.Health)
async def health(request, svc, user, body):
    found = {"status": "ok", "storage": svc.storage.backend, "bot": svc.bot.state, "redis": "off"}
    if svc.hub is not None:  # which process answered, and whether it hears the others
        found.update(redis="up" if await svc.hub.ping() and svc.hub.connected else "down", process=svc.hub.node_id)
    return found


@api("POST", "/api/auth/register", "Create an account; returns a token", auth=False, body=P.Register,
     response=R.TokenOut)
async def register(request, svc, user, body):
    token, user = await auth.check_register(svc, username=body.username, password=body.password,
                                            display_name=body.display_name, address=_address(request))
    return {"token": token, "user": wire.user(user)}


@api("POST", "/api/auth/login", "Log in; returns a token", auth=False, body=P.Login, response=R.TokenOut)
async def login(request, svc, user, body):
    token, user = await auth.check_login(svc, username=body.username, password=body.password,
                                         address=_address(request))
    return {"token": token, "user": wire.user(user)}


@api("POST", "/api/auth/logout", "Revoke the token used for this request", response=R.Ok)
async def logout(request, svc, user, body):
    await auth.do_logout(svc, token=bearer(request))
    return {"ok": True}


@api("POST", "/api/auth/logout-all", "Log out everywhere: revoke every token of this account and close its "
     "open connections (this one's too)", response=R.Ok)
async def logout_everywhere(request, svc, user, body):
    await auth.check_logout_everywhere(svc, user)
    return {"ok": True}


@api("POST", "/api/auth/password", "Change the password: every token of the account is revoked and its open "
     "connections close; returns a new token for this device", body=P.ChangePassword, response=R.TokenOut)
async def change_password(request, svc, user, body):
    token = await auth.check_change_password(svc, user, token=bearer(request),
                                             current_password=body.current_password, new_password=body.new_password)
    return {"token": token, "user": wire.user(user)}


@api("GET", "/api/me", "The logged-in user", response=R.UserOut)
async def me(request, svc, user, body):
    return {"user": wire.user(user)}


@api("PATCH", "/api/me", "Update display name, bio, avatar colour or avatar picture", body=P.UpdateProfile,
     response=R.UserOut)
async def update_me(request, svc, user, body):
    updated = await users.check_update_profile(svc, user, display_name=body.display_name, bio=body.bio,
                                               avatar_color=body.avatar_color, avatar_upload_id=body.avatar_upload_id)
    return {"user": wire.user(updated)}


USERS_AT_ONCE = 100


@api("GET", "/api/users", "Several users' public profiles at once: ?ids=a,b", response=R.UsersOut)
async def get_users(request, svc, user, body):
    ids = [check_id(i, "ids") for i in request.query.get("ids", "").split(",") if i]
    if len(ids) > USERS_AT_ONCE:
        raise InvalidPayload(f"at most {USERS_AT_ONCE} ids at once", field="ids")
    found = await svc.storage.users.get_many(user_ids=ids)
    return {"users": [wire.user(u) for u in found.values()]}


@api("GET", "/api/users/{user_id}", "A user's public profile", response=R.ProfileOut)
async def get_user(request, svc, user, body):
    found = await svc.storage.users.get(user_id=request.match_info["user_id"])
    if found is None:
        raise NotFound("no such user")
    return {"user": wire.user(found), "presence": await svc.presence.status(found.id)}


@api("PUT", "/api/users/{user_id}/role", "Set a platform role (platform admins)", body=P.SetPlatformRole,
     response=R.UserOut)
async def set_role(request, svc, user, body):
    updated = await users.check_set_platform_role(svc, user, user_id=request.match_info["user_id"], role=body.role)
    return {"user": wire.user(updated)}


@api("POST", "/api/users/{user_id}/block", "Block a user: they can no longer write to you", response=R.Ok)
async def block_user(request, svc, user, body):
    await private.check_block(svc, user, other_id=request.match_info["user_id"], block=True)
    return {"ok": True}


@api("DELETE", "/api/users/{user_id}/block", "Unblock a user", response=R.Ok)
async def unblock_user(request, svc, user, body):
    await private.check_block(svc, user, other_id=request.match_info["user_id"], block=False)
    return {"ok": True}


@api("GET", "/api/blocks", "Users I have blocked", response=R.BlocksOut)
async def list_blocks(request, svc, user, body):
    return {"user_ids": await svc.storage.blocks.list_blocked(blocker_id=user.id)}


@api("GET", "/api/presence", "Presence of users: ?user_ids=a,b", response=R.PresenceOut)
async def presence(request, svc, user, body):
    ids = [i for i in request.query.get("user_ids", "").split(",") if i][:200]
    return {"presence": await svc.presence.statuses([check_id(i, "user_ids") for i in ids])}


# -- groups ----------------------------------------------------------------------

@api("GET", "/api/groups", "Discover public and invite-only groups: ?q=&limit=&offset=", response=R.GroupsOut)
async def discover(request, svc, user, body):
    q = query_text(request.query, "q")[:MAX_NAME]
    found = await svc.storage.groups.discover(query=q.strip(),
                                              limit=query_int(request.query, "limit", default=20, min_value=1,
                                                              max_value=PAGE_MAX),
                                              offset=query_int(request.query, "offset", default=0, min_value=0))
    return {"groups": [wire.group(g) for g in found]}


@api("POST", "/api/groups", "Create a group; you become its owner", body=P.CreateGroup, response=R.GroupOut)
async def create_group(request, svc, user, body):
    group = await groups.check_create_group(svc, user, name=body.name, description=body.description,
                                            visibility=body.visibility)
    return {"group": wire.group(group, my_role="owner")}


@api("GET", "/api/me/groups", "My groups with unread counts", response=R.MyGroupsOut)
async def my_groups(request, svc, user, body):
    return {"groups": await inbox.access_my_groups(svc, user)}


@api("GET", "/api/groups/{group_id}", "A group (private ones only for members)", response=R.GroupDetailOut)
async def get_group(request, svc, user, body):
    group, membership = await access_group(svc, user, request.match_info["group_id"])
    body = {"group": wire.group(group, my_role=membership.role if membership else None)}
    if membership is not None:
        body["pins"] = await groups.list_pins(svc, group.id)
    return body


@api("PATCH", "/api/groups/{group_id}", "Edit name, description, visibility or announcement (group admins)",
     body=P.UpdateGroup, response=R.GroupOut)
async def update_group(request, svc, user, body):
    group = await groups.check_update_group(
        svc, user, group_id=request.match_info["group_id"], name=body.name, description=body.description,
        visibility=body.visibility, announcement=body.announcement)
    return {"group": wire.group(group)}


@api("POST", "/api/groups/{group_id}/join", "Join a public group", response=R.MemberOut)
async def join_group(request, svc, user, body):
    membership = await groups.check_join_group(svc, user, group_id=request.match_info["group_id"])
    return {"member": wire.member(membership)}


@api("POST", "/api/groups/{group_id}/leave", "Leave a group", response=R.Ok)
async def leave_group(request, svc, user, body):
    await groups.check_leave_group(svc, user, group_id=request.match_info["group_id"])
    return {"ok": True}


@api("GET", "/api/groups/{group_id}/members", "Members with their roles (members only); ?q= finds them by name",
     response=R.MembersOut)
async def list_members(request, svc, user, body):
    group, _ = await access_group_as_member(svc, user, request.match_info["group_id"])
    limit = query_int(request.query, "limit", default=50, min_value=1, max_value=PAGE_MAX)
    query = query_text(request.query, "q").strip()
    if len(query) > MAX_NAME:
        raise InvalidPayload(f"q is at most {MAX_NAME} characters", code="too_long", field="q")
    if query:
        members = await svc.storage.groups.find_members(group_id=group.id, query=query, limit=limit)
    else:
        members = await svc.storage.groups.list_members(
            group_id=group.id, limit=limit, offset=query_int(request.query, "offset", default=0, min_value=0))
    people = await svc.storage.users.get_many(user_ids=[m.user_id for m in members])
    online = await svc.presence.statuses([m.user_id for m in members])
    return {"members": [{**wire.member(m, people.get(m.user_id)), "presence": online[m.user_id]}
                        for m in members]}


@api("PUT", "/api/groups/{group_id}/members/{user_id}/role", "Change a member's role (group admins)",
     body=P.SetMemberRole, response=R.MemberOut)
async def set_member_role(request, svc, user, body):
    membership = await groups.check_set_member_role(svc, user, group_id=request.match_info["group_id"],
                                                    member_id=request.match_info["user_id"], role=body.role)
    return {"member": wire.member(membership)}


@api("POST", "/api/groups/{group_id}/invites", "Create an invite link", body=P.CreateInvite, response=R.InviteOut)
async def create_invite(request, svc, user, body):
    invite = await groups.check_create_invite(svc, user, group_id=request.match_info["group_id"],
                                              expires_in_hours=body.expires_in_hours, max_uses=body.max_uses)
    return {"invite": wire.invite(invite)}


@api("POST", "/api/invites/{code}/accept", "Join the group of an invite link", response=R.GroupOut)
async def accept_invite(request, svc, user, body):
    code = request.match_info["code"]
    if len(code) > 64:
        raise NotFound("this invite link is unknown, expired or used up")
    group, membership = await groups.check_accept_invite(svc, user, code=code)
    return {"group": wire.group(group, my_role=membership.role)}


@api("POST", "/api/groups/{group_id}/pins", "Pin a message (group admins)", body=P.Pin, response=R.PinsOut)
async def pin_message(request, svc, user, body):
    pins = await groups.check_pin(svc, user, group_id=request.match_info["group_id"], message_id=body.message_id,
                                  pin=True)
    return {"pins": pins}


@api("DELETE", "/api/groups/{group_id}/pins/{message_id}", "Unpin a message (group admins)", response=R.PinsOut)
async def unpin_message(request, svc, user, body):
    pins = await groups.check_pin(svc, user, group_id=request.match_info["group_id"],
                                  message_id=request.match_info["message_id"], pin=False)
    return {"pins": pins}


# -- threads -------------------------------------------------------------------------

@api("GET", "/api/groups/{group_id}/threads", "Threads of a group: ?sort=latest|liked&limit=&offset=",
     response=R.ThreadsOut)
async def list_threads(request, svc, user, body):
    group, _ = await access_group_as_member(svc, user, request.match_info["group_id"])
    sort = request.query.get("sort", "latest")
    if sort not in ("latest", "liked"):
        sort = "latest"
    found = await svc.storage.conversations.list_threads(
        group_id=group.id, order=sort,
        limit=query_int(request.query, "limit", default=20, min_value=1, max_value=PAGE_MAX),
        offset=query_int(request.query, "offset", default=0, min_value=0))
    liked = await svc.storage.likes.liked(user_id=user.id, target_ids=[t.id for t in found])
    views = await threads.thread_views(svc, found)
    return {"threads": [{**view, "liked": t.id in liked} for t, view in zip(found, views)]}


@api("POST", "/api/groups/{group_id}/threads", "Start a thread with a title and a first post; tag showcase (晒单, "
     "with product_id) or recommend (种草) makes it about one product", body=P.CreateThread,
     response=R.ThreadCreatedOut)
async def create_thread(request, svc, user, body):
    thread, first = await threads.check_create_thread(svc, user, group_id=request.match_info["group_id"],
                                                      title=body.title, draft=body.draft(), tag=body.tag,
                                                      product_id=body.product_id)
    return {"thread": await threads.thread_view(svc, thread), "message": wire.message(first, viewer=user.id)}


SHOWCASE_PAGE_MAX = 30  # three pictures a tile: one request signs them all (at most 100)


@api("GET", "/api/groups/{group_id}/showcase", "The group's 晒单 gallery (members only): showcase threads newest "
     "first with their product, 已购 and first pictures: ?limit=&offset=", response=R.ShowcaseOut)
async def showcase(request, svc, user, body):
    return await threads.access_showcase(
        svc, user, group_id=request.match_info["group_id"],
        limit=query_int(request.query, "limit", default=12, min_value=1, max_value=SHOWCASE_PAGE_MAX),
        offset=query_int(request.query, "offset", default=0, min_value=0))


@api("GET", "/api/threads/{thread_id}", "A thread with whether I like and follow it", response=R.ThreadDetailOut)
async def get_thread(request, svc, user, body):
    acc = await access_thread(svc, user, request.match_info["thread_id"])
    t = acc.conversation
    return {"thread": {**await threads.thread_view(svc, t),
                       "liked": bool(await svc.storage.likes.liked(user_id=user.id, target_ids=[t.id])),
                       "following": await svc.storage.follows.is_following(conversation_id=t.id, user_id=user.id)}}


@api("PATCH", "/api/threads/{thread_id}", "Pin or close a thread (group admins)", body=P.UpdateThread,
     response=R.ThreadOut)
async def update_thread(request, svc, user, body):
    thread = await threads.check_update_thread(svc, user, thread_id=request.match_info["thread_id"],
                                               pinned=body.pinned, closed=body.closed)
    return {"thread": await threads.thread_view(svc, thread)}


def _toggle(path: str, summary: str, action, key: str, flag: str, value: bool, result: str | None):
    """POST turns a per-user flag (like, follow) on, DELETE turns it off."""
    async def handler(request, svc, user, body):
        out = await action(svc, user, **{key: request.match_info[key], flag: value})
        return {result: out} if result else {"ok": True}
    handler.__name__ = f"{action.__name__}_{value}"
    api("POST" if value else "DELETE", path, summary, response=R.LikeCountOut if result else R.Ok)(handler)


_toggle("/api/threads/{thread_id}/like", "Like a thread (点赞)", threads.check_like_thread, "thread_id", "like",
        True, "like_count")
_toggle("/api/threads/{thread_id}/like", "Take back a like", threads.check_like_thread, "thread_id", "like",
        False, "like_count")
_toggle("/api/threads/{thread_id}/follow", "Follow a thread: be notified of replies",
        threads.check_follow_thread, "thread_id", "follow", True, None)
_toggle("/api/threads/{thread_id}/follow", "Stop following a thread", threads.check_follow_thread, "thread_id",
        "follow", False, None)
_toggle("/api/messages/{message_id}/like", "Like a message or reply", messages.check_like_message, "message_id",
        "like", True, "like_count")
_toggle("/api/messages/{message_id}/like", "Take back a like", messages.check_like_message, "message_id", "like",
        False, "like_count")


# -- conversations and messages ----------------------------------------------------------

@api("GET", "/api/conversations", "My private conversations by latest activity, with unread counts",
     response=R.ConversationsOut)
async def list_conversations(request, svc, user, body):
    return {"conversations": await inbox.access_private_list(svc, user)}


@api("POST", "/api/conversations/private", "Start (or reopen) a private conversation with a user",
     body=P.StartPrivate, response=R.ConversationOut)
async def start_private(request, svc, user, body):
    conv = await private.check_start_private(svc, user, other_id=body.user_id)
    return {"conversation": wire.conversation(conv)}


@api("GET", "/api/conversations/{conversation_id}/messages",
     "History by seq: ?before=&after=&limit= (at most 100)", response=R.MessagesOut)
async def history(request, svc, user, body):
    q = request.query
    found = await messages.access_history(
        svc, user, conversation_id=request.match_info["conversation_id"],
        before=query_int(q, "before", min_value=0), after=query_int(q, "after", min_value=0),
        limit=query_int(q, "limit", default=50, min_value=1, max_value=PAGE_MAX))
    return {"messages": found}


@api("POST", "/api/conversations/{conversation_id}/messages", "Send a message (same pipeline as Socket.IO)",
     body=P.SendMessage, response=R.SentOut)
async def send(request, svc, user, body):
    message, created = await messages.check_send_message(svc, user, request.match_info["conversation_id"],
                                                         body.draft())
    return {"message": wire.message(message, viewer=user.id), "duplicate": not created}


@api("POST", "/api/conversations/{conversation_id}/read", "Move my read marker to seq", body=P.MarkRead,
     response=R.ReadOut)
async def mark_read(request, svc, user, body):
    return await messages.check_mark_read(svc, user, conversation_id=request.match_info["conversation_id"],
                                          seq=body.seq)


@api("PATCH", "/api/messages/{message_id}", "Edit my message", body=P.EditMessage, response=R.MessageOut)
async def edit_message(request, svc, user, body):
    message = await messages.check_edit_message(svc, user, message_id=request.match_info["message_id"],
                                                text=body.text)
    return {"message": wire.message(message)}


@api("DELETE", "/api/messages/{message_id}", "Delete a message (author or group moderators); leaves a tombstone",
     response=R.MessageOut)
async def delete_message(request, svc, user, body):
    message = await messages.check_delete_message(svc, user, message_id=request.match_info["message_id"])
    return {"message": wire.message(message)}


@api("GET", "/api/search", "Search messages and threads I may read: ?q=", response=R.SearchOut)
async def search_view(request, svc, user, body):
    q = query_text(request.query, "q").strip()[:200]
    return await search.access_search(svc, user, query=q,
                                      limit=query_int(request.query, "limit", default=20, min_value=1, max_value=50))


@api("GET", "/api/notifications", "My notifications: ?unread=1", response=R.NotificationsOut)
async def list_notifications(request, svc, user, body):
    notes = await svc.storage.notifications.list(user_id=user.id, unread_only=request.query.get("unread") == "1",
                                                 limit=query_int(request.query, "limit", default=50, min_value=1,
                                                                 max_value=PAGE_MAX))
    return {"notifications": await notify.with_messages(svc, user, notes),
            "unread": await svc.storage.notifications.unread_count(user_id=user.id)}


@api("POST", "/api/notifications/read", "Mark notifications read: {ids} or all", body=P.ReadNotifications,
     response=R.MarkedOut)
async def read_notifications(request, svc, user, body):
    ids = list(body.ids) if body.ids is not None else None
    return {"marked": await svc.storage.notifications.mark_read(user_id=user.id, ids=ids)}
