"""Names kept for staff: members may not call themselves 管理员, 客服, 官方, admin, moderator or the
shop's name, nor anything that looks the same once folded.

Folding: NFKD/NFKC (full-width letters, compatibility forms, accents dropped), case-fold, every
character that is not a letter or a digit dropped (spaces, zero-width and other format characters,
punctuation, symbols), then the look-alikes of Latin letters (0→o, 1→i, l→i, 3→e, 4→a, 5→s, @→a, $→s,
and the Cyrillic and Greek letters drawn like them; not the whole Unicode confusables table).
The Chinese words are refused anywhere inside a name (管理员小王, 官方旗舰客服); the Latin ones when
they are the whole name, digits around them aside (admin, Admin_01, ａｄｍｉｎ), so badminton stays
free; the shop's name anywhere inside."""
from __future__ import annotations

import unicodedata

RESERVED_INSIDE = ("管理员", "管理員", "客服", "官方", "站长", "系统管理")
RESERVED_WHOLE = ("admin", "administrator", "moderator", "mod", "sysadmin", "root", "system", "official",
                  "support", "staff", "kefu", "guanliyuan", "guanfang")
LOOKALIKE = str.maketrans({"0": "o", "1": "i", "l": "i", "3": "e", "4": "a", "5": "s", "@": "a", "$": "s",
                           "7": "t",
                           # Cyrillic and Greek letters drawn like Latin ones (after case-folding)
                           "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y", "і": "i",
                           "ј": "j", "ѕ": "s", "ԁ": "d", "м": "m", "н": "h", "т": "t", "к": "k", "в": "b",
                           "ο": "o", "α": "a", "ι": "i", "ν": "v", "ρ": "p", "τ": "t", "κ": "k", "μ": "u"})


def _kept(name: str) -> str:
    """NFKD (accents come apart and go), case-folded, letters and digits only (and @ $, look-alikes)."""
    text = unicodedata.normalize("NFKD", name).casefold()
    kept = "".join(ch for ch in text if ch in "@$" or unicodedata.category(ch)[0] in "LN")
    return unicodedata.normalize("NFKC", kept)


def fold_name(name: str) -> str:
    return _kept(name).translate(LOOKALIKE)


def reserved_name(name: str, shop_name: str = "") -> str | None:
    """The reserved word the name looks like, or None."""
    if not isinstance(name, str):
        return None
    kept = _kept(name)
    folded = kept.translate(LOOKALIKE)
    for word in RESERVED_INSIDE:
        if fold_name(word) in folded:
            return word
    core = kept.strip("0123456789").translate(LOOKALIKE)  # Admin_01 is admin, adm1n is admin
    for word in RESERVED_WHOLE:
        if fold_name(word) in (core, folded):
            return word
    shop = fold_name(shop_name or "")
    if shop and shop in folded:
        return shop_name
    return None
