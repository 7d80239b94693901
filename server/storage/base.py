"""The storage interface: one store per entity, intent-named async methods that
take keyword arguments and return plain dataclasses. Two backends implement it
(`sqlite` and `mongo`); nothing outside this package imports a database driver."""
from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from ..domain.groups import Group, Invite, Membership, Pin
from ..domain.messages import Conversation, Message, Notification, SearchHit
from ..domain.users import Session, User

if TYPE_CHECKING:  # shop.py and moderation.py import this module
    from .moderation import AppealStore, AuditStore, CaseStore, ReporterStore, RulesStore, SanctionStore
    from .desk import CaseNoteStore, CustomerProfileStore, SupportSessionStore
    from .shop import AfterSaleStore, OrderStore, ProductStore, SettingStore, SupportStore, TicketStore
    from .blobs import BlobStore
    from .media import PictureStore, UploadStore


class DuplicateError(Exception):
    """A unique key (username, membership, like, ...) already exists."""


ID_RANDOM_BITS = 80
_id_lock = threading.Lock()
_last = [0, 0]  # the last id's milliseconds and random part, in this process


def new_id() -> str:
    """32 hex characters: 12 of epoch milliseconds, then 20 (80 bits) from the OS's random source.

    Sortable by time (code sorts by id); nobody can guess one from ids they hold. Within one
    millisecond a process adds 1 + 64 random bits to the last random part, so its own ids stay in
    order and two neighbours are still 2**64 apart on average; an overflow moves to the next millisecond."""
    with _id_lock:
        ms = max(int(time.time() * 1000), _last[0])
        if ms == _last[0]:
            rand = _last[1] + 1 + secrets.randbits(64)
            if rand >> ID_RANDOM_BITS:
                ms, rand = ms + 1, secrets.randbits(ID_RANDOM_BITS - 1)
        else:
            rand = secrets.randbits(ID_RANDOM_BITS)
        _last[0], _last[1] = ms, rand
    return f"{ms:012x}{rand:020x}"


def is_legacy_id(value: str) -> bool:
    """The 24-hex ids before issue 12: milliseconds, a per-process constant and a counter (guessable)."""
    return len(value) == 24


@dataclass(slots=True)
class NewMessage:
    conversation_id: str
    author_id: str
    type: str
    text: str
    created_at: datetime
    client_msg_id: str | None = None
    card: dict | None = None
    reply_to: str | None = None
    mentions: tuple[str, ...] = ()
    mention_all: bool = False
    tokens: tuple[str, ...] = ()
    extra: dict | None = None
    hidden: str | None = None  # "held": stored out of sight until a moderator approves it


class UserStore(Protocol):
    async def create(self, *, username: str, password_hash: str, display_name: str,
                     avatar_color: str, created_at: datetime, role: str = "member") -> User: ...
    async def get(self, *, user_id: str) -> User | None: ...
    async def get_by_username(self, *, username: str) -> User | None: ...
    async def get_many(self, *, user_ids: list[str]) -> dict[str, User]: ...
    async def update_profile(self, *, user_id: str, display_name: str | None = None,
                             bio: str | None = None, avatar_color: str | None = None,
                             avatar_upload: str | None = None) -> User | None:
        """None leaves a field as it is; avatar_upload "" removes the avatar picture."""
    async def set_role(self, *, user_id: str, role: str) -> None: ...
    async def set_password_hash(self, *, user_id: str, password_hash: str) -> None: ...
    async def list_by_roles(self, *, roles: tuple[str, ...], limit: int) -> list[User]:
        """Users holding one of these platform roles, by display name (the desk's list of agents)."""
    async def count(self) -> int: ...


class SessionStore(Protocol):
    async def create(self, *, token_hash: str, user_id: str, created_at: datetime,
                     expires_at: datetime) -> Session: ...
    async def get_valid(self, *, token_hash: str, now: datetime) -> Session | None: ...
    async def revoke(self, *, token_hash: str) -> None: ...
    async def revoke_all(self, *, user_id: str) -> None: ...


class GroupStore(Protocol):
    async def create(self, *, name: str, description: str, visibility: str, owner_id: str,
                     created_at: datetime) -> Group:
        """Creates the group, its main conversation and the owner's membership together."""
    async def get(self, *, group_id: str) -> Group | None: ...
    async def get_by_conversation(self, *, conversation_id: str) -> Group | None: ...
    async def discover(self, *, query: str, limit: int, offset: int) -> list[Group]:
        """Public and invite-only groups, by member count; `query` matches name or description."""
    async def update(self, *, group_id: str, name: str | None = None, description: str | None = None,
                     visibility: str | None = None, announcement: str | None = None,
                     announcement_at: datetime | None = None) -> Group | None: ...
    async def add_member(self, *, group_id: str, user_id: str, role: str, joined_at: datetime) -> Membership:
        """Raises DuplicateError when already a member."""
    async def remove_member(self, *, group_id: str, user_id: str) -> bool: ...
    async def get_member(self, *, group_id: str, user_id: str) -> Membership | None: ...
    async def set_member_role(self, *, group_id: str, user_id: str, role: str) -> bool: ...
    async def list_members(self, *, group_id: str, limit: int, offset: int) -> list[Membership]: ...
    async def find_members(self, *, group_id: str, query: str, limit: int) -> list[Membership]:
        """Members whose username starts with `query` or whose display name contains it (case-insensitive,
        literal text), by username: what @mention suggestions look up in a group of any size."""
    async def list_for_user(self, *, user_id: str) -> list[Group]: ...
    async def create_invite(self, *, group_id: str, code: str, created_by: str, created_at: datetime,
                            expires_at: datetime | None, max_uses: int | None) -> Invite: ...
    async def use_invite(self, *, code: str, now: datetime) -> Invite | None:
        """Counts one use of a valid invite; None when unknown, expired or used up."""
    async def pin(self, *, group_id: str, message_id: str, pinned_by: str, pinned_at: datetime) -> Pin: ...
    async def unpin(self, *, group_id: str, message_id: str) -> bool: ...
    async def list_pins(self, *, group_id: str) -> list[Pin]: ...


class ConversationStore(Protocol):
    async def get(self, *, conversation_id: str) -> Conversation | None: ...
    async def get_or_create_private(self, *, user_a: str, user_b: str, now: datetime) -> Conversation: ...
    async def list_private(self, *, user_id: str, limit: int) -> list[Conversation]: ...
    async def create_thread(self, *, group_id: str, title: str, author_id: str, now: datetime,
                            tokens: tuple[str, ...] = (), tag: str | None = None,
                            product_id: str | None = None) -> Conversation:
        """A topic; `tag` (THREAD_TAGS) and `product_id` make it a 晒单 or 种草 about one product."""
    async def delete_empty_thread(self, *, conversation_id: str) -> None:
        """Undoes create_thread when its first post could not be stored."""
    async def list_threads(self, *, group_id: str, order: str, limit: int, offset: int) -> list[Conversation]:
        """order: 'latest' (pinned first, then by last activity) or 'liked'."""
    async def list_tagged_threads(self, *, group_id: str, tag: str, limit: int,
                                  offset: int) -> list[Conversation]:
        """A group's threads with this tag, newest first (the 晒单 gallery)."""
    async def update_thread(self, *, conversation_id: str, pinned: bool | None = None,
                            closed: bool | None = None) -> Conversation | None: ...
    async def ids_readable_by(self, *, group_ids: list[str], user_id: str) -> list[str]:
        """Private and support conversations of the user (group conversations are found by group id)."""
    async def create_support(self, *, customer_id: str, now: datetime) -> Conversation:
        """A support conversation; its participants are the customer and, later, the agent."""
    async def set_participants(self, *, conversation_id: str, participants: tuple[str, ...]) -> None:
        """Who may write to a support conversation (the customer and the assigned agent)."""


class MessageStore(Protocol):
    async def append(self, new: NewMessage) -> tuple[Message, bool]:
        """Stores a message with the conversation's next seq (gap-free), bumps the
        conversation's activity and the author's read marker, and indexes its tokens,
        all committed before returning. When (conversation, author, client_msg_id) was
        stored before, returns that message and False instead."""
    async def get(self, *, message_id: str) -> Message | None: ...
    async def get_many(self, *, message_ids: list[str]) -> dict[str, Message]:
        """The ones that exist, by id, in one read."""
    async def history(self, *, conversation_id: str, before: int | None = None,
                      after: int | None = None, limit: int = 50) -> list[Message]:
        """Ascending by seq. `after`: the next ones; otherwise the latest ones before `before`."""
    async def edit(self, *, message_id: str, text: str, tokens: tuple[str, ...], edited_at: datetime) -> Message | None: ...
    async def delete(self, *, message_id: str, deleted_at: datetime) -> Message | None: ...
    async def set_hidden(self, *, message_id: str, hidden: str | None) -> Message | None:
        """Hides a message from members (kept for moderators and out of search) or shows it again."""
    async def add_reaction(self, *, message_id: str, emoji: str, user_id: str) -> Message | None: ...
    async def remove_reaction(self, *, message_id: str, emoji: str, user_id: str) -> Message | None: ...
    async def search(self, *, tokens: list[str], group_ids: list[str], conversation_ids: list[str],
                     limit: int) -> list[SearchHit]: ...
    async def search_threads(self, *, tokens: list[str], group_ids: list[str], limit: int) -> list[Conversation]: ...


class ReadMarkerStore(Protocol):
    async def mark_read(self, *, conversation_id: str, user_id: str, seq: int) -> int:
        """Moves the marker forward only; returns the marker now in force."""
    async def get_many(self, *, user_id: str, conversation_ids: list[str]) -> dict[str, int]: ...


class LikeStore(Protocol):
    async def like(self, *, target_kind: str, target_id: str, user_id: str) -> int:
        """Returns the new like count; idempotent per user."""
    async def unlike(self, *, target_kind: str, target_id: str, user_id: str) -> int: ...
    async def liked(self, *, user_id: str, target_ids: list[str]) -> set[str]: ...


class FollowStore(Protocol):
    async def follow(self, *, conversation_id: str, user_id: str) -> None: ...
    async def unfollow(self, *, conversation_id: str, user_id: str) -> None: ...
    async def followers(self, *, conversation_id: str) -> list[str]: ...
    async def is_following(self, *, conversation_id: str, user_id: str) -> bool: ...


class BlockStore(Protocol):
    async def block(self, *, blocker_id: str, blocked_id: str) -> None: ...
    async def unblock(self, *, blocker_id: str, blocked_id: str) -> None: ...
    async def is_blocked(self, *, blocker_id: str, blocked_id: str) -> bool: ...
    async def list_blocked(self, *, blocker_id: str) -> list[str]: ...


class NotificationStore(Protocol):
    async def add(self, *, user_id: str, kind: str, conversation_id: str, message_id: str,
                  actor_id: str, created_at: datetime) -> Notification: ...
    async def list(self, *, user_id: str, unread_only: bool, limit: int) -> list[Notification]: ...
    async def mark_read(self, *, user_id: str, ids: list[str] | None) -> int: ...
    async def unread_count(self, *, user_id: str) -> int: ...


@dataclass
class Storage:
    """What the actions see: the stores of one backend."""
    backend: str
    users: UserStore
    sessions: SessionStore
    groups: GroupStore
    conversations: ConversationStore
    messages: MessageStore
    reads: ReadMarkerStore
    likes: LikeStore
    follows: FollowStore
    blocks: BlockStore
    notifications: NotificationStore
    products: "ProductStore" = None
    orders: "OrderStore" = None
    aftersales: "AfterSaleStore" = None
    tickets: "TicketStore" = None
    support: "SupportStore" = None
    settings: "SettingStore" = None
    support_sessions: "SupportSessionStore" = None
    case_notes: "CaseNoteStore" = None
    profiles: "CustomerProfileStore" = None
    cases: "CaseStore" = None
    sanctions: "SanctionStore" = None
    appeals: "AppealStore" = None
    audit: "AuditStore" = None
    rules: "RulesStore" = None
    reporters: "ReporterStore" = None
    uploads: "UploadStore" = None
    pictures: "PictureStore" = None  # what the picture checks read, removed pictures' hashes, held messages
    blobs: "BlobStore" = None  # the pictures' bytes: files on disk with SQLite, GridFS with MongoDB
    close: object = None  # async callable
    rekey: object = None  # async callable: the issue-12 id migration again (rekey.py); the backends run it at start

    def attach_docs(self, table_for) -> "Storage":
        """Builds the shop and moderation stores over the backend's document tables: table_for(kind) -> DocTable."""
        from .shop import AfterSaleStore, OrderStore, ProductStore, SettingStore, SupportStore, TicketStore
        self.products, self.orders = ProductStore(table_for("product")), OrderStore(table_for("order"))
        self.aftersales, self.tickets = AfterSaleStore(table_for("aftersale")), TicketStore(table_for("ticket"))
        self.support, self.settings = SupportStore(table_for("support")), SettingStore(table_for("setting"))
        from .desk import CaseNoteStore, CustomerProfileStore, SupportSessionStore
        self.support_sessions = SupportSessionStore(table_for("supportsession"))
        self.case_notes = CaseNoteStore(table_for("casenote"))
        self.profiles = CustomerProfileStore(table_for("profile"))
        from .moderation import AppealStore, AuditStore, CaseStore, ReporterStore, RulesStore, SanctionStore
        self.cases, self.sanctions = CaseStore(table_for("modcase")), SanctionStore(table_for("sanction"))
        self.appeals, self.audit = AppealStore(table_for("appeal")), AuditStore(table_for("audit"))
        self.rules, self.reporters = RulesStore(table_for("rules")), ReporterStore(table_for("reporter"))
        from .media import PictureStore, UploadStore
        self.uploads = UploadStore(table_for("upload"))
        self.pictures = PictureStore(table_for("picture_reading"), table_for("removed_picture"),
                                     table_for("picture_hold"))
        return self

    async def rekey_legacy_ids(self) -> int:
        """Gives guessable 24-hex ids left in storage unguessable ones (rekey.py); how many it replaced."""
        return await self.rekey()

    async def aclose(self) -> None:
        if self.close is not None:
            await self.close()
