"""Built-in detectors of contact details and links, on the folded text (see normalize.py)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .normalize import CharMap, as_digits

# a mainland mobile number: 11 digits from 13x-19x, not part of a longer run of digits or an id like SC2026...
PHONE = re.compile(r"(?<![0-9a-z])1[3-9]\d{9}(?![0-9])")
# WeChat / QQ ids after their keywords and their disguises (the folded text has no separators left)
CONTACT = re.compile(r"(微信号?|威信|薇信|维信|徽信|v信|加v|vx|wx|weixin|weix|扣扣|qq|企鹅号?|球球)(号码|号|id)?"
                     r"(?P<id>[a-z][a-z0-9_-]{5,19}|\d{5,11})")
WXID = re.compile(r"wxid[_-]?[a-z0-9]{6,}")
TLDS = ("com", "cn", "net", "org", "top", "xyz", "cc", "vip", "io", "me", "shop", "info", "club", "site", "online",
        "co", "tk", "ml", "app", "link", "ly", "tv", "icu", "fun", "live", "store", "hk", "tw")
URL = re.compile(r"(?:https?://|www\.)[^\s\u4e00-\u9fff，。！？]+|(?<![a-z0-9.@-])[a-z0-9][a-z0-9-]{0,62}"
                 r"(?:\.[a-z0-9-]{1,63})*\.(?:" + "|".join(TLDS) + r")(?![a-z0-9-])(?:/[^\s\u4e00-\u9fff，。！？]*)?")
DOTS = str.maketrans({"点": ".", "。": ".", "丶": ".", "﹒": "."})


@dataclass(frozen=True, slots=True)
class Found:
    category: str
    term: str
    start: int  # in the view it was found in
    end: int
    view: str   # "folded" or "url"


def contacts(folded: str) -> list[Found]:
    digits = as_digits(folded)
    found = [Found("diversion", "phone:" + m.group(0), m.start(), m.end(), "folded") for m in PHONE.finditer(digits)]
    for m in CONTACT.finditer(digits):
        found.append(Found("diversion", f"contact:{m.group(1)}", m.start(), m.end(), "folded"))
    found += [Found("diversion", "contact:wxid", m.start(), m.end(), "folded") for m in WXID.finditer(folded)]
    return found


def _url_char(c: str) -> str:
    return unicodedata.normalize("NFKC", c).casefold().translate(DOTS)


_URL = CharMap(_url_char)


def url_view(text: str) -> tuple[str, list[int]]:
    """NFKC, case-folded, Chinese dots read as dots; per character, its original index."""
    return _URL.apply(text)


def links(view: str, allowed_domains: tuple[str, ...]) -> list[Found]:
    out = []
    for m in URL.finditer(view):
        link = m.group(0)
        host = re.sub(r"^(https?://)?(www\.)?", "", link).split("/")[0].split(":")[0]
        if any(host == d or host.endswith("." + d) for d in allowed_domains):
            continue
        out.append(Found("link", "link:" + host, m.start(), m.end(), "url"))
    return out
