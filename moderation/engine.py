"""The rules engine: (text, lexicon) -> Verdict, with no I/O.

Matching runs an Aho-Corasick automaton over the folded text (normalize.py) and another
over its pinyin syllables (pinyin.py), so every Chinese term of two characters or more is
also found written in pinyin or with other characters that sound the same. A Chinese match
must not cut through a word of the language (language.py: jieba's own dictionary, never the
lexicon's terms), so 去死 doesn't fire inside 去死皮 whatever the lexicon; a sound-alike that is
an ordinary word in its own right (网袋 for 网贷) is that word. Then the built-in detectors
(detectors.py), the allow-list, and each category's configured action."""
from __future__ import annotations

import logging
import os
import re
import threading
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from . import ALLOW, MessageContext, Verdict, language
from .detectors import MAYBE_CONTACT, Found, contact_view, contacts, links, url_view
from .normalize import fold, fold_term, is_han
from .pinyin import CODE, SYLLABLE_OF, encode_term, han_codes, latin_windows

log = logging.getLogger(__name__)
DATA = os.path.join(os.path.dirname(__file__), "data")
CATEGORIES = ("diversion", "scam", "gambling", "porn", "drugs", "abuse", "counterfeit", "custom", "link")
# what other lexicons call our categories (an operator's list is theirs): anything else is custom, said on stderr
CATEGORY_SYNONYMS = {
    **dict.fromkeys(("fraud", "scams", "phishing", "诈骗", "欺诈", "骗局"), "scam"),
    **dict.fromkeys(("ad", "ads", "advert", "advertising", "spam", "contact", "contacts", "traffic", "引流",
                     "广告", "导流", "站外"), "diversion"),
    **dict.fromkeys(("gamble", "betting", "bet", "casino", "赌博", "博彩"), "gambling"),
    **dict.fromkeys(("drug", "narcotics", "narcotic", "毒品", "涉毒"), "drugs"),
    **dict.fromkeys(("sex", "sexual", "adult", "nsfw", "pornography", "色情", "涉黄", "低俗"), "porn"),
    **dict.fromkeys(("insult", "insults", "profanity", "harassment", "hate", "toxic", "辱骂", "脏话", "骂人",
                     "人身攻击"), "abuse"),
    **dict.fromkeys(("fake", "fakes", "counterfeits", "replica", "假货", "高仿", "仿冒"), "counterfeit"),
    **dict.fromkeys(("url", "urls", "links", "链接"), "link"),
    **dict.fromkeys(("other", "misc", "自定义", "其他"), "custom"),
}
# "hold" is a flag whose message is stored out of sight until a moderator approves it
DEFAULT_ACTIONS = {"diversion": "block", "scam": "block", "gambling": "block", "porn": "block", "drugs": "block",
                   "abuse": "mask", "counterfeit": "hold", "custom": "flag", "link": "flag"}
SEVERITY = {"allow": 0, "mask": 1, "flag": 2, "hold": 3, "block": 4}
MASK = "＊"
# links need a dot of some kind (or a scheme); messages without one skip the link view
MAYBE_LINK = re.compile(r"[.。点丶﹒．]|https?:|www|dot", re.IGNORECASE)
MAX_TERM = 64
SOUND_FLAGS = {"": True, "homophones": True, "no-homophones": False}


@dataclass(frozen=True, slots=True)
class Entry:
    term: str
    category: str
    homophones: bool = True  # sound-alikes too (every Chinese term of two characters or more), unless turned off


def category_of(name: str, configured: dict[str, str] | None = None) -> str | None:
    """A lexicon's category name as one of ours: itself, a configured mapping, a known synonym; None if unknown."""
    key = name.strip().lower()
    if key in CATEGORIES:
        return key
    if configured and key in configured:
        return configured[key]
    return CATEGORY_SYNONYMS.get(key)


def parse_words(text: str, *, source: str = "words", categories: dict[str, str] | None = None,
                warnings: list[str] | None = None) -> list[Entry]:
    """`term<TAB>category[<TAB>homophones|no-homophones]` per line, `#` starts a comment. Terms are plain
    text, never patterns. A category name of the lexicon's own is mapped (`categories`, then known synonyms
    such as fraud → scam) or else taken as custom, each said once in `warnings`; a line without a term and a
    category, or with an unknown third column, raises ValueError naming the line."""
    entries: list[Entry] = []
    renamed: dict[str, tuple[int, str | None]] = {}  # a category name not ours: its first line, what it became
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].rstrip("\r\n")
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) < 2 or not parts[0] or not parts[1]:
            raise ValueError(f"{source}:{number}: expected term<TAB>category ({', '.join(CATEGORIES)})")
        if len(parts[0]) > MAX_TERM:
            raise ValueError(f"{source}:{number}: a term has at most {MAX_TERM} characters")
        flag = parts[2].lower() if len(parts) > 2 else ""
        if flag not in SOUND_FLAGS:
            raise ValueError(f"{source}:{number}: the third column is homophones or no-homophones, not {parts[2]!r}")
        category = category_of(parts[1], categories)
        if parts[1].lower() not in CATEGORIES:
            renamed.setdefault(parts[1], (number, category))
        entries.append(Entry(parts[0], category or "custom", SOUND_FLAGS[flag]))
    if warnings is not None:
        for name, (number, category) in renamed.items():
            warnings.append(f"{source}:{number}: category {name!r} read as {category}" if category else
                            f"{source}:{number}: category {name!r} is not one of {', '.join(CATEGORIES)}: "
                            f"its terms are treated as custom")
    return entries


def read_words(path: str, *, categories: dict[str, str] | None = None,
               warnings: list[str] | None = None) -> list[Entry]:
    with open(path, encoding="utf-8") as f:
        return parse_words(f.read(), source=path, categories=categories, warnings=warnings)


def read_allow(path: str) -> list[str]:
    with open(path, encoding="utf-8") as f:
        return [line.split("#", 1)[0].strip() for line in f if line.split("#", 1)[0].strip()]


def default_allow() -> list[str]:
    """The shipped allow-list: shop phrases and the common compounds and idioms that hold a frequent term."""
    return read_allow(os.path.join(DATA, "default_allow.tsv"))


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
        # per sound: (syllables, a term, its category, sound-alikes on, every folded spelling of the terms)
        sounds: dict[str, tuple[int, str, str, bool, frozenset[str]]] = {}
        for entry in self.entries:
            folded = fold_term(entry.term)
            if not folded:
                continue
            self.chars.add_word(folded, (folded, entry.term, entry.category, False))
            for variant in _letter_variants(folded, entry.category):
                if variant not in self.chars:
                    self.chars.add_word(variant, (variant, entry.term, entry.category, False))
            for variant in _initials(folded, entry.category):
                if variant not in self.chars:
                    self.chars.add_word(variant, (variant, entry.term, entry.category, True))
            if len(folded) >= 2 and all(is_han(c) for c in folded):
                codes = encode_term(folded)
                if codes:
                    # every Chinese term is matched when written in pinyin; also when written with other
                    # characters that sound the same unless it says no-homophones (terms sharing a sound share it)
                    known = sounds.get(codes)
                    if known is None:
                        sounds[codes] = (len(codes), entry.term, entry.category, entry.homophones,
                                         frozenset((folded,)))
                    else:
                        sounds[codes] = known[:3] + (known[3] or entry.homophones, known[4] | {folded})
        for codes, value in sounds.items():
            self.sounds.add_word(codes, value)
        self.spellings = frozenset().union(*(value[4] for value in sounds.values()))
        for term in self.allow:
            folded = fold_term(term)
            if folded:
                self.allowed.add_word(folded, len(folded))
        for automaton in (self.chars, self.sounds, self.allowed):
            if len(automaton):
                automaton.make_automaton()

    @classmethod
    def default(cls) -> "Lexicon":
        """The shipped lexicon, built once per process (it is immutable, so sharing it is safe)."""
        global _DEFAULT
        with _DEFAULT_LOCK:
            if _DEFAULT is None:
                _DEFAULT = cls(read_words(os.path.join(DATA, "default_lexicon.tsv")), default_allow())
            return _DEFAULT

    def extended(self, entries: list[Entry], allow: list[str]) -> "Lexicon":
        """This lexicon plus a group's own terms and allow-list."""
        return Lexicon(self.entries + list(entries), self.allow + list(allow))

    def warm_up(self) -> None:
        language.warm_up()


def _masked(text: str, found: list[Found], views: dict[str, list[int]]) -> str:
    """views: per view a match was found in, the original index of each of its characters."""
    chars = list(text)
    for f in found:
        positions = views[f.view]
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
        found, views = self._found(text, lexicon or self.lexicon)
        if not found:
            return ALLOW
        action = max((self.actions[f.category] for f in found), key=SEVERITY.__getitem__)
        worst = max(found, key=lambda f: (SEVERITY[self.actions[f.category]], f.end - f.start))
        to_mask = [f for f in found if self.actions[f.category] == "mask"]
        masked = _masked(text, to_mask, views) if to_mask and action != "block" else None
        return Verdict(action="flag" if action == "hold" else action, hold=action == "hold",
                       categories=tuple(sorted({f.category for f in found})),
                       matches=tuple(dict.fromkeys(f.term for f in found)), text=masked,
                       rule=_rule(worst))

    def mask(self, text: str, categories: tuple[str, ...]) -> str:
        """`text` with what was found of these categories masked, whatever their action: a phone number a
        customer gives support reaches the shop, and only this masked text goes any further."""
        if not text:
            return text
        found, views = self._found(text, self.lexicon)
        return _masked(text, [f for f in found if f.category in categories], views)

    def _found(self, text: str, lexicon: Lexicon) -> tuple[list[Found], dict[str, list[int]]]:
        folded, index = fold(text)
        found = self._lexicon_matches(text, folded, index, lexicon)
        views = {"folded": index}
        if MAYBE_CONTACT.search(folded):
            seen, views["contact"] = contact_view(text)
            found += contacts(seen, text, views["contact"])
        if MAYBE_LINK.search(text):
            view, views["url"] = url_view(text)
            found += links(view, self.allowed_domains)
        if found and len(found) == 1 and _everyday(folded, found[0]) and not OFFERING.search(folded):
            return [], views
        return found, views

    def _lexicon_matches(self, text: str, folded: str, index: list[int], lexicon: Lexicon) -> list[Found]:
        # (what, for a sound-alike written in other characters: the term's spellings)
        candidates: list[tuple[Found, frozenset[str]]] = []
        if len(lexicon.chars):
            for end, (term_folded, term, category, initials) in lexicon.chars.iter(folded):
                start = end + 1 - len(term_folded)
                if initials and _among_latin_words(text, index[start], index[end]):
                    continue  # my in "my parcel" is English, not 迷药's initials
                candidates.append((Found(category, term, start, end + 1, "folded"), NONE))
        if len(lexicon.sounds):
            sounds = han_codes(folded)
            for end, (length, term, category, homophones, spellings) in lexicon.sounds.iter(sounds):
                start = end + 1 - length
                if homophones and folded[start:end + 1] not in spellings:  # spelt as a term: the chars found it
                    candidates.append((Found(category, term, start, end + 1, "folded"), spellings))
            codes = digit_codes(folded, sounds) if LONE_DIGIT.search(folded) else None
            if codes is not None:
                for end, (length, term, category, homophones, spellings) in lexicon.sounds.iter(codes):
                    start = end + 1 - length
                    span = folded[start:end + 1]
                    if homophones and any(c.isdigit() for c in span) and any(is_han(c) for c in span):
                        candidates.append((Found(category, term, start, end + 1, "folded"), spellings))
            for offset, codes, spans in latin_windows(folded, index):
                for end, (length, term, category, _, _) in lexicon.sounds.iter(codes):
                    start, stop = offset + spans[end + 1 - length][0], offset + spans[end][1]
                    if any("a" <= c <= "z" for c in folded[start:stop]):  # written (partly) in pinyin
                        candidates.append((Found(category, term, start, stop, "folded"), NONE))
        if not candidates:
            return []
        allowed = []
        if len(lexicon.allowed):
            allowed = [(end + 1 - length, end + 1) for end, length in lexicon.allowed.iter(folded)]
        out = []
        spans = [(f.start, f.end) for f, _ in candidates]
        for f, spellings in candidates:
            if any(a <= f.start and f.end <= b for a, b in allowed):
                continue
            if _inside_latin_word(text, index[f.start], index[f.end - 1]):
                continue  # 加v in 加vip: a Latin edge must not continue a Latin word in the original text
            if f.end - f.start <= 4 and folded[f.start:f.end].isascii() and _by_digits(text, index[f.start],
                                                                                        index[f.end - 1]):
                continue  # a few letters written onto a number are a code or a unit (170cm, ab12), no term
            span = folded[f.start:f.end]
            if span[-1] == "约" and ABOUT.match(folded, f.end):
                continue  # 约 before an amount is "about": 同城约两天能到 is no 同城约 (约一下 is)
            if spellings and (language.is_common_word(span, _known_evasions())
                              or language.reads_as_language(span, spellings)):
                continue  # 网袋 is a bag, not 网贷; 是你吗 is no 尼玛
            if spellings and span[-1] in PARTICLES and not any(span[-1] in spelling for spelling in spellings):
                continue  # a question or a sigh ends there: 偏大吗 asks about a size, no 大麻
            if spellings and _counted(folded, f.start, span, spellings):
                continue  # a number and what it counts: 六盒菜 is six boxes, no 六合彩
            if category_warned(folded, index, f.start, f.category):
                continue  # a warning against the thing: 谨防假冒, 远离赌博
            if not any(is_han(c) for c in span):
                out.append(f)
                continue
            words = language.words_around(folded, index, f.start, f.end)  # segmented once for both checks
            if spellings and language.inside_a_word(words, f.start, f.end):
                continue  # 收件人 has no 贱人
            if language.cuts_a_word(folded, words, f.start, f.end, spans):
                continue  # the term only appears across two words (去死 in 去死海)
            if language.nearly_cut(folded, index, f.start, f.end, spans):
                continue  # or reads almost as well so (滚/蛋液, 大/麻袋)
            out.append(f)
        return out


NONE: frozenset[str] = frozenset()
# measure words, and what may count them right before: a sound-alike whose character is a measure word after a
# number (六盒, 两份) or 这/每 (每份) is a quantity, whatever term it sounds like
MEASURE_WORDS = frozenset("个件份盒箱斤袋包瓶罐只条双套张块片颗粒桶杯碗支根把台部本次组串听提筐篮兜")
COUNTING = frozenset("0123456789一二两三四五六七八九十百千万几半每这那哪")  # not 上/下: 上份 is how 上分 is evaded too
# right before a term of a category other than abuse, with no separator between: a warning against it (谨防假冒,
# 远离赌博, 拒绝黄赌毒). Denials are not: 不是刷单，是正规平台做任务 is how scammers reassure
WARNED = re.compile(r"(?:谨防|警惕|小心|提防|远离|拒绝|严禁|禁止|举报|防止|当心|杜绝|打击|别信|不要信)$")
UNWARNED_CATEGORIES = frozenset({"abuse"})  # 小心你个傻逼 still calls someone one


# An operator's term that is an everyday word of the language (jieba's count ≥ EVERYDAY: 代理 1,946, 染色 343, 翻新
# 95, 垫付 60, against 刷单 that it barely knows) names something ordinary as often as the offence: alone in a
# message, with nothing of an offer around it, it is that ordinary thing (接龙由小李代理一下, 厨房在翻新). Said with
# an offer (招代理, 一件代发, 私我) or beside another finding it counts. Insults, gambling, sex and drugs (大麻 is hemp
# to jieba) are never excused so.
EVERYDAY = 50
CORROBORATED = frozenset({"scam", "counterfeit", "diversion", "custom"})
OFFERING = re.compile("招(?!呼)|收购|回收|出售|卖(?![得家完光])|找我|私我|私聊|私信|加我|联系我|有需要|要的(?:私|来|找|加)|懂的|"
                      "一手|货源|批发|代发|现货|有货|价格|价钱|便宜|低价|高价|赚|佣金|返利|返佣|日结|提现|充值|注册|首充|"
                      "包赔|稳赚|收益|零成本|零投资|门槛|名额|兼职|宝妈|一模一样|跟新的一样|原单|同款|专柜|大牌|以假乱真|精准|"
                      "加粉|引流|代理商|下线|团队|项目|渠道|内部|诚邀|欢迎咨询|扣1|月入|日入|到账|任务|模式|结算|拉人|奖励|"
                      "翻倍|汇率|轻松|不看征信|\\d{3,}")


def _everyday(folded: str, f: Found) -> bool:
    span = folded[f.start:f.end] if f.view == "folded" else ""
    return (f.category in CORROBORATED and len(span) >= 2 and all(is_han(c) for c in span)
            and language.frequency(span) >= EVERYDAY)


# A lone digit beside Chinese characters read as its sound (数字谐音: 6合彩, 同城1夜情, 去4吧); a digit that counts
# something (4楼, 2盒, 1kg, 5点) or is part of a longer number is a number
DIGIT_SYLLABLES = {"0": "ling", "1": "yi", "2": "er", "3": "san", "4": "si", "5": "wu", "6": "liu", "7": "qi",
                   "8": "ba", "9": "jiu"}
LONE_DIGIT = re.compile(r"(?<=[\u4e00-\u9fff])[0-9](?![0-9.a-z])|(?<![0-9.a-z])[0-9](?=[\u4e00-\u9fff])")
COUNTED_AFTER = MEASURE_WORDS | frozenset("楼号点年月日天岁元块斤克米分秒层室期折倍周星代段度寸码位人时中院季届级班路栋区线场轮遍科站")


def digit_codes(folded: str, sounds: str) -> str | None:
    """`sounds` (han_codes of `folded`) with each lone digit beside a Chinese character as its syllable's code;
    None when there is none."""
    chars, changed = None, False
    for m in LONE_DIGIT.finditer(folded):
        i = m.start()
        if folded[i + 1:i + 2] in COUNTED_AFTER:
            continue
        chars = chars or list(sounds)
        chars[i] = CODE[DIGIT_SYLLABLES[folded[i]]]
        changed = True
    return "".join(chars) if changed else None


def _counted(folded: str, start: int, span: str, spellings: frozenset[str]) -> bool:
    """What the measure word counts must not be the term's own ending: 六盒菜 counts boxes of food, 六盒彩 keeps
    the 彩 of 六合彩 and is the term."""
    same = [len(s) == len(span) for s in spellings]
    for k, c in enumerate(span):
        if (k == 0 and start == 0) or c not in MEASURE_WORDS or folded[start + k - 1] not in COUNTING:
            continue
        if any(ok and s[k] == c for ok, s in zip(same, spellings)):
            continue
        rest = span[k + 1:]
        if not rest or not any(ok and s[k + 1:] == rest for ok, s in zip(same, spellings)):
            return True
    return False


def category_warned(folded: str, index, start: int, category: str) -> bool:
    if category in UNWARNED_CATEGORIES or not start or WARNED.search(folded, max(0, start - 3), start) is None:
        return False
    return index[start] == index[start - 1] + 1  # 小心！冰毒这里有货: the warning ended its own sentence
PARTICLES = frozenset("吗嘛么呢吧啊呀哇啦嘞咯哦喔")  # the modal particles that end a clause
# an amount after 约 ("about"): a figure, or a Chinese number and a unit of time, distance, money or quantity
ABOUT = re.compile(r"\d|[一二两三四五六七八九十百千半几]{1,3}个?(?:天|日|小时|钟|分钟|分|秒|周|星期|礼拜|月|年|公里|里|米"
                   r"|元|块|斤|公斤|克|件|单|成|倍)")
LETTER_VARIANTS = 4  # terms of up to this many characters also match with one of them written as a letter


def _letter_variants(folded: str, category: str) -> list[str]:
    """傻b, 卧c, 傻x: one character of a Chinese term written as its pinyin initial, or, in an insult, as the x
    that censors it; at least one character stays (sb alone is too short to be sure of)."""
    if not 2 <= len(folded) <= LETTER_VARIANTS or not all(is_han(c) for c in folded):
        return []
    out = []
    for i, c in enumerate(folded):
        syllable = SYLLABLE_OF.get(c)
        letters = {syllable[0]} if syllable else set()
        if category == "abuse":
            letters.add("x")
        out += [folded[:i] + letter + folded[i + 1:] for letter in sorted(letters)]
    return out


# two-character terms of these categories are also written as their initials (sb, nc, yp, bc); longer terms of any
# (dbj for 大保健); never as one of the Latin words shop talk is full of (sizes, units, couriers, brands)
INITIALS_OF_TWO = frozenset(("abuse", "porn", "gambling", "drugs"))
SHOP_LATIN = frozenset("""sf yt zt yd jd st ems sto zto yto jt db xl xs xxl ok pk vip dm gg mm cm kg ml mg tv pc id qq
    wx vx hk ps bb cc bt ip ad ai ar no hi yy nb sku spu app cod ceo diy dna led lcd usb sd tf gps nfc oem odm kol
    ddl tb tm pdd wb dy ks xhs js mj gj cs ys sy ty""".split())


def _initials(folded: str, category: str) -> list[str]:
    """A whole Chinese term written as its pinyin initials, where people do so (sb for 傻逼)."""
    if not 2 <= len(folded) <= 4 or not all(is_han(c) for c in folded):
        return []
    if len(folded) == 2 and category not in INITIALS_OF_TWO:
        return []
    syllables = [SYLLABLE_OF.get(c) for c in folded]
    if not all(syllables):
        return []
    initials = "".join(s[0] for s in syllables)
    return [] if initials in SHOP_LATIN else [initials]


@lru_cache(maxsize=1)
def _known_evasions() -> frozenset[str]:
    """The shipped lexicon's Chinese terms: spellings that are evasions even where jieba lists them as words."""
    return Lexicon.default().spellings


def _rule(found: Found) -> str:
    """category:term, once (a detector's term may already start with its category: link:host)."""
    prefix = found.category + ":"
    return found.term if found.term.startswith(prefix) else prefix + found.term


def _latin(c: str) -> bool:
    return bool(c) and c.isascii() and c.isalpha()


def _among_latin_words(text: str, first: int, last: int) -> bool:
    """The nearest characters either side that aren't spaces are Latin letters: English (or pinyin) around it."""
    before = text[:first].rstrip()[-1:]
    after = text[last + 1:].lstrip()[:1]
    return _latin(before) or _latin(after)


def _by_digits(text: str, first: int, last: int) -> bool:
    return (first > 0 and text[first - 1].isdigit()) or (last + 1 < len(text) and text[last + 1].isdigit())


def _inside_latin_word(text: str, first: int, last: int) -> bool:
    """first/last: the original indexes of the match's first and last characters."""
    before = text[first - 1] if first > 0 else ""
    after = text[last + 1] if last + 1 < len(text) else ""
    return (_latin(text[first]) and _latin(before)) or (_latin(text[last]) and _latin(after))
