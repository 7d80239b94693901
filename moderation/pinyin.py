"""Sound-alike matching: text and terms as sequences of toneless pinyin syllables.

Each syllable is encoded as one private-use character, so the same Aho-Corasick automaton
that matches characters matches sounds: 煞笔, 傻币 and "sha bi" all read as the same two
syllables. Latin letters are split into syllables by longest match; a run that isn't
pinyin, digits and everything else break the sequence."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pypinyin.pinyin_dict import pinyin_dict

from .normalize import separated

BREAK = "|"


def _toneless(syllable: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFD", syllable) if not unicodedata.combining(c))
    return plain.replace("ü", "v").lower()


SYLLABLE_OF: dict[str, str] = {}
for _code, _readings in pinyin_dict.items():
    SYLLABLE_OF[chr(_code)] = _toneless(_readings.split(",")[0])
SYLLABLES = sorted(set(SYLLABLE_OF.values()))
CODE = {s: chr(0xF0000 + i) for i, s in enumerate(SYLLABLES)}
LONGEST = max(map(len, SYLLABLES))


@lru_cache(maxsize=4096)
def split_latin(run: str) -> tuple[str, ...] | None:
    """'shabi' -> ('sha', 'bi'); None when the run isn't all pinyin."""
    out, i = [], 0
    while i < len(run):
        for size in range(min(LONGEST, len(run) - i), 0, -1):
            if run[i:i + size] in CODE:
                out.append(run[i:i + size])
                i += size
                break
        else:
            return None
    return tuple(out)


HAN_TABLE = {ord(c): CODE[s] for c, s in SYLLABLE_OF.items()}


LATIN_RUN = re.compile(r"[a-z]+")
NEAR = 3  # Chinese characters either side of a Latin run that can belong to the same mixed term (加 wei 信)


def han_codes(folded: str) -> str:
    """One code per character, at C speed: Chinese characters become their syllable; everything
    else stays as it is and so breaks the sequence. Index i of the result is index i of `folded`."""
    return folded.translate(HAN_TABLE)


def latin_runs(folded: str, index=None) -> list[tuple[int, int]]:
    """Runs of Latin letters; with the index map of the fold, also cut where the original had a separator
    (约🔥pao vx: pao and vx, which the fold had joined into paovx)."""
    runs = []
    for m in LATIN_RUN.finditer(folded):
        start = m.start()
        # a run that is pinyin whole reads the same cut or not; a short one can't hold two words worth cutting
        if index is not None and m.end() - start > 2 and split_latin(m.group()) is None:
            for k in separated(index, m.start(), m.end()):
                runs.append((start, k))
                start = k
        runs.append((start, m.end()))
    return runs


def latin_windows(folded: str, index=None):
    """(offset, codes, spans) around runs of Latin letters (neighbouring runs together, never cut
    through a run): where pinyin can be written out, alone or mixed with characters."""
    windows: list[list[int]] = []
    n = len(folded)
    runs = latin_runs(folded, index)
    edges = {b for _, b in runs}
    for a, b in runs:
        if split_latin(folded[a:b]) is None:
            continue  # not pinyin (iphone, quality): it breaks the syllables wherever a window holds it
        lo, hi = max(0, a - NEAR), min(n, b + NEAR)
        while lo > 0 and "a" <= folded[lo - 1] <= "z" and lo not in edges:
            lo -= 1
        while hi < n and "a" <= folded[hi] <= "z" and hi not in edges:
            hi += 1
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], hi)
        else:
            windows.append([lo, hi])
    for lo, hi in windows:
        codes, spans = encode(folded[lo:hi], frozenset(e - lo for e in edges if lo < e < hi))
        yield lo, codes, spans


def encode(folded: str, breaks: frozenset[int] = frozenset()) -> tuple[str, list[tuple[int, int]]]:
    """The syllable string of a folded text and, per syllable, its (start, end) in `folded`. `breaks`: where a
    run of Latin letters ends although a letter follows (a separator stood there)."""
    codes: list[str] = []
    spans: list[tuple[int, int]] = []
    i, n = 0, len(folded)
    while i < n:
        c = folded[i]
        syllable = SYLLABLE_OF.get(c)
        if syllable is not None:
            codes.append(CODE[syllable])
            spans.append((i, i + 1))
            i += 1
            continue
        if "a" <= c <= "z":
            j = i
            while j < n and "a" <= folded[j] <= "z" and (j == i or j not in breaks):
                j += 1
            parts = split_latin(folded[i:j])
            if parts:
                start = i
                for part in parts:
                    codes.append(CODE[part])
                    spans.append((start, start + len(part)))
                    start += len(part)
            else:
                codes.append(BREAK)
                spans.append((i, j))
            i = j
            continue
        codes.append(BREAK)
        spans.append((i, i + 1))
        i += 1
    return "".join(codes), spans


def encode_term(folded_term: str) -> str | None:
    """A term's syllables, or None when it isn't all Chinese characters or pinyin."""
    codes, _ = encode(folded_term)
    return None if BREAK in codes or not codes else codes
