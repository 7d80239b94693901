"""Text folding before matching: what evaders change, folded back.

`fold(text)` gives the folded string and, for each of its characters, the index of the
original character it came from (so matches can be masked in the original text):
NFKC (full-width letters and digits, circled numbers), case folding, separators removed
between characters (spaces, punctuation, symbols and emoji, zero-width and other format
characters, combining marks), and traditional → simplified with OpenCC's t2s, phrase by
phrase (乾隆 stays, 乾燥 becomes 干燥): only texts with a traditional character pay for it."""
from __future__ import annotations

import re
import threading
import unicodedata
from itertools import compress

import opencc

# categories dropped between characters: separators, controls, format (zero-width), marks, punctuation, symbols
DROPPED = frozenset(("Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co", "Cn", "Mn", "Me", "Mc", "Pc", "Pd", "Ps", "Pe",
                     "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So"))
_T2S = opencc.OpenCC("t2s")
_T2S_LOCK = threading.Lock()
# every character OpenCC changes on its own: a text with none of them is simplified already
_HAN_RANGES = (range(0x3400, 0x4DC0), range(0x4E00, 0xA000), range(0xF900, 0xFB00))
TO_SIMPLIFIED = {o: _T2S.convert(chr(o)) for r in _HAN_RANGES for o in r}
TO_SIMPLIFIED = {o: s for o, s in TO_SIMPLIFIED.items() if s != chr(o) and len(s) == 1}
TRADITIONAL = re.compile("[" + "".join(sorted(map(chr, TO_SIMPLIFIED))) + "]")
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
        out.append(n)
    folded = "".join(out)
    if len(_fold_cache) < 200_000:
        _fold_cache[c] = folded
    return folded


class CharMap:
    """A per-character mapping applied with str.translate (C speed), with the index map from
    each output character back to its input character. Characters are mapped once and cached."""

    def __init__(self, one_char):
        self.one_char = one_char
        self.table = _Lazy(self._map)
        self.shape = _Lazy(self._shape)  # "\x01": one character out, "\x00": none, "\x02": several

    def _map(self, o: int) -> str:
        return self.one_char(chr(o))

    def _shape(self, o: int) -> str:
        n = len(self.table[o])
        return "\x00" if n == 0 else "\x01" if n == 1 else "\x02"

    def apply(self, text: str) -> tuple[str, "Index"]:
        """The mapped text and its index map, which is only worked out when it is read (most messages are
        never masked, and most views find nothing, so it is seldom needed)."""
        out = text.translate(self.table)
        return out, Index(self, text)

    def index(self, text: str) -> list[int] | range:
        shape = text.translate(self.shape)
        if "\x02" not in shape:
            if "\x00" not in shape:
                return range(len(text))
            return list(compress(range(len(text)), shape.encode()))
        index: list[int] = []
        for i, c in enumerate(text):  # some character became several: the slow way
            index.extend([i] * len(self.table[ord(c)]))
        return index


class Index:
    """Per character of a mapped text, the index of the character of the original it came from; worked out
    on first use."""

    __slots__ = ("_map", "_text", "_list")

    def __init__(self, charmap: CharMap, text: str):
        self._map, self._text, self._list = charmap, text, None

    def _positions(self) -> list[int] | range:
        if self._list is None:
            self._list = self._map.index(self._text)
        return self._list

    def __getitem__(self, i):
        return self._positions()[i]

    def __len__(self) -> int:
        return len(self._positions())

    def __iter__(self):
        return iter(self._positions())


class _Lazy(dict):
    """A translate table that fills itself in; bounded so hostile text can't grow it forever."""

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, o: int) -> str:
        value = self.make(o)
        if len(self) < 200_000:
            self[o] = value
        return value


_FOLD = CharMap(fold_char)


def separated(index, lo: int, hi: int) -> list[int]:
    """The positions k in (lo, hi) of a folded text where a separator of the original stood just before k (its
    index map jumps there): 刷单，日赚 folds to 刷单日赚 with one at 日. One read of the index map."""
    positions = index[lo:hi]
    return [lo + k for k in range(1, len(positions)) if positions[k] - positions[k - 1] > 1]


def fold(text: str) -> tuple[str, Index]:
    """The folded text and, per folded character, the index of its original character."""
    folded, index = _FOLD.apply(text)
    return simplified(folded), index


def simplified(text: str) -> str:
    """OpenCC's phrase-level t2s, kept to the same length so the index map still holds (a phrase that
    would change length is taken character by character instead)."""
    spans = _traditional_spans(text)
    if not spans:
        return text
    pieces, done = [], 0
    for lo, hi in spans:
        piece = text[lo:hi]
        with _T2S_LOCK:  # one converter per process; its C++ object isn't documented as thread-safe
            out = _T2S.convert(piece)
        pieces += [text[done:lo], out if len(out) == len(piece) else piece.translate(TO_SIMPLIFIED)]
        done = hi
    pieces.append(text[done:])
    return "".join(pieces)


# OpenCC's phrases reach this far either side of a traditional character: only these stretches of a message are
# converted (the cost grows with the length). Further away every character is simplified already (TRADITIONAL has
# every one OpenCC changes alone); a phrase there that OpenCC would still rewrite (回覆 → 回复) stays as written,
# as it does in a message with no traditional character at all
PHRASE_REACH = 8


def _traditional_spans(text: str) -> list[tuple[int, int]]:
    spans: list[list[int]] = []
    for m in TRADITIONAL.finditer(text):
        lo, hi = max(0, m.start() - PHRASE_REACH), min(len(text), m.end() + PHRASE_REACH)
        if spans and lo <= spans[-1][1]:
            spans[-1][1] = hi
        else:
            spans.append([lo, hi])
    return [(lo, hi) for lo, hi in spans]


def fold_term(term: str) -> str:
    return fold(term)[0]


def as_digits(folded: str) -> str:
    """Chinese, financial and colloquial numerals read as digits (same length as `folded`)."""
    return folded.translate(DIGIT_TABLE)


def is_han(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf"
