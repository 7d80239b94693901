"""Reading what shoppers actually type: order numbers written every way, yes that is really a yes,
corrections, sizes and colours, body measurements, and the few phrases the NLU must not get wrong
(the courier's phone, when the money arrives, a parcel that stopped moving).

Pure functions over text: no Rasa, no platform; the actions decide what to do with the answers."""
from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Optional


def normalize(text: Optional[str]) -> str:
    """Full-width letters, digits and punctuation folded to ASCII (NFKC); the zero-width mark the
    platform puts before typed "/" text removed; outer spaces gone."""
    folded = unicodedata.normalize("NFKC", text or "")
    return folded.replace("\u200b", "").strip()


# "SC20261101001", "sc 2026 1101 001", "ＳＣ２０２６…", "SC-20261101-001"
ORDER_RE = re.compile(r"S\s*C[\s\-_]*((?:\d[\s\-_]*){8,14})", re.IGNORECASE)


def order_ids(text: Optional[str]) -> list[str]:
    """Every order number in the text, as the shop writes it: "SC" + digits."""
    found = []
    for match in ORDER_RE.finditer(normalize(text)):
        number = "SC" + re.sub(r"\D", "", match.group(1))
        if number not in found:
            found.append(number)
    return found


def order_id(text: Optional[str]) -> Optional[str]:
    found = order_ids(text)
    return found[-1] if found else None  # "不是SC…001，是SC…002": the last one named stands


def normalize_order_id(value: Optional[str]) -> Optional[str]:
    if not value:
        return None
    return order_id(value) or normalize(value).upper().replace(" ", "")


LATEST_RE = re.compile(r"(最新|最近|上一|上个|上次|前一|刚刚?|最后|新下)[^，。,.!！?？]{0,6}(单|买|拍|下的|订的)")


def wants_latest_order(text: Optional[str]) -> bool:
    """ "最新的订单" "上一个订单" "刚买的那单" "最近一单" """
    return bool(LATEST_RE.search(normalize(text))) or earlier_order_rank(text) is not None


EARLIER_RE = re.compile(r"(?P<ups>上{2,4})(?:一|个|一个)?[^，。,.!！?？]{0,4}(?:单|订单)|倒数第(?P<nth>[二三四2-4])(?:个|笔)?[^，。,.!！?？]{0,4}单")


def earlier_order_rank(text: Optional[str]) -> Optional[int]:
    """Which order counting back from the newest (0 = the newest): "上上个订单" is 1, "上上上单" 2,
    "倒数第二个订单" 1; None when the message does not count back."""
    match = EARLIER_RE.search(normalize(text))
    if not match:
        return None
    if match.group("ups"):
        return len(match.group("ups")) - 1
    return {"二": 1, "三": 2, "四": 3, "2": 1, "3": 2, "4": 3}[match.group("nth")]


# ---- yes / no / stop / correction --------------------------------------------------------------

YES_WORDS = ("确认", "确定", "是的", "是", "对", "对的", "对呀", "对啊", "嗯", "嗯嗯", "恩", "好", "好的", "好滴", "好哒",
             "行", "可以", "可以的", "没问题", "没错", "提交", "确认提交", "提交吧", "就这样", "就这样吧", "ok", "okay",
             "yes", "y", "👌", "对对", "对对对", "是滴", "确认无误", "没问题提交", "嗯对", "嗯是的", "好的提交",
             "可以提交", "确认没问题", "对的没错", "好的确认", "确定提交", "是这样的")
STOP_RE = re.compile(r"^(算了|不要了|不用了|不办了|不退了|不换了|不修了|不申请了|取消|取消吧|取消申请|先不了|先不用了|不需要了|"
                     r"还是算了|那算了|算了吧|还是算了吧|不了|不弄了|不搞了|不想退了|不想换了|放弃|撤销|不要|no|nope)"
                     r"[，,。.!！~～了吧啦呀]*$", re.IGNORECASE)
NO_RE = re.compile(r"^(不|不是|否|no|错了|不对|不对的|不是的|有错|有误|不行)[，,。.!！~～]*$", re.IGNORECASE)
CORRECTION_RE = re.compile(r"(不对|不是|错了|搞错|写错|说错|弄错|改成|改为|改一下|换成|换为|应该是|其实是|还是.{0,12}吧|改下|更正|修改)")
PUNCT = "，,。.!！~～ 　?？"


def _bare(text: Optional[str]) -> str:
    return normalize(text).strip(PUNCT).lower()


# the pieces a yes is made of ("嗯嗯 确认提交", "好的 没问题 提交吧", "对的 确认"): a message made of them and
# nothing else is a yes; anything else in it ("好的吧我再想想", "是L码", "可以换吗", "不确认") is not
YES_PIECES = sorted({*YES_WORDS, "确认", "确定", "提交", "没问题", "没错", "无误", "就这样", "是的", "对的", "好的",
                     "可以的", "好滴", "好哒", "是滴", "嗯", "恩", "对", "好", "行", "是", "可以", "ok", "okay", "yes",
                     "吧", "啦", "啊", "呀", "哈", "哦", "喔", "了", "亲",
                     # the casual yes ("好嘞", "嗯呢", "确认的", "对头", "没毛病", "👍") and the courtesy beside one
                     # ("好的 麻烦了", "确认，谢谢", "就是这个"): pieces too; a courtesy alone is no yes (see is_yes)
                     "嘞", "呢", "呐", "哒", "滴", "的", "对头", "没毛病", "妥", "妥了", "👍", "👌", "要的", "就是这个", "是这个",
                     "这个", "麻烦了", "麻烦", "麻烦你", "谢谢", "谢啦", "谢了", "辛苦了", "辛苦", "帮我", "一下",
                     "好嘞", "嗯呢", "嗯呐", "okk", "ok的", "就按这个", "按这个", "来吧", "那就", "就", "申请",
                     "尽快处理", "尽快", "快点处理", "快点", "处理", "来", "下"}, key=len, reverse=True)
YES_RE = re.compile(f"(?:{'|'.join(map(re.escape, YES_PIECES))})+")


def is_yes(text: Optional[str]) -> bool:
    """Only an unambiguous yes: a short answer made of yes words only (with particles), nothing else in it."""
    bare = _bare(text)
    if not bare or len(bare) > 16:
        return False
    bare = re.sub(r"[，,。.!！~～\s]+", "", bare)
    if bare in YES_WORDS:
        return True
    # a particle alone or the words that end a yes are not one on their own ("吧", "了")
    return bool(YES_RE.fullmatch(bare)) and bool(re.search(r"确认|确定|提交|没问题|没错|没毛病|是|对|好|行|可以|嗯|恩|ok|yes|"
                                                           r"妥|要的|👍|👌|就这样|按这个", bare))


STOP_WORDS_RE = re.compile(r"算了|不要了|不用了|不办了|不退了|不换了|不修了|不申请了|取消申请|取消|先不了|先不用了|不需要了|"
                           r"还是|那|不弄了|不搞了|不想退了|不想换了|放弃|撤销|我|吧|啦|呀|了|哈|[，,。.!！~～\s]")


def is_stop(text: Optional[str]) -> bool:
    """The customer gives up on the request: 算了 / 不要了 / 取消 / 算了不要了 …"""
    bare = _bare(text)
    return bool(STOP_RE.match(bare)) or (len(bare) <= 12 and bool(re.search(r"算了|不要了|不用了|不办了|取消", bare))
                                         and not STOP_WORDS_RE.sub("", bare))


def is_plain_no(text: Optional[str]) -> bool:
    return bool(NO_RE.match(_bare(text)))


def is_correction(text: Optional[str]) -> bool:
    return bool(CORRECTION_RE.search(normalize(text)))


BUTTON_RE = re.compile(r"^/([a-z_]+)(\{.*\})?$")


def button_intent(text: Optional[str]) -> Optional[str]:
    """The intent of a pressed button (the platform sends its payload as the text), else None."""
    match = BUTTON_RE.match((text or "").strip())
    return match.group(1) if match else None


# ---- sizes and colours -------------------------------------------------------------------------

SIZE_ORDER = ["XS", "S", "M", "L", "XL", "XXL", "XXXL"]
SIZE_RE = re.compile(r"(?<![A-Za-z])(XXXL|XXL|2XL|3XL|XL|XS|S|M|L)(?![A-Za-z])|(?<!\d)(3[4-9]|4[0-6])(?:\.5)?\s*(?=码|号|的|$|\s|，|,|。|呢|吗|嘛|么|还|有|也|吧|[?？!！])",
                     re.IGNORECASE)
SIZE_WORDS = {"加大": "XL", "大码": "XL", "中码": "M", "小码": "S", "均码": "均码"}
COLOR_WORDS = {"黑": "黑色", "白": "白色", "灰": "灰色", "蓝": "蓝色", "粉": "粉色", "红": "红色", "绿": "绿色",
               "黄": "黄色", "紫": "紫色", "米": "米色", "藏青": "藏青", "卡其": "卡其色", "咖": "咖啡色", "棕": "棕色"}
COLOR_RE = re.compile(r"(藏青|卡其|黑|白|灰|蓝|粉|红|绿|黄|紫|米|咖|棕)(色|的|款|(?=[A-Za-z\d]|码|号|$|\s|，|,))")


def sizes(text: Optional[str]) -> list[str]:
    """Sizes in order of mention: "M换成L" -> ["M", "L"]; shoe sizes as numbers."""
    text = normalize(text)
    text = ORDER_RE.sub(" ", text)  # the digits of an order number are not a shoe size
    found = []
    for match in SIZE_RE.finditer(text):
        value = (match.group(1) or match.group(2)).upper()
        value = {"2XL": "XXL", "3XL": "XXXL"}.get(value, value)
        found.append(value)
    for word, value in SIZE_WORDS.items():
        if word in text:
            found.append(value)
    return found


def colors(text: Optional[str]) -> list[str]:
    text = normalize(text)
    return [COLOR_WORDS[m.group(1)] for m in COLOR_RE.finditer(text)]


def wanted_variant(text: Optional[str]) -> tuple[Optional[str], Optional[str]]:
    """The size and colour the customer wants now: in "M换成L" / "不要黑色了换白色" the last one named."""
    found_sizes, found_colors = sizes(text), colors(text)
    return (found_sizes[-1] if found_sizes else None), (found_colors[-1] if found_colors else None)


def relative_size(text: Optional[str], current: Optional[str], available: Iterable[str]) -> Optional[str]:
    """ "大一号" / "小一码" from the size the customer has now, among the sizes the product comes in."""
    text = normalize(text)
    step = 1 if re.search(r"大(一|1|半)?(号|码|个码|点)", text) else -1 if re.search(r"小(一|1|半)?(号|码|个码|点)", text) else 0
    if not step or not current:
        return None
    ordered = list(dict.fromkeys(available))
    if current.upper() in SIZE_ORDER:
        ordered = sorted((s for s in ordered if s.upper() in SIZE_ORDER), key=lambda s: SIZE_ORDER.index(s.upper()))
    else:
        try:
            ordered = sorted(ordered, key=float)
        except ValueError:
            return None
    if current not in ordered:
        return None
    index = ordered.index(current) + step
    return ordered[index] if 0 <= index < len(ordered) else None


# ---- body measurements ------------------------------------------------------------------------

WEIGHT_RE = re.compile(r"(\d{2,3}(?:\.\d)?)\s*(斤|kg|KG|Kg|公斤|千克)")
HEIGHT_RES = (
    re.compile(r"(1)\s*[米m]\s*(\d{1,2})(?!\d)"),                       # 1米7 / 1米75 / 1m68
    re.compile(r"(?<![\d.])(1\.\d{1,2})\s*(?:米|m)(?![a-z])", re.IGNORECASE),  # 1.7米 / 1.75m
    re.compile(r"(?<![\d.])(1[4-9]\d)(?:\.\d)?(?!\d)(?!\s*(?:斤|kg|KG|Kg|公斤|千克|mm|毫米|块|元|码|号))\s*(?:cm|CM|厘米|公分)?"),
)
FOOT_RE = re.compile(r"(脚长|脚的长度|脚掌|脚)[^\d]{0,4}(\d{2,3}(?:\.\d)?)\s*(cm|厘米|公分|mm|毫米)?", re.IGNORECASE)
BARE_NUMBER_RE = re.compile(r"(?<![\d.])(\d{2,3})(?![\d.])(?!\s*(?:cm|CM|厘米|公分|mm|毫米|码|号|块|元|斤|kg|公斤))")


def height_cm(text: Optional[str]) -> Optional[float]:
    """170 / 170cm / 1米7 / 1.72米; never a weight ("150斤") or a foot length."""
    text = normalize(text)
    text = FOOT_RE.sub(" ", text)
    text = WEIGHT_RE.sub(" ", text)
    match = HEIGHT_RES[0].search(text)
    if match:
        tail = match.group(2)
        return 100 + float(tail) * (10 if len(tail) == 1 else 1)
    match = HEIGHT_RES[1].search(text)
    if match:
        return round(float(match.group(1)) * 100)
    match = HEIGHT_RES[2].search(text)
    return float(match.group(1)) if match else None


def weight_kg(text: Optional[str]) -> Optional[float]:
    """60kg / 60公斤 / 120斤 (a 斤 is half a kilogram); a bare number beside a height is a weight too:
    in kg when it is a likely kg figure, in 斤 when it is 90 or more (how people here write it)."""
    text = normalize(text)
    text = FOOT_RE.sub(" ", text)
    match = WEIGHT_RE.search(text)
    if match:
        value = float(match.group(1))
        return value / 2 if match.group(2) == "斤" else value
    if height_cm(text) is None:
        return None
    rest = text
    for pattern in HEIGHT_RES:
        rest = pattern.sub(" ", rest, count=1)
    for number in BARE_NUMBER_RE.findall(rest):
        value = float(number)
        if 35 <= value < 90:
            return value
        if 90 <= value <= 300:
            return value / 2
    return None


def foot_mm(text: Optional[str]) -> Optional[float]:
    """脚长 25cm / 25.5 / 250mm -> millimetres."""
    match = FOOT_RE.search(normalize(text))
    if not match:
        return None
    value, unit = float(match.group(2)), (match.group(3) or "").lower()
    if unit in ("mm", "毫米") or value >= 100:
        return value
    return value * 10


# ---- what a message asks about ---------------------------------------------------------------

TOPICS = {  # keywords of the pre-sales questions one message may hold several of
    "price": re.compile(r"多少钱|价格|价钱|几块|多少米|优惠|便宜|折扣|活动价|券|coupon|discount|满减|新人|首单", re.IGNORECASE),
    "stock": re.compile(r"有货|有没有货|还有吗|库存|缺货|有现货|还有没有|断货|有吗"),
    "size": re.compile(r"什么码|多大码|哪个码|几码|尺码|码数|穿多大|选多大|哪个尺码|尺寸"),
    "shipping": re.compile(r"包邮|运费|邮费|发什么快递|什么快递|几天到|几天能到|多久到|多久能到|多久发货|什么时候发货|几天发货|"
                           r"发货时间|当天发|当天能发|今天能发|今天发|几点(之前|以前|前)"),
    "payment": re.compile(r"花呗|分期|付款方式|怎么付款|信用卡|微信支付|支付宝|货到付款|到付|支付方式|怎么支付|先用后付"),
    "invoice": re.compile(r"发票|开票"),
    "authenticity": re.compile(r"正品|假货|真的吗|是真的|保真|假的"),
    "warranty": re.compile(r"保修|质保|保固|包修"),
}


def topics(text: Optional[str]) -> list[str]:
    text = normalize(text)
    found = [name for name, pattern in TOPICS.items() if pattern.search(text)]
    if "stock" in found and re.search(r"(什么码|尺码|码数).{0,3}有吗", text):
        found.remove("stock")
    return found


COURIER_PHONE_RE = re.compile(r"(快递员|快递小哥|派送员|配送员|快递|送货员|骑手|物流)[^，。,]{0,6}(电话|手机|号码|联系方式)|"
                              r"(电话|手机|联系方式)[^，。,]{0,6}(快递员|快递小哥|派送员|配送员|快递)")
REFUND_TIMING_RE = re.compile(r"(钱|款|退款|退的钱).{0,6}(什么时候|啥时候|多久|几天|多长时间|何时|怎么还没|还没|没)?.{0,4}(到账|到|退回|回来|退给我|返还)|"
                              r"(什么时候|啥时候|多久|几天).{0,4}(退钱|退款|到账)|"
                              r"(退款|退钱|钱|款)[^，,。?？]{0,6}(多久|几天|多长时间|什么时候|啥时候|何时)")
STALLED_RE = re.compile(r"(物流|快递|包裹|单号|件).{0,8}(没动|不动|没有动|没更新|不更新|没有更新|停了|卡住|卡在|没变化|没有变化|一直没|没进展|没有进展|停在|停留在|丢了|寄丢)|"
                        r"丢件|寄丢了|是不是丢了|^(帮我|麻烦|能不能|可以)?催(一下|下|催|一催)|帮我催|(好几天|几天了|三天|四天|五天|一周|一个星期).{0,8}(没动|不动|没更新|不更新|没变化|没消息|都没)")
STRONG_COMPLAINT_RE = re.compile(r"投诉|差评|举报|12315|维权|骗|垃圾|态度|赔偿|曝光|报警|生气|太差|不负责")


# "你们有保温杯吗" / "有没有卖雨伞" / "卖不卖充电宝": whether the shop sells a thing, not a complaint
SOLD_RE = re.compile(r"^(?:请问|亲|你们|你家|店里|这边|贵店|\s)*(?:有没有|有卖|卖不卖|有没|有)(?:卖|得卖)?\s*"
                     r"(?P<what>[^，,。!！?？\s]{1,12}?)\s*(?:卖|的|呀|啊)?\s*(?:吗|嘛|么|不|没|没有)?\s*[?？]*$")
NOT_A_THING_RE = re.compile(r"良心|脑子|人性|诚信|信誉|责任|人管|人理|人回|毛病|病|问题|意思|搞错|人吗|人在")


def asks_if_sold(text: Optional[str]) -> Optional[str]:
    """The thing asked about in "do you sell X?", or None (a complaint word or no such question)."""
    text = normalize(text)
    match = SOLD_RE.match(text)
    if not match or STRONG_COMPLAINT_RE.search(text) or NOT_A_THING_RE.search(text):
        return None
    return match.group("what")


# a follow-up about another product, asked the way the previous question was: "那T恤呢" after size advice
FOLLOW_UP_RE = re.compile(r"^(?:那|那么|还有|再问下|再问一下)?\s*(?P<what>[^，,。!！?？\s]{1,12}?)\s*(?:呢|怎么样|咋样)[?？。!！~～]*$")


def follow_up_of(text: Optional[str]) -> Optional[str]:
    match = FOLLOW_UP_RE.match(normalize(text))
    return match.group("what") if match else None


def has_body_measure(text: Optional[str]) -> bool:
    """Height, weight or foot length in the message ("我老婆脚长26.3厘米呢"): a size question about the
    product being talked about, whoever it is for."""
    return any(f(text) is not None for f in (height_cm, weight_kg, foot_mm))


def asks_courier_phone(text: Optional[str]) -> bool:
    return bool(COURIER_PHONE_RE.search(normalize(text)))


def asks_refund_timing(text: Optional[str]) -> bool:
    text = normalize(text)
    if re.search(r"运费|邮费|包邮", text):
        return False
    return bool(REFUND_TIMING_RE.search(text))


# "提交成功了吗？没成功的话再帮我提交一次": whether a request went through, not a new one
FILED_RE = re.compile(r"(提交|申请|办|弄|登记)(成功|上|好|完)?了?(吗|没|没有|么|嘛|吧[?？])|(提交|申请)(成功|上)?(了)?没|"
                      r"(成功|提交上|申请上|交上)了?(吗|没|没有|么|吧[?？])|有没有(提交|申请)(成功|上)|"
                      r"(没|没有)(成功|提交上|交上)?的话[^，,。]{0,4}再|再(帮我)?(提交|申请|交)(一(次|遍|下))?|"
                      r"重新(提交|申请)(一(次|遍|下))?")


def asks_if_filed(text: Optional[str]) -> bool:
    return bool(FILED_RE.search(normalize(text)))


# wide feet or a high instep: the shop's fit note for shoes says half a size up
WIDE_FOOT_RE = re.compile(r"脚[^，,。]{0,4}(宽|肥|胖|厚)|宽脚|(脚背|脚面)[^，,。]{0,3}(高|厚)|高脚背|高足弓|脚掌[^，,。]{0,3}(宽|大)")


USUAL_SIZE_RE = re.compile(r"(平时|一般|平常|通常|之前|以前|别的鞋|其他鞋|别家|其他的鞋|运动鞋都|鞋子都|我穿|我是)[^，,。\d]{0,5}"
                           r"(?:穿|买|是|都是)?\s*(3[4-9]|4[0-6])(?![\d.])")


def usual_shoe_size(text: Optional[str]) -> Optional[str]:
    """The shoe size the customer usually wears ("平时穿42码", "一般42的"), else None."""
    match = USUAL_SIZE_RE.search(normalize(text))
    return match.group(2) if match else None


def has_wide_feet(text: Optional[str]) -> bool:
    return bool(WIDE_FOOT_RE.search(normalize(text)))


def says_logistics_stalled(text: Optional[str]) -> bool:
    return bool(STALLED_RE.search(normalize(text)))


def is_strong_complaint(text: Optional[str]) -> bool:
    return bool(STRONG_COMPLAINT_RE.search(normalize(text)))


RETURN_TYPO_RE = re.compile(r"(退|推|腿|褪|蜕)(货|或|贷|活|获|伙|火|祸)|退掉|退回")
CANCEL_WORD_RE = re.compile(r"取消|撤销|撤单|撤回|关掉|不买了|不想买|拍错|下错|还没发")


def looks_like_return(text: Optional[str]) -> bool:
    """A return written with a common typo (退或 / 推货 / 退贷), and no word of cancelling in it."""
    text = normalize(text)
    return bool(RETURN_TYPO_RE.search(text)) and not CANCEL_WORD_RE.search(text)


# ---- product names -----------------------------------------------------------------------------

FILLER_RE = re.compile(r"请问|你们|你家|我想|我要|想要|想买|我买的|买的|这款|那款|这个|那个|这件|那件|一下|帮我|看看|查查|查一下|"
                       r"多少钱|价格|价钱|怎么样|好不好|有货吗|有货|有没有|还有吗|有吗|库存|什么码|穿什么码|尺码表|尺码|码数|"
                       r"退货|换货|退款|售后|申请|维修|保修|坏了|破损|想退|要退|想换|要换|退掉|换掉|退|换|"
                       r"包邮|运费|邮费|发票|开票|花呗|分期|正品|假货|快递|发货|优惠|便宜|打折|现货|到货|缺货|多大|多少|"
                       r"什么|哪个|推荐|介绍|详情|参数|质量|面料|材质|呢|吗|啊|呀|吧|哦|的|了|么|嘛|是|有|我|请|订单|单")


def product_phrases(text: Optional[str]) -> list[str]:
    """What in the message may name a product, longest first: the message without the question words,
    then its pieces, then 2-4 character windows (nicknames, a feature plus a category, a category word)."""
    text = normalize(text)
    text = ORDER_RE.sub(" ", text)
    text = WEIGHT_RE.sub(" ", text)
    text = FOOT_RE.sub(" ", text)
    for pattern in HEIGHT_RES:
        text = pattern.sub(" ", text)
    text = COLOR_RE.sub(" ", text)
    text = re.sub(r"(?<![A-Za-z])(XXXL|XXL|XL|XS|S|M|L)(?![A-Za-z])|\d+", " ", text, flags=re.IGNORECASE)
    text = FILLER_RE.sub(" ", text)
    pieces = [p for p in re.split(r"[\s，,。.!！?？、~～/]+", text) if p]
    phrases: list[str] = []

    def add(value: str) -> None:
        if value and value not in phrases and len(value) <= 20:
            phrases.append(value)

    if len(pieces) > 1:
        add(" ".join(pieces))
    for piece in sorted(pieces, key=len, reverse=True):
        add(piece)
    for piece in sorted(pieces, key=len, reverse=True):
        for width in (4, 3, 2):
            if len(piece) > width:
                for start in range(len(piece) - width, -1, -1):  # the end of a phrase is usually the category
                    add(piece[start:start + width])
    return [p for p in phrases if len(p) >= 2 or re.match(r"[A-Za-z0-9]", p) is None and len(p) == 1 and p in "鞋裙"]


# ---- who signed, a slow refund, returning before delivery, the warranty's terms ---------------------

SIGNED_BY_RE = re.compile(r"(谁|哪个|什么人|哪位)[^，,。?？]{0,4}(签收|签的|签了|收的|代收|代签|帮我签|帮我收)|"
                          r"签收人|签收的?(人|是谁|写的|显示|信息|记录)|(签|收)[^，,。?？]{0,2}(的)?(人)?是谁|"
                          r"被(谁|人)(签收|签|收|拿)|谁(给|帮)我(签|收)")


def asks_who_signed(text: Optional[str]) -> bool:
    """ "谁签收的" / "签收人是谁" / "签收写的啥" / "谁帮我签的": who (or where) the parcel was signed for."""
    return bool(SIGNED_BY_RE.search(normalize(text)))


REFUND_WORD_RE = re.compile(r"退款|退钱|钱|款")
SLOW_RE = re.compile(r"太慢|好慢|这么慢|真慢|慢死|还没(到|退|收到|回|到账|给)|还不(退|到|给|回)|怎么还|一直没|迟迟|拖|"
                     r"(一个?(礼拜|星期|周)|好几天|几天了|多少天|[一二三四五六七八九十两\d]+天)(了|都|还)|都.{0,3}(礼拜|星期|周|天)|催")


def says_refund_slow(text: Optional[str]) -> bool:
    """ "退款怎么还没到 都一个礼拜了" / "钱还不退 太慢了": a refund the customer says is late, not how long one takes."""
    text = normalize(text)
    if re.search(r"运费|邮费|包邮", text) or not REFUND_WORD_RE.search(text):
        return False
    refund = re.search(r"退款|退钱|钱[^，,。]{0,5}(退|到|回|给)|款[^，,。]{0,5}(退|到|回)|(退|到|回)[^，,。]{0,3}(钱|款)", text)
    return bool(refund) and bool(SLOW_RE.search(text))


BEFORE_DELIVERY_RE = re.compile(
    r"(没收到|没到|还没到|没到货|未收到|未签收|没签收|没拿到|收到之前|到货之前|签收之前|签收前|到货前|收货前|没发货|"
    r"在路上|还在运输)[^。]{0,8}(退|取消)|"
    r"(要|得|需要|必须)?等[^，,。]{0,3}(收到|到货|签收|到了)[^，,。]{0,4}(再|才)[^，,。]{0,3}退|"
    r"(收到|到货|签收)(了)?(以后|之后|后)?(再|才)(能|可以)?退")


def asks_return_before_delivery(text: Optional[str]) -> bool:
    """ "是不是要等收到了再退" / "还没收到能退吗": whether a return can start before the parcel arrives (a question)."""
    text = normalize(text)
    return bool(BEFORE_DELIVERY_RE.search(text)) and bool(re.search(r"吗|么|嘛|能不能|可不可以|是不是|可以|能|要不要|怎么|[?？]", text))


WARRANTY_TERMS_RE = re.compile(r"(保修|质保|保固|包修)(期)?(是|有)?(多久|多长|几年|多少|范围|怎么算|哪些|包括|期限)|"
                               r"保(几|多久)年?|三包怎么算|"
                               r"(摔|人为|进水|泡水|掉水|自己弄|不小心|压|磕)[^，,。]{0,4}(坏|碎|裂|的)[^，,。]{0,6}"
                               r"(管不管|管吗|保修吗|保不保|能保|可以保|能修吗|算不算|在保修|包不包|负责吗|保吗|修吗|给修)")
REPAIR_WANTED_RE = re.compile(r"(我|帮我|麻烦)?(要|想|申请|办理?)(保修|维修|返修|修)|帮我修|寄修|送修|怎么(申请|办理?)")


def asks_warranty_terms(text: Optional[str]) -> bool:
    """ "保修多久 摔坏了管不管": the warranty's terms asked, no repair asked for (and no order named)."""
    text = normalize(text)
    return bool(WARRANTY_TERMS_RE.search(text)) and not REPAIR_WANTED_RE.search(text) and not order_ids(text)
