"""Chinese-aware tokens for search (jieba), and highlighted snippets."""
from __future__ import annotations

import re
import unicodedata

import jieba

_WORD = re.compile(r"\w", re.UNICODE)
SNIPPET_CHARS = 80

jieba.setLogLevel(60)  # jieba logs its dictionary loading at INFO


def warm_up() -> None:
    """Loads jieba's dictionary (about a second): call it off the event loop at start-up."""
    jieba.initialize()


def _clean(token: str) -> str:
    return unicodedata.normalize("NFKC", token).strip().lower()


def tokenize_for_index(text: str) -> tuple[str, ...]:
    """Search-mode segmentation: 蓝牙耳机 gives 蓝牙, 耳机 and 蓝牙耳机, so shorter queries match."""
    out = []
    seen = set()
    for tok in jieba.cut_for_search(unicodedata.normalize("NFKC", text)):
        t = _clean(tok)
        if t and _WORD.search(t) and t not in seen:
            seen.add(t)
            out.append(t)
    return tuple(out)


def tokenize_query(text: str) -> list[str]:
    out = []
    for tok in jieba.cut(unicodedata.normalize("NFKC", text)):
        t = _clean(tok)
        if t and _WORD.search(t) and t not in out:
            out.append(t)
    return out[:16]


def snippet(text: str, tokens: list[str]) -> dict:
    """A window of the text around the first match, with the [start, end) offsets of
    every match inside it. Offsets, not HTML: clients render user text as text."""
    folded = unicodedata.normalize("NFKC", text).lower()
    if len(folded) != len(text):  # NFKC changed lengths: fall back to plain lowercase
        folded = text.lower()
    spans = []
    for tok in sorted(set(tokens), key=len, reverse=True):
        start = folded.find(tok)
        while start != -1:
            end = start + len(tok)
            if not any(s < end and start < e for s, e in spans):
                spans.append((start, end))
            start = folded.find(tok, end)
    spans.sort()
    if not spans:
        return {"text": text[:SNIPPET_CHARS], "highlights": []}
    first = spans[0][0]
    begin = max(0, min(first - SNIPPET_CHARS // 4, len(text) - SNIPPET_CHARS))
    end = min(len(text), begin + SNIPPET_CHARS)
    prefix = "…" if begin > 0 else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix) - begin
    highlights = [[s + shift, e + shift] for s, e in spans if s >= begin and e <= end]
    return {"text": prefix + text[begin:end] + suffix, "highlights": highlights}
