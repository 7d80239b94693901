"""Built-in detectors of contact details and links, on the folded text (see normalize.py)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .normalize import DIGIT_CHARS, DROPPED, TO_SIMPLIFIED, CharMap, is_han
from .pinyin import SYLLABLE_OF

# a mainland mobile number: 11 digits from 13x-19x (after +86 / 0086 or not), not part of a longer run of digits
# or an id like SC2026... (the contact view has no separators left, so 138-1234-5678 and 1 3 8 … read the same)
PHONE = re.compile(r"(?<![0-9])(?:0086|86)?(1[3-9]\d{9})(?![0-9])")
WXID = re.compile(r"wxid[_-]?[a-z0-9]{6,}")
TLDS = ("com", "cn", "net", "org", "top", "xyz", "cc", "vip", "io", "me", "shop", "info", "club", "site", "online",
        "co", "tk", "ml", "app", "link", "ly", "tv", "icu", "fun", "live", "store", "hk", "tw", "im", "la", "gl", "gd",
        "to", "ai", "ink", "wang", "ren", "work", "pub", "pro", "biz", "mobi", "tech", "ltd", "cloud", "red", "kim",
        "us", "uk", "de", "jp", "kr", "ru", "c0m")
DOT = r"(?:\.|dot)"  # abc dot com
URL = re.compile(r"(?:https?://|www\.)[^\s\u4e00-\u9fff，。！？]+|(?<![a-z0-9@-])(?<![a-z0-9-]\.)[a-z0-9][a-z0-9-]{0,62}"
                 r"(?:" + DOT + r"[a-z0-9-]{1,63})*" + DOT + r"(?:" + "|".join(TLDS) + r")(?![a-z0-9-])"
                 r"(?:/[^\s\u4e00-\u9fff，。！？]*)?")
DOTS = str.maketrans({"点": ".", "。": ".", "丶": ".", "﹒": ".", "·": "."})
# dropped from the link view: spaces and the brackets evaders put round a dot (abc [.] com, www . abc . com)
URL_DROPPED = frozenset("()（）[]【】「」{}<>《》") | {" ", "\t", "\u3000", "\u200b", "\u200c", "\u200d", "\ufeff"}


def _syllable_chars(*syllables: str) -> str:
    return "".join(sorted(c for c, s in SYLLABLE_OF.items() if s in syllables and is_han(c)))


# Contact keywords by shape: WeChat and QQ written as characters, their sound-alikes and look-alikes, pinyin and
# its initials, one character of them, a symbol or emoji standing in for one (•), with separators gone.
WEI, XIN = _syllable_chars("wei") + "徽嶶徾溦", _syllable_chars("xin")
KOU, QI = _syllable_chars("kou"), _syllable_chars("qi")
S = "•*"  # symbols and emoji between the characters of a keyword
WECHAT = (rf"(?<![a-z])(?:wechat|weixin|wei{S}x|wei{S}[{XIN}]|[wv]{S}x|[wv]{S}[{XIN}信])|[{WEI}]{S}(?:[{XIN}]|x(?![a-z]))"
          rf"|卫{S}星"  # 卫星 (a satellite, 🛰): WeChat's slang name; not every wei-xing (微星 and 伟星 are brands)
          rf"|•[{XIN}]|[微薇威]•|(?<![a-z])[wv]•|绿泡泡|[绿•]{S}泡{S}泡|(?<![a-z])[wv]{S}:|[微薇威]{S}:")
QQ = rf"(?<![a-z])q{S}q|(?<![a-z])q{S}:|(?<![a-z])q(?=号|群|\d{{7}})|[{KOU}]{S}[{KOU}]|(?<![a-z])kou{S}(?:kou|:)|企鹅|[{QI}]{S}[鹅e]|球球|🐧"
ONE = rf"(?:加|\+|找|搜|私|联系|add)(?:个|我|下|一下)?{S}[wvq微薇威扣]"  # the keyword cut to one character: 加v, 加个微
FILLER = r"(?:[:+•是为的我在加搜找群]|号码?|同号|帐号|账号|id|私我|私聊|联系){0,3}"
# an id: a letter and 5-19 letters or digits, or a short one with a digit in it (xm886), or a 5-11-digit number
ID = r"(?P<id>[a-z][a-z0-9]{5,19}(?![a-z0-9])|[a-z](?=[a-z]*\d)[a-z0-9]{4}(?![a-z0-9])|[1-9]\d{4,10}(?!\d))"
# every character a keyword above can start with: the search tries the keyword's many branches only there (one
# character class per position instead of every branch at every position, ~9x faster on a 60-character text)
KEY_STARTS = "wvqak+•" + WEI + KOU + QI + "微薇威绿企球🐧加找搜私联"
CONTACT = re.compile(rf"(?=[{re.escape(KEY_STARTS)}])(?P<key>{WECHAT}|{QQ}|{ONE}){FILLER}{ID}")
# ids that are an order or a parcel, never a contact (SC20261101001, SF1402236617845, YT…, JD…)
NOT_AN_ID = re.compile(r"(?:sc|sf|yt|jd|jdv|jt|zto|sto|yd|ems|dpk|db|ane|zt|yto|ht|best)\d{6,}")
EMOJI_WORDS = {"🐧": "🐧", "🛰": "卫星", "📞": "电话", "☎": "电话", "📱": "手机"}
KEPT = {"+": "+", ":": ":"}  # after NFKC: ＋ and ： are + and :
# a contact has five letters or digits in a row somewhere (an id, a QQ or phone number) once separators are gone
MAYBE_CONTACT = re.compile("[a-z0-9" + "".join(DIGIT_CHARS) + "]{5}")

@dataclass(frozen=True, slots=True)
class Found:
    category: str
    term: str
    start: int  # in the view it was found in
    end: int
    view: str   # "folded" or "url"


def _contact_char(c: str) -> str:
    if c in EMOJI_WORDS:
        return EMOJI_WORDS[c]
    out = []
    for n in unicodedata.normalize("NFKC", c).casefold():
        if n in KEPT or n == "➕":
            out.append(KEPT.get(n, "+"))
        elif n in EMOJI_WORDS:
            out.append(EMOJI_WORDS[n])
        elif unicodedata.category(n) in ("So", "Sm", "Sk", "Sc"):
            out.append("•")
        elif unicodedata.category(n) not in DROPPED:
            n = TO_SIMPLIFIED.get(ord(n), n)
            out.append(DIGIT_CHARS.get(n, n))
    return "".join(out)


_CONTACT = CharMap(_contact_char)


def contact_view(text: str) -> tuple[str, list[int]]:
    """The folded text for contact details: separators gone as in fold(), but + and : kept, a symbol or emoji
    kept as • (it may stand in for a character of a keyword), numerals read as digits. Per character, its
    original index."""
    return _CONTACT.apply(text)


def contacts(view: str, text: str = "", index=None) -> list[Found]:
    """Contact details in the contact view: a mobile number however it is written, an id-shaped run after a
    WeChat or QQ keyword in any disguise (within a few filler characters: 微信是 shopgirl_88), wxid_…
    text/index: the original and the view's index map into it: letters written onto a number make it a code
    (JDVA13857292014, an order or parcel number), while a word and then a number is a phone (call 183 0571 6629)."""
    found = [Found("diversion", "phone:" + m.group(1), m.start(), m.end(), "contact") for m in PHONE.finditer(view)
             if not _written_onto_letters(view, text, index, m.start())]
    for m in CONTACT.finditer(view):
        if not NOT_AN_ID.fullmatch(m.group("id")):
            found.append(Found("diversion", f"contact:{m.group('key')}", m.start(), m.end(), "contact"))
    found += [Found("diversion", "contact:wxid", m.start(), m.end(), "contact") for m in WXID.finditer(view)]
    return found


def _written_onto_letters(view: str, text: str, index, start: int) -> bool:
    if start == 0 or not ("a" <= view[start - 1] <= "z"):
        return False
    if index is None:
        return True
    first = index[start]
    return first > 0 and text[first - 1].isascii() and text[first - 1].isalpha()


def _url_char(c: str) -> str:
    if c in URL_DROPPED:
        return ""
    return "".join(n for n in unicodedata.normalize("NFKC", c).casefold().translate(DOTS) if n not in URL_DROPPED)


_URL = CharMap(_url_char)


def url_view(text: str) -> tuple[str, list[int]]:
    """NFKC, case-folded, Chinese dots read as dots, spaces and brackets gone; per character, its original index."""
    return _URL.apply(text)


def links(view: str, allowed_domains: tuple[str, ...]) -> list[Found]:
    out = []
    for m in URL.finditer(view):
        link = m.group(0)
        host = re.sub(r"^(https?://)?(www\.)?", "", link).split("/")[0].split(":")[0]
        if "." not in host:  # abcdotcom
            host = re.sub("dot(?=[a-z0-9-]+$)", ".", host)
        if any(host == d or host.endswith("." + d) for d in allowed_domains):
            continue
        out.append(Found("link", "link:" + host, m.start(), m.end(), "url"))
    return out
