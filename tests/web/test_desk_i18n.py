"""Every error code the server can send has a zh-CN text in web/static/i18n.js, so the client never shows a raw
code or the server's English message. The codes are collected from the source (no browser needed): every
`code="..."` in server/, the error classes' own codes, the acks' literal codes, and the tables that pick a
code (the silenced and rate-limited behaviour codes, the payload checker's codes)."""
from __future__ import annotations

import re
from pathlib import Path

from tests.web.test_i18n import dictionaries

ROOT = Path(__file__).resolve().parents[2]
ASCII_WORD = re.compile(r"[A-Za-z]{2,}")


def server_codes() -> set[str]:
    codes: set[str] = set()
    for path in (ROOT / "server").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        codes |= set(re.findall(r'\bcode="([a-z_]+)"', source))
        codes |= set(re.findall(r'"code": "([a-z_]+)"', source))
        if path.name == "errors.py":
            codes |= set(re.findall(r'^\s+code = "([a-z_]+)"', source, re.M))
    from server.actions.moderation.screen import RATE_LIMITED, SILENCED
    from server.transport.payloads import _ERRORS, CREDENTIAL_CODES
    codes |= set(RATE_LIMITED.values()) | set(SILENCED.values()) | set(CREDENTIAL_CODES.values())
    codes |= {code for code, _ in _ERRORS.values()}
    return codes


def zh_texts() -> dict[str, str]:
    source = (ROOT / "web" / "static" / "i18n.js").read_text(encoding="utf-8")
    zh = source[source.index('"zh-CN": {'):source.index("\n  en: {")]
    return dict(re.findall(r'"error\.([a-z_]+)": "([^"]*)"', zh))


def test_the_collection_finds_the_codes_it_should():
    codes = server_codes()
    assert len(codes) > 50
    assert {"not_found", "unauthorized", "not_assigned", "bad_transition", "ticket_closed", "flood", "muted",
            "invalid_username", "too_long"} <= codes


def test_every_server_error_code_has_a_chinese_text_with_no_english_in_it():
    texts = zh_texts()
    missing = sorted(server_codes() - set(texts))
    assert missing == [], f"error codes without a zh-CN text in web/static/i18n.js: {missing}"
    english = {code: text for code, text in texts.items() if ASCII_WORD.search(text)}
    assert english == {}, f"zh-CN error texts with English words: {english}"


def test_the_english_table_has_the_same_codes():
    d = dictionaries()
    zh = {k for k in d["zh-CN"] if k.startswith("error.")}
    en = {k for k in d["en"] if k.startswith("error.")}
    assert zh == en
