"""Every text the web client shows exists in zh-CN and in English (no browser needed)."""
from __future__ import annotations

import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "web" / "static"
# keys built at run time from server values: each family with the values the server sends
FAMILIES = {
    "presence": ["online", "away", "offline"],
    "cat": ["spam", "diversion", "scam", "gambling", "porn", "abuse", "counterfeit", "harassment", "other", "custom", "link"],
    "act": ["dismiss", "delete", "warn", "mute", "kick", "ban"],
    "appeal": ["open", "upheld", "overturned"],
    "note": ["mention", "reply", "thread_reply", "mention_all"],
    "verdict": ["allow", "mask", "flag", "block"],
    "hidden": ["reports", "removed"],
    "gone": ["reports", "removed"],  # a hidden message's placeholder, by hidden_reason
    "role": ["owner", "admin", "moderator"],
    "mod": ["queue", "appeals", "audit", "rules", "tester"],
    "target": ["message", "user", "rules", "sanction", "thread", ""],
    "session_ended": ["logged_out", "password_changed", "expired", "role_changed"],
}


def dictionaries() -> dict[str, set[str]]:
    source = (STATIC / "i18n.js").read_text()
    zh_start, en_start = source.index('"zh-CN": {'), source.index("\n  en: {")
    end = source.index("\n};", en_start)
    key = re.compile(r'(?:"([^"]+)"|\b([a-z_][a-z0-9_]*)):\s*"')
    keys = lambda part: {a or b for a, b in key.findall(part)}  # noqa: E731
    return {"zh-CN": keys(source[zh_start + 10:en_start]), "en": keys(source[en_start:end])}


def used_keys() -> set[str]:
    keys = set()
    for path in (p for p in STATIC.rglob("*.js") if "vendor" not in p.relative_to(STATIC).parts):  # chat/, cards/ too
        keys |= set(re.findall(r'\bt\("([^"]+)"', path.read_text()))
    for family, values in FAMILIES.items():
        keys |= {f"{family}.{v}" for v in values}
    return keys


def test_both_languages_have_the_same_keys():
    d = dictionaries()
    assert len(d["zh-CN"]) > 200
    assert d["zh-CN"] - d["en"] == set() and d["en"] - d["zh-CN"] == set()


def test_every_key_the_client_uses_is_translated():
    d = dictionaries()
    missing = used_keys() - d["zh-CN"]
    assert missing == set(), f"untranslated: {sorted(missing)}"


def test_every_server_error_code_has_a_chinese_text():
    table = Path(STATIC.parents[1], "docs", "api.md").read_text().split("### Error codes")[1].split("## Objects")[0]
    codes = {code for row in table.splitlines() if row.startswith("| `")
             for code in re.findall(r"`([a-z_]+)`", row.split(" | ")[0])}
    shown = {k.removeprefix("error.") for k in dictionaries()["zh-CN"] if k.startswith("error.")}
    internal = {"unknown_event", "internal", "invalid_json", "invalid_id", "too_large", "self_conversation", "self_block",
                "too_many_reactions", "unauthorized", "not_member", "not_group_admin", "not_group_owner",
                "not_platform_admin", "not_moderator", "group_not_found", "conversation_not_found", "thread_not_found",
                "message_not_found", "message_deleted", "user_not_found", "member_not_found", "forbidden", "not_found"}
    assert codes - shown - internal == set()
