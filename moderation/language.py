"""Where the words of a Chinese text begin and end, from the language rather than from a lexicon.

One jieba tokenizer per process, with jieba's dictionary as shipped plus the shop's own words
(data/shop_words.txt: product and shop talk jieba doesn't know, such as 去死皮 or 运费险). A
lexicon's terms are never added to it: a term learnt as a word would win every segmentation it
appears in, and 去死 would again be found in 去死海 (issue 14). The word frequencies that come
with the dictionary say which spans are ordinary words in their own right."""
from __future__ import annotations

import math
import os
import threading
from functools import lru_cache

import jieba

from .normalize import separated

DATA = os.path.join(os.path.dirname(__file__), "data")
# a word in jieba's dictionary is an ordinary word: a sound-alike of a term that is such a word (网袋 for 网贷,
# 出生 for 畜生, 纸张 for 智障, 压住 for 押注) is that word, not an evasion. The counts can't say more: 3 is what
# its contributed entries carry, common words and internet slang alike (压住, 煞笔). So the evasions that made it
# into the dictionary (煞笔, 沙比) are known from the shipped lexicon, whatever lexicon is in use.
COMMON_WORD = 2
# the commonest single characters (你 吗 是 的 …): two of them side by side are ordinary language,
# whatever a term they happen to sound like (你吗 for 尼玛)
FUNCTION_CHARS = 400
WINDOW = 4  # a word that crosses a match's edge reaches only a few characters past it
# a word that cuts a match must be this frequent (or a shop word): 你真菜鸡 is read 你/真菜/鸡 by jieba, whose 真菜 (3)
# is no reason to miss 菜鸡, while 去/死海 (78) and 留下 (5,578)/注意 are
CUTTING_WORD = 10

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def shop_words(path: str = os.path.join(DATA, "shop_words.txt")) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return [w for w in (line.split("#", 1)[0].strip() for line in f) if w]


def tokenizer() -> jieba.Tokenizer:
    """The process's tokenizer (one is ~50 MB): jieba's dictionary and the shop words, nothing else."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                tok = jieba.Tokenizer()
                tok.initialize()
                for word in shop_words():
                    tok.add_word(word, freq=max(COMMON_WORD, tok.suggest_freq(word)))
                _tokenizer = tok
                _function_chars.cache_clear()
    return _tokenizer


@lru_cache(maxsize=1)
def _shop_words() -> frozenset[str]:
    return frozenset(shop_words())


@lru_cache(maxsize=1)
def _function_chars() -> frozenset[str]:
    freq = tokenizer().FREQ
    singles = sorted(((f, w) for w, f in freq.items() if len(w) == 1 and f > 0), reverse=True)
    return frozenset(w for _, w in singles[:FUNCTION_CHARS])


def frequency(word: str) -> int:
    return tokenizer().FREQ.get(word) or 0


def is_common_word(span: str, known_evasions: frozenset[str] = frozenset()) -> bool:
    return frequency(span) >= COMMON_WORD and span not in known_evasions


def reads_as_language(span: str, spellings: frozenset[str]) -> bool:
    """A two-character span made of two of the commonest characters, sharing none with the term's spellings
    (是你吗's 你吗 for 尼玛, 越跑越快's 越跑 for 约炮; 约跑 keeps 约 and is an evasion)."""
    chars = _function_chars()
    return (len(span) == 2 and span[0] in chars and span[1] in chars
            and not any(c in spelling for spelling in spellings for c in span))


@lru_cache(maxsize=65536)
def _segment(window: str) -> tuple[tuple[int, int], ...]:
    return tuple((a, b) for _, a, b in tokenizer().tokenize(window, HMM=False))


def words_around(folded: str, index: list[int], start: int, end: int) -> list[tuple[int, int]]:
    """jieba's words over the match and a few characters either side (not the whole message). Where the
    original text had a separator (a comma, a space) the text is segmented on each side of it on its own:
    刷单，日赚 has no 单日 in it."""
    lo, hi = max(0, start - WINDOW), min(len(folded), end + WINDOW)
    out, piece = [], lo
    for i in separated(index, lo, hi) + [hi]:
        out += [(piece + a, piece + b) for a, b in _segment(folded[piece:i])]
        piece = i
    return out


def cuts_a_word(folded: str, words: list[tuple[int, int]], start: int, end: int,
                others: list[tuple[int, int]] = ()) -> bool:
    """True when a word of the text crosses an edge of the match (去死 in 去/死海 or 留下/注意), or a shop word
    holds it (去死皮). A dictionary word that holds the whole match (去死吧) doesn't cut it: compounds that
    hold a term and are innocent (垃圾分类, 废物利用) are for the allow-list, since jieba's dictionary has the
    bad ones too (色情网站). `others`: the other terms found; a word that one of them cuts too is split
    between them (刷单日赚千元: 单日 is cut by 刷单 and by 日赚千元). `words`: words_around the match."""
    shop = _shop_words()
    for a, b in words:
        holds = a <= start and end <= b
        if a < end and start < b and not holds and not (start <= a and b <= end):  # in part inside, in part out
            word = folded[a:b]
            if word not in shop and frequency(word) < CUTTING_WORD and not _common_part_cuts(folded, a, b, start, end):
                continue
            if any((a < s < b or a < e < b) and (s, e) != (start, end) for s, e in others):
                continue
            return True
        if holds and b - a > end - start and folded[a:b] in shop:
            return True
    return False


def _common_part_cuts(folded: str, a: int, b: int, start: int, end: int) -> bool:
    """A rare word of jieba's (注意事项, 3) whose common part (注意) crosses the match's edge: 下注 in 下注意事项."""
    for i in range(a, b - 1):
        for j in range(i + 2, b + 1):
            crosses = i < end and start < j and not (i <= start and end <= j) and not (start <= i and j <= end)
            if crosses and frequency(folded[i:j]) >= CUTTING_WORD:
                return True
    return False


# how much less likely (natural log of jieba's word probabilities) the likeliest reading of a match's
# surroundings in which a common word crosses its edge may be than the likeliest reading of all, and still
# count as the text's reading: 滚/蛋液 beside 滚蛋/液, 大/麻袋 beside 大麻袋
NEAR_READING = 2.0
TERM_COUNT = 300
LONGEST_WORD = 8


def nearly_cut(folded: str, index, start: int, end: int, others: list[tuple[int, int]] = ()) -> bool:
    """True when the text reads almost as well with a common word (or a shop word) across an edge of the match
    as in jieba's own likeliest reading: the match is then only an accident of two neighbouring words. Looked at
    within the separator-bounded stretch of words_around's window that holds the match."""
    lo, hi = max(0, start - WINDOW), min(len(folded), end + WINDOW)
    cuts = separated(index, lo, hi)
    a = max([k for k in cuts if k <= start], default=lo)
    b = min([k for k in cuts if k >= end], default=hi)
    others = tuple((s - a, e - a) for s, e in others if (s, e) != (start, end) and a < e and s < b)
    return _nearly_cut(folded[a:b], start - a, end - a, others)


@lru_cache(maxsize=65536)
def _nearly_cut(text: str, start: int, end: int, others: tuple[tuple[int, int], ...]) -> bool:
    """`others`: the other terms found here; a word one of them crosses too is split between them (cuts_a_word)."""
    tok, shop = tokenizer(), _shop_words()
    freq, log_total = tok.FREQ, math.log(tok.total)
    n, none = len(text), -math.inf
    # best[i][crossed]: the likeliest reading of text[i:], with or without a common word across an edge
    best = [[none, none] for _ in range(n + 1)]
    best[n][0] = 0.0
    for i in range(n - 1, -1, -1):
        for j in range(i + 1, min(n, i + LONGEST_WORD) + 1):
            word = text[i:j]
            count = freq.get(word)
            if count is None and not (i == start and j <= end):
                break  # jieba's table holds every prefix of its words (at 0): nothing longer starts so
            count = count or 0
            if i == start and j == end and not count:
                count = TERM_COUNT  # the term is a word of its own, even where jieba has none (刷单, 剑人)
            if j > i + 1 and not count:
                continue
            crosses = ((i < start < j or i < end < j) and not (i <= start and end <= j)
                       and (count >= CUTTING_WORD or word in shop)
                       and not any(i < s < j or i < e < j for s, e in others))
            score = math.log(count or 1) - log_total
            for crossed in (0, 1):
                rest = best[j][crossed]
                if rest == none:
                    continue
                to = 1 if crossed or crosses else 0
                if score + rest > best[i][to]:
                    best[i][to] = score + rest
    crossing, keeping = best[0][1], best[0][0]
    return crossing != none and crossing >= keeping - NEAR_READING


def inside_a_word(words: list[tuple[int, int]], start: int, end: int) -> bool:
    """True when the match is part of a longer word of the text (件人 in 收件人). `words`: words_around it."""
    return any(a <= start and end <= b and b - a > end - start for a, b in words)


def warm_up() -> None:
    tokenizer().lcut("预热")
