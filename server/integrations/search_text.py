"""Chinese-aware tokens for search (jieba), and highlighted snippets.

Only runs of Han characters go through jieba (its per-call cost dominates short chat
messages, and chat repeats itself, so runs are cached); letters and digits are
split and lowercased directly. Index and query use the same dictionary without HMM
so that what a query produces can match what the index holds."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import jieba

RUNS = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)|([^\W_]+)")
SNIPPET_CHARS = 80
MAX_QUERY_TOKENS = 16

jieba.setLogLevel(60)  # jieba logs its dictionary loading at INFO


def warm_up() -> None:
    """Loads jieba's dictionary (about a second): call it off the event loop at start-up."""
    jieba.initialize()


@lru_cache(maxsize=8192)
def _han_for_index(run: str) -> tuple[str, ...]:
    return tuple(jieba.cut_for_search(run, HMM=False))


@lru_cache(maxsize=2048)
def _han_for_query(run: str) -> tuple[str, ...]:
    return tuple(jieba.cut(run, HMM=False))


def _tokens(text: str, han) -> list[str]:
    out: list[str] = []
    seen = set()
    for m in RUNS.finditer(unicodedata.normalize("NFKC", text)):
        words = han(m.group(1)) if m.group(1) else (m.group(2).lower(),)
        for w in words:
            if w not in seen:
                seen.add(w)
                out.append(w)
    return out


def tokenize_for_index(text: str) -> tuple[str, ...]:
    """Search-mode segmentation: 蓝牙耳机 also gives 蓝牙 and 耳机, so shorter queries match."""
    return tuple(_tokens(text, _han_for_index))


def tokenize_query(text: str) -> list[str]:
    return _tokens(text, _han_for_query)[:MAX_QUERY_TOKENS]


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
