"""The rules engine: (text, lexicon) -> Verdict, with no I/O.

Matching runs an Aho-Corasick automaton over the folded text (normalize.py) and another
over its pinyin syllables (pinyin.py); a Chinese match must start and end on jieba word
boundaries, so 去死 doesn't fire inside 去死皮. Then the built-in detectors (detectors.py),
the allow-list, and each category's configured action."""
from __future__ import annotations

import logging
import os
import re
import threading
from dataclasses import dataclass

import ahocorasick
import jieba

from . import ALLOW, MessageContext, Verdict
from .detectors import Found, contacts, links, url_view
from .normalize import fold, fold_term, is_han
from .pinyin import encode_term, han_codes, latin_windows

log = logging.getLogger(__name__)
DATA = os.path.join(os.path.dirname(__file__), "data")
CATEGORIES = ("diversion", "scam", "gambling", "porn", "abuse", "counterfeit", "custom", "link")
# "hold" is a flag whose message is stored out of sight until a moderator approves it
DEFAULT_ACTIONS = {"diversion": "block", "scam": "block", "gambling": "block", "porn": "block", "abuse": "mask",
                   "counterfeit": "hold", "custom": "flag", "link": "flag"}
SEVERITY = {"allow": 0, "mask": 1, "flag": 2, "hold": 3, "block": 4}
MASK = "＊"
# links need a dot of some kind (or a scheme); messages without one skip the link view
MAYBE_LINK = re.compile(r"[.。点丶﹒．]|https?:|www", re.IGNORECASE)
MAX_TERM = 64


@dataclass(frozen=True, slots=True)
class Entry:
    term: str
    category: str
    homophones: bool = False


def parse_words(text: str, *, source: str = "words") -> list[Entry]:
    """`term<TAB>category[<TAB>homophones]` per line, `#` starts a comment. Terms are plain text,
    never patterns; bad lines raise ValueError naming the line."""
    entries = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].rstrip("\r\n")
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) < 2 or not parts[0] or parts[1] not in CATEGORIES:
            raise ValueError(f"{source}:{number}: expected term<TAB>category ({', '.join(CATEGORIES)})")
        if len(parts[0]) > MAX_TERM:
            raise ValueError(f"{source}:{number}: a term has at most {MAX_TERM} characters")
        entries.append(Entry(parts[0], parts[1], len(parts) > 2 and parts[2] == "homophones"))
    return entries


def read_words(path: str) -> list[Entry]:
    with open(path, encoding="utf-8") as f:
        return parse_words(f.read(), source=path)


def read_allow(path: str) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return [line.split("#", 1)[0].strip() for line in f if line.split("#", 1)[0].strip()]


_DEFAULT: "Lexicon | None" = None
_DEFAULT_LOCK = threading.Lock()


class Lexicon:
    """Terms by category and an allow-list, compiled into automatons once; immutable."""

    def __init__(self, entries: list[Entry], allow: list[str] = ()):
        self.entries = list(entries)
        self.allow = list(allow)
        self.chars = ahocorasick.Automaton()
        self.sounds = ahocorasick.Automaton()
        self.allowed = ahocorasick.Automaton()
        self.words: set[str] = set()
        sounds: dict[str, tuple] = {}
        for entry in self.entries:
            folded = fold_term(entry.term)
            if not folded:
                continue
            self.chars.add_word(folded, (folded, entry.term, entry.category))
            if any(is_han(c) for c in folded):
                self.words.add(folded)
            han_only = all(is_han(c) for c in folded)
            if han_only and len(folded) >= 2:
                codes = encode_term(folded)
                if codes:
                    # every Chinese term is also matched when written in pinyin; homophones marked ones also
                    # when written with other characters that sound the same (terms sharing a sound share the mark)
                    known = sounds.get(codes)
                    homophones = entry.homophones or (known is not None and known[3])
                    sounds[codes] = (len(codes), (known or (0, entry.term))[1], entry.category, homophones)
        for codes, value in sounds.items():
            self.sounds.add_word(codes, value)
        for term in self.allow:
            folded = fold_term(term)
            if folded:
                self.allowed.add_word(folded, len(folded))
        for automaton in (self.chars, self.sounds, self.allowed):
            if len(automaton):
                automaton.make_automaton()
        self._tokenizer: jieba.Tokenizer | None = None
        self._lock = threading.Lock()

    @classmethod
    def default(cls) -> "Lexicon":
        """The shipped lexicon, built once per process (it is immutable, so sharing it is safe)."""
        global _DEFAULT
        with _DEFAULT_LOCK:
            if _DEFAULT is None:
                _DEFAULT = cls(read_words(os.path.join(DATA, "default_lexicon.tsv")),
                               read_allow(os.path.join(DATA, "default_allow.tsv")))
            return _DEFAULT

    def extended(self, entries: list[Entry], allow: list[str]) -> "Lexicon":
        """This lexicon plus a group's own terms and allow-list. Groups share this lexicon's
        jieba tokenizer (one is ~50 MB), which learns their terms as words too: another group's
        term can then only make a match here look straddled where it shares characters."""
        grown = Lexicon(self.entries + list(entries), self.allow + list(allow))
        tok = self.tokenizer()
        with self._lock:
            for word in grown.words - self.words:
                tok.add_word(word, freq=max(1000, tok.suggest_freq(word)))
        grown._tokenizer = tok
        return grown

    def tokenizer(self) -> jieba.Tokenizer:
        """A jieba tokenizer of its own that knows every term as a word (the search index's stays untouched)."""
        if self._tokenizer is None:
            with self._lock:
                if self._tokenizer is None:
                    tok = jieba.Tokenizer()
                    tok.initialize()
                    for word in self.words:
                        tok.add_word(word, freq=max(1000, tok.suggest_freq(word)))
                    self._tokenizer = tok
        return self._tokenizer

    def warm_up(self) -> None:
        self.tokenizer().lcut("预热")


def _masked(text: str, found: list[Found], index: list[int], view_index: list[int]) -> str:
    chars = list(text)
    for f in found:
        positions = index if f.view == "folded" else view_index
        for i in range(f.start, f.end):
            chars[positions[i]] = MASK
    return "".join(chars)


class Engine:
    """The moderation hook of the send pipeline. Group lexicons can be swapped at run time."""

    def __init__(self, lexicon: Lexicon | None = None, *, actions: dict | None = None,
                 allowed_domains: tuple[str, ...] = ()):
        self.lexicon = lexicon or Lexicon.default()
        self.actions = {**DEFAULT_ACTIONS, **(actions or {})}
        self.allowed_domains = tuple(d.lower() for d in allowed_domains)
        self._groups: dict[str, Lexicon] = {}

    def group_lexicon(self, entries: list[Entry], allow: list[str]) -> Lexicon | None:
        """A group's own terms and allow-list compiled (slow for a long list), not yet in use: a rules
        change is compiled whole, and tried on a text, before any of it takes effect. None: nothing of
        the group's own. Raises what the compiling raised."""
        if not entries and not allow:
            return None
        grown = self.lexicon.extended(entries, allow)
        self.verdict("预热 warm-up 1.test", grown)  # a lexicon that can't check a message goes no further
        return grown

    def use_group_lexicon(self, group_id: str, lexicon: Lexicon | None) -> None:
        """Puts a compiled group lexicon (group_lexicon) in use, from the next message on."""
        if lexicon is None:
            self._groups.pop(group_id, None)
        else:
            self._groups[group_id] = lexicon

    def set_group_words(self, group_id: str, entries: list[Entry], allow: list[str]) -> None:
        """A group's own terms and allow-list, effective for the next message (no restart)."""
        self.use_group_lexicon(group_id, self.group_lexicon(entries, allow))

    def check(self, ctx: MessageContext) -> Verdict:
        grown = self._groups.get(ctx.group_id) if ctx.group_id else None
        if grown is not None:
            try:
                return self.verdict(ctx.text, grown)
            except Exception:  # a group's words must never make its messages fail: the shipped words still hold
                log.exception("group %s: its own words failed on a message; checked without them", ctx.group_id)
        return self.verdict(ctx.text, self.lexicon)

    def verdict(self, text: str, lexicon: Lexicon | None = None) -> Verdict:
        if not text:
            return ALLOW
        found, index, view_index = self._found(text, lexicon or self.lexicon)
        if not found:
            return ALLOW
        action = max((self.actions[f.category] for f in found), key=SEVERITY.__getitem__)
        worst = max(found, key=lambda f: (SEVERITY[self.actions[f.category]], f.end - f.start))
        to_mask = [f for f in found if self.actions[f.category] == "mask"]
        masked = _masked(text, to_mask, index, view_index) if to_mask and action != "block" else None
        return Verdict(action="flag" if action == "hold" else action, hold=action == "hold",
                       categories=tuple(sorted({f.category for f in found})),
                       matches=tuple(dict.fromkeys(f.term for f in found)), text=masked,
                       rule=_rule(worst))

    def mask(self, text: str, categories: tuple[str, ...]) -> str:
        """`text` with what was found of these categories masked, whatever their action: a phone number a
        customer gives support reaches the shop, and only this masked text goes any further."""
        if not text:
            return text
        found, index, view_index = self._found(text, self.lexicon)
        return _masked(text, [f for f in found if f.category in categories], index, view_index)

    def _found(self, text: str, lexicon: Lexicon) -> tuple[list[Found], list[int], list[int]]:
        folded, index = fold(text)
        found = self._lexicon_matches(text, folded, index, lexicon) + contacts(folded)
        if MAYBE_LINK.search(text):
            view, view_index = url_view(text)
            found += links(view, self.allowed_domains)
        else:
            view_index = []
        return found, index, view_index

    def _lexicon_matches(self, text: str, folded: str, index: list[int], lexicon: Lexicon) -> list[Found]:
        candidates: list[Found] = []
        if len(lexicon.chars):
            for end, (term_folded, term, category) in lexicon.chars.iter(folded):
                candidates.append(Found(category, term, end + 1 - len(term_folded), end + 1, "folded"))
        if len(lexicon.sounds):
            for end, (length, term, category, homophones) in lexicon.sounds.iter(han_codes(folded)):
                if homophones:  # all Chinese characters here: only terms marked for sound-alikes
                    candidates.append(Found(category, term, end + 1 - length, end + 1, "folded"))
            for offset, codes, spans in latin_windows(folded):
                for end, (length, term, category, homophones) in lexicon.sounds.iter(codes):
                    start, stop = offset + spans[end + 1 - length][0], offset + spans[end][1]
                    if any("a" <= c <= "z" for c in folded[start:stop]):  # written (partly) in pinyin
                        candidates.append(Found(category, term, start, stop, "folded"))
        if not candidates:
            return []
        allowed = []
        if len(lexicon.allowed):
            allowed = [(end + 1 - length, end + 1) for end, length in lexicon.allowed.iter(folded)]
        out = []
        for f in candidates:
            if any(a <= f.start and f.end <= b for a, b in allowed):
                continue
            if _inside_latin_word(text, index[f.start], index[f.end - 1]):
                continue  # 加v in 加vip: a Latin edge must not continue a Latin word in the original text
            if any(is_han(c) for c in folded[f.start:f.end]):
                if _straddled(_words_around(lexicon.tokenizer(), folded, f.start, f.end), f.start, f.end):
                    continue  # the term only appears across two words (去死 in 去死海)
            out.append(f)
        return out


def _rule(found: Found) -> str:
    """category:term, once (a detector's term may already start with its category: link:host)."""
    prefix = found.category + ":"
    return found.term if found.term.startswith(prefix) else prefix + found.term


def _latin(c: str) -> bool:
    return bool(c) and c.isascii() and c.isalpha()


def _inside_latin_word(text: str, first: int, last: int) -> bool:
    """first/last: the original indexes of the match's first and last characters."""
    before = text[first - 1] if first > 0 else ""
    after = text[last + 1] if last + 1 < len(text) else ""
    return (_latin(text[first]) and _latin(before)) or (_latin(text[last]) and _latin(after))


WINDOW = 4  # a word that crosses a match's edge reaches only a few characters past it


def _words_around(tokenizer: jieba.Tokenizer, folded: str, start: int, end: int) -> list[tuple[int, int]]:
    """jieba's words over the match and a few characters either side (not the whole message)."""
    lo, hi = max(0, start - WINDOW), min(len(folded), end + WINDOW)
    return [(lo + a, lo + b) for _, a, b in tokenizer.tokenize(folded[lo:hi], HMM=False)]


def _straddled(words: list[tuple[int, int]], start: int, end: int) -> bool:
    """True when a word of the text crosses an edge of the match without containing all of it:
    去死 in 去/死海 is straddled; in 你/去死吧 it is inside one word, which counts."""
    for a, b in words:
        crosses = a < start < b or a < end < b
        if crosses and not (a <= start and end <= b):
            return True
    return False
