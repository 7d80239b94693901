"""Socket.IO event names, shared with the web client and docs/api.md."""

# client -> server (each answers with an ack)
MESSAGE_SEND = "message:send"
MESSAGE_EDIT = "message:edit"
MESSAGE_DELETE = "message:delete"
REACTION_ADD = "reaction:add"
REACTION_REMOVE = "reaction:remove"
HISTORY = "history"
READ = "read"
TYPING = "typing"
SYNC = "sync"
PRESENCE_SET = "presence:set"
PRESENCE_SUBSCRIBE = "presence:subscribe"

CLIENT_EVENTS = (MESSAGE_SEND, MESSAGE_EDIT, MESSAGE_DELETE, REACTION_ADD, REACTION_REMOVE, HISTORY, READ,
                 TYPING, SYNC, PRESENCE_SET, PRESENCE_SUBSCRIBE)

# server -> client
MESSAGE_NEW = "message:new"
MESSAGE_UPDATED = "message:updated"
USER_UPDATED = "user:updated"  # a user's name, bio or avatar changed: to their groups, their chats and themselves
MESSAGE_REFUSED = "message:refused"  # a picture message its checks refused after it was held: to its author
READ_UPDATED = "read:updated"
TYPING_UPDATED = "typing"
PRESENCE = "presence"
NOTIFICATION = "notification"
GROUP_UPDATED = "group:updated"
MEMBER_JOINED = "member:joined"
MEMBER_LEFT = "member:left"
PINS_UPDATED = "pins:updated"
THREAD_NEW = "thread:new"
THREAD_UPDATED = "thread:updated"
CONVERSATION_NEW = "conversation:new"
SUPPORT_UPDATED = "support:updated"  # a support case changed: to its customer, its agent and the desk
MODERATION_CASE = "moderation:case"  # a report case opened or changed: to the moderators of its scope
MODERATION_NOTICE = "moderation:notice"  # a sanction or an appeal's decision: to the user concerned
SESSION_ENDED = "session:ended"  # {reason}: sent just before the server closes a connection whose session ended
ERROR = "error"


def user_room(user_id: str) -> str:
    return f"u:{user_id}"


def group_room(group_id: str) -> str:
    return f"g:{group_id}"


def presence_room(user_id: str) -> str:
    return f"p:{user_id}"


def desk_room() -> str:
    """Every connected support agent and admin."""
    return "desk"


def mods_room(scope: str) -> str:
    """The moderators of one group, or (scope "platform") the platform's moderators."""
    return f"mods:{scope}"
