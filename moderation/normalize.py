"""Text folding before matching: what evaders change, folded back.

`fold(text)` gives the folded string and, for each of its characters, the index of the
original character it came from (so matches can be masked in the original text):
NFKC (full-width letters and digits, circled numbers), case folding, traditional →
simplified, and separators removed between characters (spaces, punctuation, symbols and
emoji, zero-width and other format characters, combining marks)."""
from __future__ import annotations

import unicodedata

from hanziconv.charmap import simplified_charmap, traditional_charmap

# categories dropped between characters: separators, controls, format (zero-width), marks, punctuation, symbols
DROPPED = frozenset(("Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co", "Cn", "Mn", "Me", "Mc", "Pc", "Pd", "Ps", "Pe",
                     "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So"))
TO_SIMPLIFIED = {ord(t): s for t, s in zip(traditional_charmap, simplified_charmap) if t != s}
# numerals read as digits when looking for phone numbers and ids
DIGIT_CHARS = {**{c: "0" for c in "零〇洞"}, **{c: "1" for c in "一壹幺"}, **{c: "2" for c in "二贰两"},
               **{c: "3" for c in "三叁"}, **{c: "4" for c in "四肆"}, **{c: "5" for c in "五伍"},
               **{c: "6" for c in "六陆"}, **{c: "7" for c in "七柒拐"}, **{c: "8" for c in "八捌"},
               **{c: "9" for c in "九玖"}}
DIGIT_TABLE = str.maketrans(DIGIT_CHARS)

_fold_cache: dict[str, str] = {}


def fold_char(c: str) -> str:
    """What one character becomes ('' when it is a separator); cached per character."""
    found = _fold_cache.get(c)
    if found is not None:
        return found
    out = []
    for n in unicodedata.normalize("NFKC", c).casefold():
        if unicodedata.category(n) in DROPPED:
            continue
        out.append(TO_SIMPLIFIED.get(ord(n), n))
    folded = "".join(out)
    if len(_fold_cache) < 200_000:
        _fold_cache[c] = folded
    return folded


def fold(text: str) -> tuple[str, list[int]]:
    """The folded text and, per folded character, the index of its original character."""
    chars: list[str] = []
    index: list[int] = []
    cache = _fold_cache
    for i, c in enumerate(text):
        f = cache.get(c)
        if f is None:
            f = fold_char(c)
        if f:
            if len(f) == 1:
                chars.append(f)
                index.append(i)
            else:
                chars.extend(f)
                index.extend([i] * len(f))
    return "".join(chars), index


def fold_term(term: str) -> str:
    return fold(term)[0]


def as_digits(folded: str) -> str:
    """Chinese, financial and colloquial numerals read as digits (same length as `folded`)."""
    return folded.translate(DIGIT_TABLE)


def is_han(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"
