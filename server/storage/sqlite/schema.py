"""Schema migrations for the SQLite backend; PRAGMA user_version counts the ones applied.
Append new migrations; never edit an applied one. A migration is SQL (statements split at ';\n') or a
function of the connection, run in the same one transaction."""
from .rekey import rekey


def thread_tags(conn) -> None:
    """Migration 7: conversations.tag and .product_id, and the index the 晒单 gallery reads. Safe to run again,
    as 5 and 6 are (a file whose user_version was set back runs them once more)."""
    have = {row[1] for row in conn.execute("PRAGMA table_info(conversations)")}
    for column in ("tag", "product_id"):
        if column not in have:
            conn.execute(f"ALTER TABLE conversations ADD COLUMN {column} TEXT")
    conn.execute("CREATE INDEX IF NOT EXISTS conversations_tagged ON conversations(group_id, tag, created_at)")


def avatar_pictures(conn) -> None:
    """Migration 8: users.avatar_upload. Safe to run again, as 5-7 are."""
    if "avatar_upload" not in {row[1] for row in conn.execute("PRAGMA table_info(users)")}:
        conn.execute("ALTER TABLE users ADD COLUMN avatar_upload TEXT")


MIGRATIONS = [
    # 1: the community core
    """
CREATE TABLE users (
    id TEXT PRIMARY KEY, username TEXT NOT NULL, username_lower TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL, role TEXT NOT NULL, bio TEXT NOT NULL DEFAULT '',
    avatar_color TEXT NOT NULL, password_hash TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);
CREATE TABLE conversations (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, group_id TEXT, private_key TEXT UNIQUE,
    title TEXT NOT NULL DEFAULT '', author_id TEXT, pinned INTEGER NOT NULL DEFAULT 0,
    closed INTEGER NOT NULL DEFAULT 0, like_count INTEGER NOT NULL DEFAULT 0,
    last_seq INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, last_activity_at INTEGER NOT NULL);
CREATE INDEX conversations_threads ON conversations(group_id, kind, pinned, last_activity_at);
CREATE TABLE participants (
    conversation_id TEXT NOT NULL REFERENCES conversations(id), user_id TEXT NOT NULL,
    PRIMARY KEY (conversation_id, user_id));
CREATE INDEX participants_user ON participants(user_id);
CREATE TABLE groups (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL, visibility TEXT NOT NULL,
    owner_id TEXT NOT NULL, conversation_id TEXT NOT NULL REFERENCES conversations(id),
    created_at INTEGER NOT NULL, announcement TEXT NOT NULL DEFAULT '', announcement_at INTEGER,
    member_count INTEGER NOT NULL DEFAULT 0);
CREATE INDEX groups_conversation ON groups(conversation_id);
CREATE TABLE memberships (
    group_id TEXT NOT NULL REFERENCES groups(id), user_id TEXT NOT NULL, role TEXT NOT NULL,
    joined_at INTEGER NOT NULL, PRIMARY KEY (group_id, user_id));
CREATE INDEX memberships_user ON memberships(user_id);
CREATE TABLE invites (
    code TEXT PRIMARY KEY, group_id TEXT NOT NULL REFERENCES groups(id), created_by TEXT NOT NULL,
    created_at INTEGER NOT NULL, expires_at INTEGER, max_uses INTEGER, uses INTEGER NOT NULL DEFAULT 0);
CREATE TABLE pins (
    group_id TEXT NOT NULL, message_id TEXT NOT NULL, pinned_by TEXT NOT NULL, pinned_at INTEGER NOT NULL,
    PRIMARY KEY (group_id, message_id));
CREATE TABLE messages (
    id TEXT NOT NULL UNIQUE, conversation_id TEXT NOT NULL REFERENCES conversations(id),
    seq INTEGER NOT NULL, author_id TEXT NOT NULL, group_id TEXT, type TEXT NOT NULL,
    text TEXT NOT NULL, product TEXT, reply_to TEXT, mentions TEXT NOT NULL DEFAULT '[]',
    mention_all INTEGER NOT NULL DEFAULT 0, reactions TEXT NOT NULL DEFAULT '{}',
    like_count INTEGER NOT NULL DEFAULT 0, client_msg_id TEXT, created_at INTEGER NOT NULL,
    edited_at INTEGER, deleted_at INTEGER,
    UNIQUE (conversation_id, seq), UNIQUE (conversation_id, author_id, client_msg_id));
CREATE VIRTUAL TABLE messages_fts USING fts5(tokens);
CREATE VIRTUAL TABLE threads_fts USING fts5(tokens);
CREATE TABLE reads (
    conversation_id TEXT NOT NULL, user_id TEXT NOT NULL, seq INTEGER NOT NULL,
    PRIMARY KEY (user_id, conversation_id));
CREATE TABLE likes (
    target_kind TEXT NOT NULL, target_id TEXT NOT NULL, user_id TEXT NOT NULL,
    PRIMARY KEY (target_id, user_id));
CREATE INDEX likes_user ON likes(user_id);
CREATE TABLE follows (
    conversation_id TEXT NOT NULL, user_id TEXT NOT NULL, PRIMARY KEY (conversation_id, user_id));
CREATE TABLE blocks (
    blocker_id TEXT NOT NULL, blocked_id TEXT NOT NULL, PRIMARY KEY (blocker_id, blocked_id));
CREATE TABLE notifications (
    id TEXT PRIMARY KEY, user_id TEXT NOT NULL, kind TEXT NOT NULL, conversation_id TEXT NOT NULL,
    message_id TEXT NOT NULL, actor_id TEXT NOT NULL, created_at INTEGER NOT NULL,
    read INTEGER NOT NULL DEFAULT 0);
CREATE INDEX notifications_user ON notifications(user_id, read, created_at)
""",
    # 2: the shop and the support desk; bot replies carry buttons and cards
    """
CREATE TABLE docs (
    kind TEXT NOT NULL, id TEXT NOT NULL, owner TEXT, state TEXT, sort INTEGER NOT NULL DEFAULT 0,
    text TEXT NOT NULL DEFAULT '', doc TEXT NOT NULL, PRIMARY KEY (kind, id));
CREATE INDEX docs_owner ON docs(kind, owner, sort);
CREATE INDEX docs_state ON docs(kind, state, sort);
ALTER TABLE messages ADD COLUMN extra TEXT
""",
    # 3: moderation hides messages without deleting them (held, reported, removed)
    """
ALTER TABLE messages ADD COLUMN hidden TEXT
""",
    # 4: one card field for every message kind (the product card, the assistant's order and rating cards)
    """
ALTER TABLE messages RENAME COLUMN product TO card;
UPDATE messages SET card = json_set(card, '$.kind', 'product') WHERE card IS NOT NULL;
UPDATE messages SET card = json_extract(extra, '$.card'), extra = json_remove(extra, '$.card')
    WHERE extra IS NOT NULL AND json_extract(extra, '$.card') IS NOT NULL
""",
    # 5: issue 12 -- the guessable 24-hex ids of what users can't see by right get unguessable ones (rekey.py)
    rekey,
    # 6: "log out everywhere" and a password change revoke every session of one user
    """
CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user_id)
""",
    # 7: issue 15 -- a thread can be a 晒单 or 种草 (tag) about one of the shop's products (its SKU)
    thread_tags,
    # 8: issue 15 -- an avatar can be a picture (an upload id; '' or NULL: initials on the colour)
    avatar_pictures,
]
