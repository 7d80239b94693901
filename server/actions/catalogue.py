"""Finding a product the way shoppers name it: the shop's own aliases (小白T → SC-TEE-05), synonyms
(短袖 = T恤, 帽衫 = 卫衣), a feature with a category (加绒的衣服), the category word alone (鞋子).

The shop edits aliases and synonyms in one place (`GET/PUT /api/shop/aliases`, stored in settings, so
every process reads the same). A search scores each product of the catalogue; the best come first and
a name that matches nothing finds nothing (so the assistant never answers about the wrong product)."""
from __future__ import annotations

import re
import unicodedata

from ..domain.shop import ShopProduct
from ..domain.users import User
from ..errors import Forbidden, InvalidPayload
from ..services import Services
from ..validate import check_text

ALIASES_KEY = "catalogue_aliases"
SCAN_LIMIT = 2000          # a shop's catalogue; larger ones want a real search index
MAX_ALIASES = 50           # per product
MAX_SYNONYM_GROUPS = 200
MAX_WORD = 20
MIN_SCORE = 2
DEFAULT_SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("t恤", "短袖", "体恤", "半袖", "tee", "白t", "小白t", "t-shirt"),
    ("卫衣", "帽衫", "连帽衫", "hoodie", "套头衫"),
    ("耳机", "耳麦", "耳塞", "蓝牙耳机", "earbuds", "earphones", "airpods"),
    ("运动鞋", "跑鞋", "跑步鞋", "球鞋", "鞋子", "sneaker", "sneakers", "鞋"),
    ("连衣裙", "裙子", "长裙", "裙", "dress"),
    ("精华液", "精华", "serum", "原液"),
    ("服装", "衣服", "衣裳", "上衣"),
    ("数码", "电子产品"),
    ("美妆", "护肤品", "化妆品", "护肤"),
)
# words that say nothing about which product (they would match descriptions by chance)
FILLER = ("有没有", "还有", "有货", "没货", "库存", "多少钱", "价格", "价钱", "优惠", "请问", "那个", "这个", "那件",
          "这件", "那款", "这款", "一下", "什么", "怎么", "可以", "能不能", "是不是", "适合", "推荐", "想要", "想买",
          "我想", "我要", "你们", "你家", "有吗", "吗", "呢", "吧", "啊", "的", "了", "款", "件", "个", "买")
_PUNCT = re.compile(r"[\s\u3000,，.。!！?？、:：;；~～\"'“”‘’()（）\[\]【】<>《》/\\|+*&^%$#@=_-]+")


def normalize(text: str) -> str:
    """Full width to half, lower case, no punctuation: how names are compared."""
    return _PUNCT.sub(" ", unicodedata.normalize("NFKC", text or "").lower()).strip()


# -- what the shop edits ---------------------------------------------------------------------------

async def access_aliases(svc: Services) -> dict:
    """{"aliases": {sku: [names]}, "synonyms": [[words]]}; synonyms default to the shipped groups."""
    stored = await svc.storage.settings.get(key=ALIASES_KEY) or {}
    return {"aliases": stored.get("aliases", {}),
            "synonyms": stored.get("synonyms", [list(g) for g in DEFAULT_SYNONYMS])}


def _words(value, field: str, limit: int) -> list[str]:
    if not isinstance(value, list) or len(value) > limit:
        raise InvalidPayload(f"{field} must be a list of at most {limit} words", field=field)
    words = []
    for word in value:
        if not isinstance(word, str) or not normalize(word) or len(word.strip()) > MAX_WORD:
            raise InvalidPayload(f"every word in {field} must be 1-{MAX_WORD} characters", field=field)
        check_text(word, field, lines=False)
        if normalize(word) not in words:
            words.append(normalize(word))
    return words


async def check_set_aliases(svc: Services, user: User, *, aliases=None, synonyms=None) -> dict:
    """Replaces what is given (aliases, synonyms or both); every alias must name a product that exists."""
    if user.role != "admin":
        raise Forbidden("only platform admins edit the catalogue's aliases", code="not_admin")
    stored = dict(await svc.storage.settings.get(key=ALIASES_KEY) or {})
    if aliases is not None:
        if not isinstance(aliases, dict):
            raise InvalidPayload("aliases must be an object {sku: [names]}", field="aliases")
        cleaned = {}
        for sku, names in aliases.items():
            product = await svc.storage.products.get(sku=str(sku).upper())
            if product is None:
                raise InvalidPayload(f"no product {sku!r} in the catalogue", code="unknown_sku", field="aliases")
            if names:
                cleaned[product.sku] = _words(names, "aliases", MAX_ALIASES)
        stored["aliases"] = cleaned
    if synonyms is not None:
        if not isinstance(synonyms, list) or len(synonyms) > MAX_SYNONYM_GROUPS:
            raise InvalidPayload(f"synonyms must be a list of at most {MAX_SYNONYM_GROUPS} groups", field="synonyms")
        groups = [_words(group, "synonyms", MAX_ALIASES) for group in synonyms]
        if any(len(g) < 2 for g in groups):
            raise InvalidPayload("a synonym group needs at least two words", field="synonyms")
        stored["synonyms"] = groups
    if aliases is None and synonyms is None:
        raise InvalidPayload("give aliases, synonyms or both", field="aliases")
    await svc.storage.settings.put(key=ALIASES_KEY, value=stored)
    return await access_aliases(svc)


# -- searching ----------------------------------------------------------------------------------------

def _bigrams(text: str) -> set[str]:
    grams = set()
    for chunk in text.split():
        if chunk.isascii():
            grams.add(chunk)
        else:
            grams.update(chunk[i:i + 2] for i in range(len(chunk) - 1))
    return grams


def _strip_filler(query: str) -> str:
    for word in sorted(FILLER, key=len, reverse=True):
        query = query.replace(word, " ")
    return " ".join(query.split())


def score(product: ShopProduct, query: str, aliases: list[str], synonyms: list[list[str]]) -> int:
    """How well `query` (normalized) names `product`: an alias in the query outweighs everything; a synonym
    or bigram in the title counts more than one in the category, which counts more than the description."""
    title = normalize(product.title)
    category = normalize(product.category)
    rest = normalize(" ".join([product.description, product.fit_note, *map(str, product.attributes.values()),
                               *map(str, product.attributes.keys())]))
    points = 0
    if any(alias in query for alias in aliases) or normalize(product.sku) in query:
        points += 10
    for group in synonyms:
        if not any(word in query for word in group):
            continue
        if any(word in title for word in group):
            points += 4
        elif any(word in category for word in group):
            points += 3
    if category and category in query:
        points += 3
    for gram in _bigrams(_strip_filler(query)):
        if gram in title:
            points += 2
        elif gram in category or gram in rest:
            points += 1
    return points


async def search_products(svc: Services, query: str, *, limit: int = 5) -> list[ShopProduct]:
    """The products `query` names, best first; nothing when it names none. An empty query lists the catalogue."""
    wanted = normalize(query)
    if not wanted:
        return await svc.storage.products.search(query="", limit=limit)
    exact = await svc.storage.products.get(sku=wanted.replace(" ", "-").upper())
    if exact is not None:
        return [exact]
    edited = await access_aliases(svc)
    catalogue = await svc.storage.products.search(query="", limit=SCAN_LIMIT)
    scored = [(score(p, wanted, edited["aliases"].get(p.sku, []), edited["synonyms"]), p) for p in catalogue]
    ranked = sorted((s for s in scored if s[0] >= MIN_SCORE), key=lambda s: -s[0])
    return [p for _, p in ranked[:limit]]
