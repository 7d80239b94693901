"""Blind held-out picture set for ShopChat picture moderation (issue 15).

Deterministic generator: every picture has a fixed seed, so running this file again
writes byte-identical JPEGs and the same labels.tsv.

    cd /work/main && .venv/bin/python tests/moderation/heldout_pictures/make.py

Written blind: the author did not read the moderation code. The pictures imitate what
shoppers and spammers post in the community groups of an online shop (clothes,
cosmetics, snacks, mother-and-baby goods).
"""
from __future__ import annotations

import io
import math
import random
from pathlib import Path

import numpy as np
import zxingcpp
from PIL import Image, ImageDraw, ImageFilter, ImageFont

OUT = Path(__file__).resolve().parent
MAX_BYTES = 60 * 1024

PHONE = (1080, 1440)
SHOT = (1080, 2340)
SQUARE = (800, 800)
SMALL = (640, 480)

NOTO = "/usr/share/fonts/opentype/noto/"
TT = "/usr/share/fonts/truetype/"
_FONT_FILES = {
    "sans": (NOTO + "NotoSansCJK-Regular.ttc", 2),
    "sans_b": (NOTO + "NotoSansCJK-Bold.ttc", 2),
    "serif": (NOTO + "NotoSerifCJK-Regular.ttc", 2),
    "serif_b": (NOTO + "NotoSerifCJK-Bold.ttc", 2),
    "mono": (NOTO + "NotoSansCJK-Regular.ttc", 7),
    "dejavu": (TT + "dejavu/DejaVuSans.ttf", 0),
    "dejavu_b": (TT + "dejavu/DejaVuSans-Bold.ttf", 0),
    "lib": (TT + "liberation/LiberationSans-Regular.ttf", 0),
    "lib_b": (TT + "liberation/LiberationSans-Bold.ttf", 0),
    "libserif": (TT + "liberation/LiberationSerif-Bold.ttf", 0),
}
_font_cache: dict = {}


def F(size: int, kind: str = "sans") -> ImageFont.FreeTypeFont:
    key = (kind, size)
    if key not in _font_cache:
        path, index = _FONT_FILES[kind]
        _font_cache[key] = ImageFont.truetype(path, size, index=index)
    return _font_cache[key]


# ---------------------------------------------------------------- backgrounds

def bg_solid(size, color):
    return Image.new("RGB", size, color)


def bg_gradient(size, c1, c2, vertical=True):
    w, h = size
    n = h if vertical else w
    t = np.linspace(0.0, 1.0, n)[:, None]
    row = (np.array(c1)[None, :] * (1 - t) + np.array(c2)[None, :] * t).astype(np.uint8)
    if vertical:
        arr = np.repeat(row[:, None, :], w, axis=1)
    else:
        arr = np.repeat(row[None, :, :], h, axis=0)
    return Image.fromarray(arr, "RGB")


def add_noise(img, rng, amp=6, blur=0.6):
    arr = np.asarray(img).astype(np.int16)
    noise = rng.normal(0, amp, arr.shape[:2])[:, :, None]
    out = Image.fromarray(np.clip(arr + noise, 0, 255).astype(np.uint8), "RGB")
    return out.filter(ImageFilter.GaussianBlur(blur)) if blur else out


def bg_noise(size, base, rng, amp=14):
    return add_noise(bg_solid(size, base), rng, amp=amp, blur=0.8)


def bg_photo(size, rng, palette=None, blobs=14, blur=None, noise=1):
    """Photo-like: big soft colour blobs (a room, a bed, a table) plus sensor noise."""
    w, h = size
    if palette is None:
        palette = [tuple(int(c) for c in rng.integers(40, 230, 3)) for _ in range(5)]
    img = Image.new("RGB", size, palette[0])
    d = ImageDraw.Draw(img)
    for _ in range(blobs):
        c = palette[int(rng.integers(0, len(palette)))]
        x, y = rng.integers(-w // 4, w), rng.integers(-h // 4, h)
        rw, rh = rng.integers(w // 8, w // 2), rng.integers(h // 8, h // 2)
        d.ellipse([int(x), int(y), int(x + rw), int(y + rh)], fill=c)
    img = img.filter(ImageFilter.GaussianBlur(blur or max(w, h) / 25))
    return add_noise(img, rng, amp=noise, blur=0.7) if noise else img


def busy_pattern(size, rng, shapes=160, noise=3):
    """A busy patterned background (floral fabric / packaging print)."""
    w, h = size
    img = bg_photo(size, rng, blobs=10, noise=0)
    d = ImageDraw.Draw(img)
    for _ in range(shapes):
        x, y = int(rng.integers(0, w)), int(rng.integers(0, h))
        r = int(rng.integers(6, 40))
        c = tuple(int(v) for v in rng.integers(0, 255, 3))
        if rng.random() < 0.5:
            d.ellipse([x - r, y - r, x + r, y + r], outline=c, width=3)
        else:
            d.line([x, y, x + r * 2, y + int(rng.integers(-r, r))], fill=c, width=3)
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    return add_noise(img, rng, amp=noise, blur=0.5) if noise else img


# ---------------------------------------------------------------- drawing helpers

def text(img, xy, s, font, fill, angle=0.0, stroke=0, stroke_fill=None, anchor="la",
         spacing=8, align="left"):
    """Draw (possibly multi-line, rotated) text with its top-left (or anchor) at xy."""
    d0 = ImageDraw.Draw(img)
    bbox = d0.multiline_textbbox((0, 0), s, font=font, stroke_width=stroke, spacing=spacing,
                                 align=align)
    bbox = [math.floor(bbox[0]), math.floor(bbox[1]), math.ceil(bbox[2]), math.ceil(bbox[3])]
    tw, th = bbox[2] - bbox[0] + 8, bbox[3] - bbox[1] + 8
    layer = Image.new("RGBA", (tw, th), (0, 0, 0, 0))
    ImageDraw.Draw(layer).multiline_text((4 - bbox[0], 4 - bbox[1]), s, font=font, fill=fill,
                                         stroke_width=stroke, stroke_fill=stroke_fill,
                                         spacing=spacing, align=align)
    if angle:
        layer = layer.rotate(angle, expand=True, resample=Image.BICUBIC)
    x, y = xy
    if anchor == "mm":
        x, y = x - layer.width // 2, y - layer.height // 2
    elif anchor == "ma":
        x = x - layer.width // 2
    elif anchor == "ra":
        x = x - layer.width
    base = img.convert("RGBA")
    base.alpha_composite(layer, (int(x), int(y)))
    img.paste(base.convert("RGB"))
    return layer.size


def text_width(s, font):
    return ImageDraw.Draw(Image.new("RGB", (1, 1))).textlength(s, font=font)


def wrap(s, font, width):
    lines, cur = [], ""
    for ch in s:
        if ch == "\n":
            lines.append(cur)
            cur = ""
            continue
        if text_width(cur + ch, font) > width:
            lines.append(cur)
            cur = ch
        else:
            cur += ch
    if cur:
        lines.append(cur)
    return "\n".join(lines)


def barcode(data, fmt, scale=4):
    b = zxingcpp.create_barcode(data, fmt)
    return Image.fromarray(np.array(zxingcpp.write_barcode_to_image(b, scale=scale))).convert("RGB")


def qr(data, px):
    """QR code about px wide, drawn with a whole number of pixels per module."""
    one = barcode(data, zxingcpp.BarcodeFormat.QRCode, scale=1)
    scale = max(1, round(px / one.width))
    if scale >= 8:  # big codes: modules that fill whole JPEG blocks (keeps files small)
        scale = scale // 8 * 8
    return barcode(data, zxingcpp.BarcodeFormat.QRCode, scale=scale)


def put_qr(img, data, px, xy):
    """Paste a QR code; the position is snapped to the 8-px grid (as after a screenshot crop)
    which keeps the JPEG small."""
    img.paste(qr(data, px), (int(xy[0]) // 8 * 8, int(xy[1]) // 8 * 8))


def paste_rotated(img, piece, xy, angle=0.0, fill=(255, 255, 255)):
    if angle:
        piece = piece.convert("RGBA").rotate(angle, expand=True, resample=Image.BICUBIC)
        base = img.convert("RGBA")
        base.alpha_composite(piece, (int(xy[0]), int(xy[1])))
        img.paste(base.convert("RGB"))
    else:
        img.paste(piece, (int(xy[0]), int(xy[1])))


def rounded(d, box, r, fill, outline=None, width=1):
    d.rounded_rectangle(box, radius=r, fill=fill, outline=outline, width=width)


def garment(img, rng, box, color):
    """A T-shirt / dress silhouette lying on a bed: a 晒单 photo's subject."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    layer = Image.new("RGBA", img.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    body = [(x0 + w * 0.25, y0 + h * 0.12), (x0 + w * 0.40, y0), (x0 + w * 0.60, y0),
            (x0 + w * 0.75, y0 + h * 0.12), (x1, y0 + h * 0.28), (x0 + w * 0.88, y0 + h * 0.42),
            (x0 + w * 0.76, y0 + h * 0.34), (x0 + w * 0.78, y1), (x0 + w * 0.22, y1),
            (x0 + w * 0.24, y0 + h * 0.34), (x0 + w * 0.12, y0 + h * 0.42), (x0, y0 + h * 0.28)]
    d.polygon(body, fill=color + (255,))
    shade = tuple(max(0, c - 35) for c in color) + (255,)
    d.line([(x0 + w * 0.40, y0), (x0 + w * 0.5, y0 + h * 0.08), (x0 + w * 0.60, y0)], fill=shade, width=6)
    layer = layer.filter(ImageFilter.GaussianBlur(2))
    base = img.convert("RGBA")
    base.alpha_composite(layer)
    img.paste(base.convert("RGB"))


def bottle(img, box, color, label_color=(250, 250, 250)):
    """A cosmetics bottle / snack bag shape for product shots."""
    x0, y0, x1, y1 = box
    d = ImageDraw.Draw(img)
    w = x1 - x0
    d.rounded_rectangle([x0 + w * 0.35, y0, x1 - w * 0.35, y0 + (y1 - y0) * 0.15], 8, fill=(60, 60, 60))
    d.rounded_rectangle([x0, y0 + (y1 - y0) * 0.13, x1, y1], 40, fill=color)
    d.rounded_rectangle([x0 + w * 0.1, y0 + (y1 - y0) * 0.40, x1 - w * 0.1, y0 + (y1 - y0) * 0.80], 12,
                        fill=label_color)
    return (int(x0 + w * 0.1), int(y0 + (y1 - y0) * 0.40), int(x1 - w * 0.1), int(y0 + (y1 - y0) * 0.80))


# ---------------------------------------------------------------- screens

def status_bar(img, d, dark=False, clock="21:47"):
    col = (255, 255, 255) if dark else (20, 20, 20)
    d.text((48, 30), clock, font=F(34, "sans_b"), fill=col)
    d.text((img.width - 200, 30), "5G  86%", font=F(30), fill=col)


def chat_screen(title, messages, rng, size=SHOT, bg=(237, 237, 237), app="im"):
    """A chat screenshot. messages: (side, content) where side is 'l'/'r'/'t' (time)
    and content is text or a PIL image (sent picture)."""
    img = bg_solid(size, bg)
    d = ImageDraw.Draw(img)
    status_bar(img, d)
    d.rectangle([0, 90, size[0], 200], fill=(247, 247, 247) if app == "im" else (255, 255, 255))
    d.text((size[0] // 2, 145), title, font=F(40, "sans_b"), fill=(20, 20, 20), anchor="mm")
    d.text((40, 145), "<", font=F(48), fill=(20, 20, 20), anchor="lm")
    d.line([0, 200, size[0], 200], fill=(215, 215, 215), width=2)
    y = 240
    font = F(40)
    colours = [tuple(int(c) for c in rng.integers(60, 220, 3)) for _ in range(2)]
    for side, content in messages:
        if side == "t":
            d.text((size[0] // 2, y + 20), content, font=F(28), fill=(150, 150, 150), anchor="mm")
            y += 80
            continue
        avatar_x = 30 if side == "l" else size[0] - 130
        d.rounded_rectangle([avatar_x, y, avatar_x + 100, y + 100], 14, fill=colours[side == "r"])
        if isinstance(content, Image.Image):
            cw, ch = content.size
            bx = 160 if side == "l" else size[0] - 160 - cw
            img.paste(content, (bx, y))
            d = ImageDraw.Draw(img)
            y += ch + 50
            continue
        body = wrap(content, font, 620)
        bb = d.multiline_textbbox((0, 0), body, font=font, spacing=12)
        bw, bh = bb[2] - bb[0] + 60, bb[3] - bb[1] + 50
        bx = 160 if side == "l" else size[0] - 160 - bw
        fill = (255, 255, 255) if side == "l" else (149, 236, 105)
        if app == "shop":
            fill = (255, 255, 255) if side == "l" else (255, 226, 210)
        d.rounded_rectangle([bx, y, bx + bw, y + bh], 16, fill=fill)
        d.multiline_text((bx + 30, y + 22 - bb[1]), body, font=font, fill=(25, 25, 25), spacing=12)
        y += max(bh, 100) + 40
    d.rectangle([0, size[1] - 160, size[0], size[1]], fill=(247, 247, 247))
    d.rounded_rectangle([120, size[1] - 130, size[0] - 200, size[1] - 40], 12, fill=(255, 255, 255))
    return img


# ---------------------------------------------------------------- saving

def save(img, name, quality):
    """JPEG at the given quality; lowered in steps of 5 (not below 60) to stay under 60 KB."""
    q = quality
    while True:
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=q, optimize=True)
        if buf.tell() <= MAX_BYTES or q <= 60:
            break
        q = max(60, q - 5)
    if buf.tell() > MAX_BYTES:
        print(f"!! {name}: {buf.tell()} bytes even at quality {q}")
    (OUT / name).write_bytes(buf.getvalue())
    return q, buf.tell()


PICTURES = []


# Pictures drawn at full phone resolution and then downscaled to 3/4, the way chat apps
# re-compress a forwarded picture (keeps text-heavy screenshots under 60 KB). Chosen
# evenly among violations and clean pictures.
SHRUNK = {
    "v01_wechat_qr_coupon_poster.jpg", "v15_penguin_number.jpg", "v21_chat_phone_spaced.jpg",
    "v22_chat_wx_id_cheap.jpg", "v23_gambling_baccarat_ad.jpg", "v29_brushing_chat_screenshot.jpg",
    "v35_long_press_qr_chat.jpg", "v42_screenshot_bio_with_wechat.jpg",
    "c03_size_chart_table.jpg", "c05_shipping_label_masked_phone.jpg", "c06_own_order_page_screenshot.jpg",
    "c16_ingredient_list_snack.jpg", "c20_chat_shipped_innocent.jpg", "c21_chat_mentions_wechat_pay.jpg",
    "c29_tracking_page_signed.jpg", "c33_review_list_screenshot.jpg",
}


def pic(name, label, what, quality=80):
    def deco(fn):
        PICTURES.append((name, label, what, quality, fn))
        return fn
    return deco


# ================================================================ VIOLATIONS

@pic("v01_wechat_qr_coupon_poster.jpg", "violation", "coupon poster: big WeChat personal QR, 扫码加微信领券", 85)
def _(rng):
    img = bg_gradient(PHONE, (255, 92, 70), (255, 196, 120))
    text(img, (540, 120), "限时福利", F(130, "sans_b"), (255, 255, 255), anchor="ma", stroke=4,
         stroke_fill=(200, 40, 30))
    text(img, (540, 300), "扫码加我微信 领50元无门槛券", F(54, "sans_b"), (255, 250, 220), anchor="ma")
    put_qr(img, "https://u.wechat.com/EHqk3Zx9vT0bLm8aQpWc2sY", 560, (260, 460))
    text(img, (540, 1080), "长按识别二维码 · 每天上新", F(44), (120, 30, 20), anchor="ma")
    text(img, (540, 1180), "群里不方便发价格 私聊更优惠", F(40), (255, 255, 255), anchor="ma")
    return img


@pic("v02_wechat_qr_corner_of_haul_photo.jpg", "violation", "晒单 photo of a T-shirt with a small WeChat QR stuck in the corner", 78)
def _(rng):
    img = bg_photo(PHONE, rng, palette=[(225, 220, 210), (200, 195, 190), (235, 232, 226)])
    garment(img, rng, (180, 260, 900, 1150), (70, 110, 170))
    put_qr(img, "https://u.wechat.com/MK2sQw81dZp", 170, (880, 1240))
    text(img, (60, 1300), "到货啦 料子很软", F(40), (60, 60, 60))
    return img


@pic("v03_qq_group_qr_join.jpg", "violation", "square poster: QQ group QR, 扫码进群 内部价", 82)
def _(rng):
    img = bg_solid(SQUARE, (18, 150, 219))
    text(img, (400, 50), "宝妈福利群", F(80, "sans_b"), (255, 255, 255), anchor="ma")
    text(img, (400, 160), "扫码进群 奶粉纸尿裤内部价", F(40), (230, 245, 255), anchor="ma")
    put_qr(img, "https://qm.qq.com/cgi-bin/qm/qr?k=Zk2Jd9Qx7LwPpA&jump_from=webapi", 400, (200, 240))
    text(img, (400, 680), "群号满了就换新群", F(34), (255, 255, 255), anchor="ma")
    return img


@pic("v04_taobao_shop_qr_product.jpg", "violation", "product shot of a lipstick with a QR to a Taobao shop (m.tb.cn)", 80)
def _(rng):
    img = bg_gradient(PHONE, (250, 228, 230), (240, 200, 205))
    lab = bottle(img, (380, 200, 700, 1000), (190, 30, 60))
    text(img, ((lab[0] + lab[2]) // 2, lab[1] + 40), "丝绒雾面\n#316", F(44, "sans_b"), (150, 20, 40),
         anchor="ma", align="center")
    put_qr(img, "https://m.tb.cn/h.5XyZabcQ?tk=Ab3dEf9GhIj", 260, (780, 1120))
    text(img, (60, 1180), "同款更便宜\n扫码直达店铺", F(48, "sans_b"), (120, 20, 40))
    return img


@pic("v05_pdd_goods_qr_small.jpg", "violation", "small picture: QR to a Pinduoduo goods page, 拼单更便宜", 70)
def _(rng):
    img = bg_solid(SMALL, (255, 255, 255))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, 640, 90], fill=(228, 57, 60))
    text(img, (320, 20), "拼单价 ¥9.9 包邮", F(40, "sans_b"), (255, 255, 255), anchor="ma")
    put_qr(img, "https://mobile.yangkeduo.com/goods.html?goods_id=381245671209", 300, (170, 120))
    text(img, (320, 430), "扫码一起拼", F(28), (90, 90, 90), anchor="ma")
    return img


@pic("v06_lookalike_domain_qr.jpg", "violation", "'official' sale poster whose QR goes to shopchat.com.vip-outlet.cn (not our domain)", 80)
def _(rng):
    img = bg_gradient(PHONE, (20, 20, 60), (90, 30, 120))
    text(img, (540, 140), "ShopChat 官方清仓", F(86, "sans_b"), (255, 215, 0), anchor="ma")
    text(img, (540, 280), "全场1折起 仅限今天", F(56), (255, 255, 255), anchor="ma")
    put_qr(img, "https://shopchat.com.vip-outlet.cn/sale?from=group", 520, (280, 460))
    text(img, (540, 1060), "扫码进入活动页", F(44), (230, 230, 255), anchor="ma")
    return img


@pic("v07_other_site_qr_hyphen_domain.jpg", "violation", "QR to shopchat-outlet.com (another site, looks like ours) on a dress photo", 75)
def _(rng):
    img = bg_photo(PHONE, rng, palette=[(240, 236, 230), (210, 200, 190), (180, 170, 160)])
    garment(img, rng, (200, 200, 880, 1100), (230, 120, 150))
    d = ImageDraw.Draw(img)
    d.rectangle([720, 1120, 1040, 1420], fill=(255, 255, 255))
    put_qr(img, "http://shopchat-outlet.com/p/88321", 280, (740, 1130))
    text(img, (60, 1250), "工厂店 同款 ¥39", F(56, "sans_b"), (200, 30, 60))
    return img


@pic("v08_qr_plain_wechat_id.jpg", "violation", "QR code that encodes a bare WeChat id (wxid_...) with 扫一扫", 80)
def _(rng):
    img = bg_solid(SQUARE, (245, 245, 245))
    put_qr(img, "wxid_k8s2m9q01x7z22", 460, (170, 120))
    text(img, (400, 620), "扫一扫 加好友", F(46, "sans_b"), (40, 40, 40), anchor="ma")
    return img


@pic("v09_add_v_caption_haul.jpg", "violation", "晒单 photo captioned 加V：meimei_8899 看实拍", 78)
def _(rng):
    img = bg_photo(PHONE, rng, palette=[(200, 180, 160), (170, 150, 130), (220, 205, 185)])
    garment(img, rng, (220, 240, 860, 1060), (245, 245, 240))
    text(img, (540, 1180), "加V：meimei_8899 看更多实拍", F(52, "sans_b"), (255, 255, 255), anchor="ma",
         stroke=3, stroke_fill=(0, 0, 0))
    return img


@pic("v10_weixin_homophone_watermark_small.jpg", "violation", "product photo with a small corner watermark 薇信 ab12345678 (~22px)", 80)
def _(rng):
    img = bg_photo(PHONE, rng, palette=[(235, 225, 215), (210, 190, 170), (250, 245, 240)])
    bottle(img, (360, 260, 720, 1100), (240, 200, 210))
    text(img, (760, 1390), "薇信 ab12345678", F(22), (120, 110, 100))
    return img


@pic("v11_vxin_hyphen_id_poster.jpg", "violation", "new-arrivals poster: V信: xy-6688-520 每日上新", 84)
def _(rng):
    img = bg_gradient(SQUARE, (255, 240, 200), (255, 210, 150), vertical=False)
    text(img, (400, 80), "每日上新", F(96, "serif_b"), (140, 60, 20), anchor="ma")
    text(img, (400, 260), "韩版女装 一件代发", F(50), (100, 50, 20), anchor="ma")
    text(img, (400, 420), "V信: xy-6688-520", F(64, "sans_b"), (200, 30, 30), anchor="ma")
    text(img, (400, 560), "朋友圈天天更新", F(40), (120, 80, 40), anchor="ma")
    return img


@pic("v12_vx_same_as_phone.jpg", "violation", "snack photo with 'vx同号 13812345678 批发'", 78)
def _(rng):
    img = bg_photo(PHONE, rng, palette=[(250, 200, 80), (230, 120, 40), (250, 230, 180)])
    lab = bottle(img, (300, 200, 780, 1000), (220, 60, 40), (255, 230, 120))
    text(img, ((lab[0] + lab[2]) // 2, lab[1] + 60), "辣条", F(110, "sans_b"), (200, 30, 20), anchor="ma")
    text(img, (540, 1120), "vx同号 13812345678 批发", F(54, "sans_b"), (30, 30, 30), anchor="ma")
    return img


@pic("v13_wei_heart_spaced_phone.jpg", "violation", "poster: 微❤ 138 1234 5678 with heart instead of 信", 82)
def _(rng):
    img = bg_gradient(PHONE, (255, 230, 240), (240, 170, 200))
    text(img, (540, 160), "闺蜜同款睡衣", F(92, "sans_b"), (160, 40, 90), anchor="ma")
    text(img, (540, 380), "工厂直发 质量保证", F(54), (120, 40, 70), anchor="ma")
    runs = [("微", F(78, "sans_b")), ("❤", F(78, "dejavu_b")), (" 138 1234 5678", F(78, "sans_b"))]
    x = 540 - sum(text_width(r, f) for r, f in runs) / 2
    d = ImageDraw.Draw(img)
    for r, f in runs:  # the CJK font has no ❤ glyph, so the heart comes from DejaVu
        d.text((x, 780), r, font=f, fill=(220, 0, 80), anchor="ls")
        x += text_width(r, f)
    text(img, (540, 880), "备注：群友", F(48), (120, 40, 70), anchor="ma")
    return img


@pic("v14_koukou_spaced_digits.jpg", "violation", "picture text 扣扣 3 2 5 6 7 8 9 1 0 (QQ number with spaces)", 80)
def _(rng):
    img = bg_noise(SMALL, (250, 250, 245), rng, amp=6)
    text(img, (40, 90), "代购 面膜 原价 ¥168 现价 ¥59", F(36), (60, 60, 60))
    text(img, (40, 220), "扣扣 3 2 5 6 7 8 9 1 0", F(52, "sans_b"), (20, 20, 20))
    text(img, (40, 340), "晚上在线", F(32), (100, 100, 100))
    return img


@pic("v15_penguin_number.jpg", "violation", "chat screenshot: 企鹅号：987654321 私聊", 82)
def _(rng):
    img = chat_screen("宝妈交流群(386)", [
        ("t", "昨天 20:15"),
        ("l", "这款奶瓶哪里买的呀"),
        ("r", "我这有货 比店里便宜"),
        ("r", "企鹅号：987654321 私聊我"),
        ("l", "好的 马上加"),
    ], rng)
    return img


@pic("v16_phone_dashes_banner.jpg", "violation", "banner with 电话 139-8765-4321 上门回收", 82)
def _(rng):
    img = bg_solid((1080, 600), (250, 210, 0))
    text(img, (540, 60), "高价回收 闲置名牌包", F(80, "sans_b"), (20, 20, 20), anchor="ma")
    text(img, (540, 260), "电话 139-8765-4321", F(90, "sans_b"), (200, 0, 0), anchor="ma")
    text(img, (540, 440), "当天上门 现金结算", F(48), (40, 40, 40), anchor="ma")
    return img


@pic("v17_fullwidth_digits_phone.jpg", "violation", "poster with full-width digits 联系 １３９８７６５４３２１", 82)
def _(rng):
    img = bg_gradient(SQUARE, (230, 250, 240), (170, 220, 200))
    text(img, (400, 120), "进口奶粉 代购", F(76, "sans_b"), (20, 100, 70), anchor="ma")
    text(img, (400, 330), "联系 １３９８７６５４３２１", F(48, "sans_b"), (20, 20, 20), anchor="ma")
    text(img, (400, 470), "保真 可查溯源码", F(40), (40, 90, 70), anchor="ma")
    return img


@pic("v18_chinese_numerals_phone.jpg", "violation", "haul photo caption with phone in 幺三八零零一二三四五六 numerals", 80)
def _(rng):
    img = bg_photo(PHONE, rng, palette=[(215, 225, 235), (180, 195, 215), (235, 240, 245)])
    garment(img, rng, (200, 220, 880, 1080), (40, 40, 50))
    text(img, (540, 1170), "要同款的打 幺三八零零一二三四五六", F(46, "sans_b"), (255, 255, 255), anchor="ma",
         stroke=2, stroke_fill=(40, 40, 40))
    return img


@pic("v19_capital_numerals_wechat.jpg", "violation", "sign: 微 信 壹叁玖 捌捌捌捌 陆陆陆陆 (financial-capital numerals)", 80)
def _(rng):
    img = bg_solid(SMALL, (140, 20, 20))
    text(img, (320, 60), "招代理", F(72, "serif_b"), (255, 220, 120), anchor="ma")
    text(img, (320, 220), "微 信 壹叁玖 捌捌捌捌 陆陆陆陆", F(40, "serif_b"), (255, 255, 255), anchor="ma")
    text(img, (320, 340), "零门槛 一件代发", F(36, "serif"), (255, 220, 120), anchor="ma")
    return img


@pic("v20_qq_plain_number_receipt_style.jpg", "violation", "white note picture: 售后找我 QQ 1234567890", 75)
def _(rng):
    img = bg_solid(SMALL, (255, 255, 255))
    text(img, (40, 60), "不想走平台售后的", F(40), (30, 30, 30))
    text(img, (40, 150), "直接找我 QQ 1234567890", F(44, "sans_b"), (30, 30, 30))
    text(img, (40, 260), "秒退款", F(40), (30, 30, 30))
    return img


@pic("v21_chat_phone_spaced.jpg", "violation", "chat screenshot: 我手机号 186 0000 1234 打我电话", 82)
def _(rng):
    img = chat_screen("小仙女穿搭分享群", [
        ("t", "14:02"),
        ("l", "这件连衣裙还有M码吗"),
        ("r", "有的 群里不好说价"),
        ("r", "我手机号 186 0000 1234 直接打我电话"),
        ("l", "好嘞 收到"),
    ], rng)
    return img


@pic("v22_chat_wx_id_cheap.jpg", "violation", "chat screenshot: 加我微信 wx: lisa_shop88 便宜出", 82)
def _(rng):
    img = chat_screen("美妆好物群(500)", [
        ("t", "上午 9:41"),
        ("l", "有人要雅诗兰黛小棕瓶吗"),
        ("l", "加我微信 wx: lisa_shop88 便宜出"),
        ("r", "多少钱"),
    ], rng)
    return img


@pic("v23_gambling_baccarat_ad.jpg", "violation", "gambling ad: 澳门皇家娱乐城 在线百家乐 首充送100%", 84)
def _(rng):
    img = bg_gradient(PHONE, (40, 0, 0), (120, 10, 20))
    text(img, (540, 120), "澳门皇家娱乐城", F(96, "serif_b"), (255, 210, 80), anchor="ma")
    text(img, (540, 300), "在线百家乐 真人荷官", F(64, "sans_b"), (255, 255, 255), anchor="ma")
    text(img, (540, 480), "首充送100% 日提百万", F(70, "sans_b"), (255, 80, 60), anchor="ma")
    d = ImageDraw.Draw(img)
    for i in range(6):
        x = 140 + i * 150
        d.ellipse([x, 700, x + 120, 820], fill=(200, 160, 40), outline=(255, 230, 150), width=6)
    text(img, (540, 960), "官网 www.hg8866.vip", F(54), (255, 230, 150), anchor="ma")
    return img


@pic("v24_gambling_lottery_rotated.jpg", "violation", "slightly rotated poster: 时时彩 稳赚不赔 日入过万 带你回本", 80)
def _(rng):
    img = bg_noise(SQUARE, (250, 240, 220), rng, amp=10)
    text(img, (400, 400), "时时彩计划群\n稳赚不赔 日入过万\n导师带你回本", F(66, "sans_b"), (200, 20, 20),
         anchor="mm", angle=6, align="center", spacing=20)
    return img


@pic("v25_fake_bag_ad.jpg", "violation", "bag photo: 高仿LV 一比一 原单品质 支持验货", 80)
def _(rng):
    img = bg_photo(PHONE, rng, palette=[(90, 60, 40), (140, 100, 70), (60, 40, 30)])
    d = ImageDraw.Draw(img)
    d.rounded_rectangle([260, 420, 820, 900], 40, fill=(120, 80, 40))
    d.arc([380, 240, 700, 560], 180, 360, fill=(90, 60, 30), width=24)
    text(img, (540, 1000), "高仿LV 一比一", F(80, "sans_b"), (255, 255, 255), anchor="ma", stroke=3,
         stroke_fill=(0, 0, 0))
    text(img, (540, 1130), "原单品质 支持验货", F(60, "sans_b"), (255, 230, 150), anchor="ma")
    return img


@pic("v26_original_order_a_goods.jpg", "violation", "price-list image: 原单尾货 A货 工厂直销 球鞋", 80)
def _(rng):
    img = bg_solid(SQUARE, (255, 255, 255))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, 800, 130], fill=(20, 20, 20))
    text(img, (400, 30), "原单尾货 工厂直销", F(60, "sans_b"), (255, 255, 255), anchor="ma")
    rows = ["AJ1 A货  ¥268", "椰子350 A货  ¥238", "空军一号 原单  ¥158", "支持得物验货 假一赔十"]
    for i, r in enumerate(rows):
        text(img, (60, 190 + i * 130), r, F(50), (30, 30, 30))
    return img


@pic("v27_replica_watch_small_text.jpg", "violation", "watch photo with small text 复刻名表 A货 专柜品质 over the photo", 76)
def _(rng):
    img = bg_photo(SQUARE, rng, palette=[(30, 30, 40), (70, 70, 90), (120, 110, 100)])
    d = ImageDraw.Draw(img)
    d.ellipse([250, 200, 550, 500], fill=(200, 200, 210), outline=(240, 210, 120), width=16)
    d.line([400, 350, 400, 240], fill=(20, 20, 20), width=6)
    d.line([400, 350, 480, 380], fill=(20, 20, 20), width=6)
    text(img, (40, 700), "复刻名表 A货 专柜品质 顺丰包邮", F(30), (235, 235, 235))
    return img


@pic("v28_brushing_orders_poster.jpg", "violation", "scam poster: 招聘刷单 日结 返利20% 宝妈学生可做", 84)
def _(rng):
    img = bg_gradient(PHONE, (255, 255, 255), (255, 220, 220))
    text(img, (540, 100), "急招", F(160, "sans_b"), (230, 0, 0), anchor="ma")
    text(img, (540, 360), "网络刷单 一单一结", F(76, "sans_b"), (30, 30, 30), anchor="ma")
    text(img, (540, 520), "返利20% 日结300+", F(76, "sans_b"), (230, 0, 0), anchor="ma")
    text(img, (540, 700), "宝妈 学生 上班族 手机就能做\n不收任何费用", F(50), (60, 60, 60), anchor="ma",
         align="center")
    return img


@pic("v29_brushing_chat_screenshot.jpg", "violation", "chat screenshot: 兼职刷单 垫付返利 佣金8元一单", 82)
def _(rng):
    img = chat_screen("兼职福利群", [
        ("t", "下午 3:20"),
        ("l", "兼职刷单 垫付返利 佣金8元一单 做完立返"),
        ("l", "想做的扣1"),
        ("r", "1"),
        ("r", "1"),
    ], rng)
    return img


@pic("v30_abuse_review_picture.jpg", "violation", "angry picture: 卖家是傻逼 骗子店 垃圾", 78)
def _(rng):
    img = bg_solid(SMALL, (0, 0, 0))
    text(img, (320, 100), "卖家是傻逼", F(80, "sans_b"), (255, 30, 30), anchor="ma")
    text(img, (320, 260), "骗子店 垃圾", F(70, "sans_b"), (255, 255, 255), anchor="ma")
    return img


@pic("v31_abuse_over_photo.jpg", "violation", "photo of parcel with caption 客服去死吧 狗东西 操你妈", 76)
def _(rng):
    img = bg_photo(PHONE, rng, palette=[(180, 140, 90), (150, 110, 70), (210, 180, 130)])
    d = ImageDraw.Draw(img)
    d.rectangle([240, 380, 840, 900], fill=(190, 150, 100), outline=(120, 90, 60), width=8)
    text(img, (540, 1050), "客服去死吧 狗东西 操你妈", F(60, "sans_b"), (255, 255, 0), anchor="ma",
         stroke=3, stroke_fill=(0, 0, 0))
    return img


@pic("v32_low_contrast_watermark_busy.jpg", "violation", "busy patterned fabric photo with a faint tiled watermark vx:abc8899", 78)
def _(rng):
    img = busy_pattern(PHONE, rng, shapes=110, noise=0)
    for i in range(4):
        text(img, (120 + (i % 2) * 420, 260 + i * 300), "vx:abc8899", F(56, "sans_b"), (235, 235, 235),
             angle=20)
    return img


@pic("v33_rotated_jiawei.jpg", "violation", "rotated sticker text 加薇 kk7788 on a cosmetics photo", 78)
def _(rng):
    img = bg_photo(SQUARE, rng, palette=[(250, 235, 235), (230, 200, 200), (255, 250, 245)])
    bottle(img, (280, 150, 520, 700), (250, 250, 250))
    d = ImageDraw.Draw(img)
    text(img, (500, 540), "加薇 kk7788", F(44, "sans_b"), (230, 40, 90), angle=-15)
    return img


@pic("v34_wechat_qr_rotated_on_table.jpg", "violation", "photo of a printed WeChat QR card lying rotated on a table", 80)
def _(rng):
    img = bg_photo(PHONE, rng, palette=[(120, 85, 60), (100, 70, 50), (140, 100, 70)])
    card = Image.new("RGB", (520, 640), (255, 255, 255))
    put_qr(card, "https://u.wechat.com/IGp7Rk2mN3xQwE", 440, (40, 40))
    text(card, (260, 520), "微信扫一扫 加我好友", F(36), (60, 60, 60), anchor="ma")
    paste_rotated(img, card, (220, 300), angle=8)
    return img


@pic("v35_long_press_qr_chat.jpg", "violation", "chat screenshot where someone sends a WeChat group QR picture: 长按识别进群", 82)
def _(rng):
    card = Image.new("RGB", (460, 540), (255, 255, 255))
    put_qr(card, "https://weixin.qq.com/g/AbCdEfGh12345678XyZ", 400, (30, 20))
    text(card, (230, 440), "群聊：特价清仓群", F(32, "sans_b"), (40, 40, 40), anchor="ma")
    text(card, (230, 490), "该二维码7天内有效", F(26), (140, 140, 140), anchor="ma")
    img = chat_screen("童装团购群", [
        ("t", "晚上 8:03"),
        ("l", "清仓了 长按识别进群 比这里便宜"),
        ("l", card),
        ("r", "进了"),
    ], rng)
    return img


@pic("v36_plus_v_haul_watermark.jpg", "violation", "晒单 photo with a thin white '+v ws_shop_01 看更多款' caption over a beige garment", 78)
def _(rng):
    img = bg_photo(PHONE, rng, palette=[(240, 240, 235), (215, 210, 205), (190, 185, 180)])
    garment(img, rng, (160, 200, 920, 1120), (210, 180, 140))
    text(img, (540, 700), "+v ws_shop_01 看更多款", F(58, "sans_b"), (255, 255, 255), anchor="mm")
    return img


@pic("v37_spaced_wei_xin_letters.jpg", "violation", "poster 微 信：Lily 1 0 2 4 (spaced 微 信 and spaced digits)", 82)
def _(rng):
    img = bg_gradient(SQUARE, (250, 250, 255), (200, 210, 250))
    text(img, (400, 100), "私人订制 手工饰品", F(60, "serif_b"), (60, 60, 140), anchor="ma")
    text(img, (400, 360), "微 信：Lily 1 0 2 4", F(64, "sans_b"), (30, 30, 90), anchor="ma")
    text(img, (400, 520), "备注来意", F(40), (80, 80, 140), anchor="ma")
    return img


@pic("v38_q_group_number.jpg", "violation", "picture: 福利Q群 765432109 进群领红包", 80)
def _(rng):
    img = bg_solid(SMALL, (255, 245, 230))
    text(img, (320, 70), "进群领红包", F(70, "sans_b"), (230, 60, 30), anchor="ma")
    text(img, (320, 220), "福利Q群 765432109", F(54, "sans_b"), (40, 40, 40), anchor="ma")
    return img


@pic("v39_tel_landline_shop_sign.jpg", "violation", "shop-front photo with sign TEL：0755-8888 6666 批发零售", 78)
def _(rng):
    img = bg_photo(PHONE, rng, palette=[(90, 100, 110), (60, 70, 80), (140, 150, 160)])
    d = ImageDraw.Draw(img)
    d.rectangle([80, 200, 1000, 520], fill=(200, 20, 30))
    text(img, (540, 230), "阿芳母婴用品", F(96, "sans_b"), (255, 240, 0), anchor="ma")
    text(img, (540, 390), "批发零售 TEL：0755-8888 6666", F(50, "sans_b"), (255, 255, 255), anchor="ma")
    return img


@pic("v40_letter_o_in_phone.jpg", "violation", "poster: 咨询VX 15O-1234-5678 (letter O for zero)", 82)
def _(rng):
    img = bg_gradient(PHONE, (240, 255, 250), (180, 230, 220))
    text(img, (540, 200), "减脂代餐奶昔", F(90, "sans_b"), (20, 120, 100), anchor="ma")
    text(img, (540, 420), "一个月瘦10斤", F(70), (40, 40, 40), anchor="ma")
    text(img, (540, 700), "咨询VX 15O-1234-5678", F(68, "sans_b"), (200, 40, 40), anchor="ma")
    return img


@pic("v41_gambling_up_down_points.jpg", "violation", "small ad: 网上赌球 上分下分秒到 微信同号", 75)
def _(rng):
    img = bg_gradient(SMALL, (10, 60, 20), (20, 120, 40), vertical=False)
    text(img, (320, 60), "世界杯 网上赌球", F(58, "sans_b"), (255, 255, 255), anchor="ma")
    text(img, (320, 200), "上分下分秒到 信誉老台", F(42), (255, 230, 100), anchor="ma")
    text(img, (320, 320), "微信同号 152 6688 9900", F(40, "sans_b"), (255, 255, 255), anchor="ma")
    return img


@pic("v42_screenshot_bio_with_wechat.jpg", "violation", "screenshot of a profile page whose bio says 微信 kiki_0520 下单备注群名", 82)
def _(rng):
    img = bg_solid(SHOT, (255, 255, 255))
    d = ImageDraw.Draw(img)
    status_bar(img, d)
    d.rectangle([0, 90, 1080, 700], fill=(250, 220, 225))
    d.ellipse([390, 200, 690, 500], fill=(230, 150, 170))
    text(img, (540, 540), "Kiki的小店", F(56, "sans_b"), (40, 40, 40), anchor="ma")
    text(img, (60, 760), "简介：日韩代购 正品保障", F(42), (80, 80, 80))
    text(img, (60, 840), "微信 kiki_0520 下单备注群名", F(42), (80, 80, 80))
    for i in range(6):
        x, y = 30 + (i % 3) * 350, 1000 + (i // 3) * 380
        d.rectangle([x, y, x + 330, y + 360], fill=tuple(int(c) for c in rng.integers(150, 240, 3)))
    return img


# ================================================================ CLEAN

@pic("c01_haul_tshirt_review.jpg", "clean", "晒单 photo of a T-shirt on a bed: 好评 面料舒服 尺码标准", 78)
def _(rng):
    img = bg_photo(PHONE, rng, palette=[(230, 225, 220), (210, 205, 200), (245, 242, 238)])
    garment(img, rng, (180, 220, 900, 1120), (200, 60, 60))
    text(img, (540, 1220), "好评！面料很舒服 尺码标准", F(50, "sans_b"), (60, 60, 60), anchor="ma")
    return img


@pic("c02_product_brand_size.jpg", "clean", "sneaker product shot with brand and size text: NIKE Air Max 尺码 42", 80)
def _(rng):
    img = bg_gradient(SQUARE, (245, 245, 245), (215, 215, 215))
    d = ImageDraw.Draw(img)
    d.polygon([(120, 520), (200, 380), (420, 360), (560, 300), (700, 420), (700, 540), (120, 560)],
              fill=(30, 30, 30))
    d.rectangle([120, 540, 700, 580], fill=(240, 240, 240))
    text(img, (400, 60), "NIKE Air Max 90", F(60, "dejavu_b"), (20, 20, 20), anchor="ma")
    text(img, (400, 650), "尺码 42  EUR 42 / US 8.5", F(40), (60, 60, 60), anchor="ma")
    return img


@pic("c03_size_chart_table.jpg", "clean", "size chart table S/M/L/XL/XXL with cm measurements", 85)
def _(rng):
    img = bg_solid(PHONE, (255, 255, 255))
    d = ImageDraw.Draw(img)
    text(img, (540, 60), "尺码表（单位：cm）", F(60, "sans_b"), (30, 30, 30), anchor="ma")
    cols = ["尺码", "衣长", "胸围", "肩宽", "袖长"]
    rows = [["S", "64", "96", "42", "19"], ["M", "66", "100", "43.5", "19.5"],
            ["L", "68", "104", "45", "20"], ["XL", "70", "108", "46.5", "20.5"],
            ["XXL", "72", "112", "48", "21"]]
    x0, y0, cw, rh = 60, 200, 192, 120
    for j, c in enumerate(cols):
        d.rectangle([x0 + j * cw, y0, x0 + (j + 1) * cw, y0 + rh], fill=(240, 230, 220), outline=(180, 180, 180),
                    width=2)
        text(img, (x0 + j * cw + cw // 2, y0 + 30), c, F(44, "sans_b"), (60, 40, 20), anchor="ma")
    for i, r in enumerate(rows):
        for j, c in enumerate(r):
            yy = y0 + (i + 1) * rh
            d.rectangle([x0 + j * cw, yy, x0 + (j + 1) * cw, yy + rh], outline=(180, 180, 180), width=2)
            text(img, (x0 + j * cw + cw // 2, yy + 30), c, F(44), (40, 40, 40), anchor="ma")
    text(img, (60, 980), "*平铺测量 误差1-3cm 属正常范围\n身高165 体重52kg 建议M码", F(40), (110, 110, 110),
         spacing=16)
    return img


@pic("c04_price_tag.jpg", "clean", "price tag photo: ¥129.00 原价 ¥199 货号 A2024-0588", 80)
def _(rng):
    img = bg_photo(SMALL, rng, palette=[(200, 200, 200), (170, 170, 175), (220, 220, 225)])
    tag = Image.new("RGB", (360, 300), (255, 250, 235))
    text(tag, (180, 20), "零售价", F(32), (80, 80, 80), anchor="ma")
    text(tag, (180, 70), "¥129.00", F(72, "dejavu_b"), (200, 20, 20), anchor="ma")
    text(tag, (180, 170), "原价 ¥199", F(30), (120, 120, 120), anchor="ma")
    text(tag, (180, 220), "货号 A2024-0588  M", F(28), (80, 80, 80), anchor="ma")
    paste_rotated(img, tag, (130, 70), angle=-4)
    return img


@pic("c05_shipping_label_masked_phone.jpg", "clean", "parcel shipping label: masked phone 138****5678, tracking number and barcode", 82)
def _(rng):
    img = bg_photo(PHONE, rng, palette=[(190, 150, 100), (170, 130, 85), (205, 170, 120)], noise=2)
    label = Image.new("RGB", (760, 980), (255, 255, 255))
    d = ImageDraw.Draw(label)
    d.rectangle([0, 0, 760, 110], fill=(20, 20, 20))
    text(label, (380, 20), "顺丰速运 标快", F(56, "sans_b"), (255, 255, 255), anchor="ma")
    label.paste(barcode("SF1432887650123", zxingcpp.BarcodeFormat.Code128, scale=3).resize((640, 160)), (60, 140))
    text(label, (380, 310), "运单号 SF1432887650123", F(36, "mono"), (20, 20, 20), anchor="ma")
    d.line([0, 380, 760, 380], fill=(0, 0, 0), width=3)
    text(label, (40, 410), "收 王**  138****5678\n广东省深圳市南山区科技园****\n\n寄 ShopChat仓库  400****888\n订单号 202405201588734",
         F(34), (20, 20, 20), spacing=18)
    d.line([0, 820, 760, 820], fill=(0, 0, 0), width=3)
    text(label, (40, 850), "托寄物：衣服   件数：1   重量：0.6kg", F(30), (20, 20, 20))
    paste_rotated(img, label, (150, 200), angle=-3)
    return img


@pic("c06_own_order_page_screenshot.jpg", "clean", "screenshot of ShopChat's own order detail page: 订单号, 实付款, 已发货", 84)
def _(rng):
    img = bg_solid(SHOT, (245, 245, 245))
    d = ImageDraw.Draw(img)
    status_bar(img, d, dark=True)
    d.rectangle([0, 0, 1080, 420], fill=(255, 90, 40))
    status_bar(img, d, dark=True)
    text(img, (540, 120), "订单详情", F(46, "sans_b"), (255, 255, 255), anchor="ma")
    text(img, (60, 250), "卖家已发货", F(64, "sans_b"), (255, 255, 255))
    rounded(d, [30, 450, 1050, 700], 24, (255, 255, 255))
    text(img, (70, 480), "收货人 李** 159****2231\n浙江省杭州市西湖区****", F(38), (40, 40, 40), spacing=20)
    rounded(d, [30, 730, 1050, 1150], 24, (255, 255, 255))
    d.rectangle([70, 770, 290, 990], fill=(230, 200, 180))
    text(img, (320, 780), "ShopChat自营 纯棉宽松短袖T恤\n白色 / L", F(38), (30, 30, 30), spacing=16)
    text(img, (320, 920), "¥89.00   x1", F(40, "sans_b"), (30, 30, 30))
    rounded(d, [30, 1180, 1050, 1700], 24, (255, 255, 255))
    rows = [("订单编号", "2024052013450098127"), ("下单时间", "2024-05-20 13:45:09"),
            ("支付方式", "微信支付"), ("商品总价", "¥89.00"), ("运费", "¥0.00"), ("实付款", "¥89.00")]
    for i, (k, v) in enumerate(rows):
        text(img, (70, 1220 + i * 78), k, F(36), (120, 120, 120))
        text(img, (1010, 1220 + i * 78), v, F(36), (30, 30, 30), anchor="ra")
    text(img, (540, 1760), "ShopChat · shopchat.com", F(30), (170, 170, 170), anchor="ma")
    return img


@pic("c07_wechat_pay_received_receipt.jpg", "clean", "payment receipt screenshot: 微信支付 已到账 ¥58.00 with long transaction number", 84)
def _(rng):
    img = bg_solid(SHOT, (255, 255, 255))
    d = ImageDraw.Draw(img)
    status_bar(img, d)
    text(img, (540, 120), "账单详情", F(44, "sans_b"), (20, 20, 20), anchor="ma")
    d.ellipse([470, 260, 610, 400], fill=(7, 193, 96))
    text(img, (540, 440), "微信支付已到账", F(48), (60, 60, 60), anchor="ma")
    text(img, (540, 540), "+58.00", F(110, "dejavu_b"), (20, 20, 20), anchor="ma")
    rows = [("当前状态", "已到账"), ("收款时间", "2024年5月20日 14:30:12"), ("支付方式", "零钱"),
            ("交易单号", "4200002143202405201987654321"), ("商户单号", "SC202405201430120031"),
            ("备注", "ShopChat 订单收款")]
    for i, (k, v) in enumerate(rows):
        text(img, (70, 800 + i * 100), k, F(36), (140, 140, 140))
        text(img, (1010, 800 + i * 100), v, F(34), (30, 30, 30), anchor="ra")
    return img


@pic("c08_qr_shopchat_product.jpg", "clean", "product card with QR to https://shopchat.com/p/10086", 82)
def _(rng):
    img = bg_solid(SQUARE, (255, 255, 255))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, 800, 420], fill=(250, 235, 215))
    bottle(img, (320, 40, 480, 400), (200, 140, 80))
    text(img, (40, 460), "ShopChat 精选 坚果礼盒 750g", F(40, "sans_b"), (30, 30, 30))
    text(img, (40, 530), "¥79.9", F(64, "dejavu_b"), (230, 40, 30))
    put_qr(img, "https://shopchat.com/p/10086", 230, (540, 540))
    text(img, (40, 680), "扫码查看商品详情", F(32), (120, 120, 120))
    return img


@pic("c09_qr_m_shopchat_coupon.jpg", "clean", "own-shop 618 coupon poster with QR to https://m.shopchat.com/coupon/618", 84)
def _(rng):
    img = bg_gradient(PHONE, (255, 70, 70), (255, 150, 60))
    text(img, (540, 120), "ShopChat 618", F(110, "dejavu_b"), (255, 255, 255), anchor="ma")
    text(img, (540, 290), "满300减50 · 全场包邮", F(64, "sans_b"), (255, 245, 200), anchor="ma")
    put_qr(img, "https://m.shopchat.com/coupon/618?ch=group", 480, (300, 460))
    text(img, (540, 1000), "扫码领券 6月18日前有效", F(48), (255, 255, 255), anchor="ma")
    return img


@pic("c10_qr_www_shopchat_small_corner.jpg", "clean", "晒单 photo with a small QR in the corner to https://www.shopchat.com/share/8842", 78)
def _(rng):
    img = bg_photo(PHONE, rng, palette=[(235, 230, 240), (215, 205, 225), (245, 240, 250)])
    garment(img, rng, (200, 220, 880, 1080), (150, 110, 190))
    put_qr(img, "https://www.shopchat.com/share/8842", 170, (880, 1240))
    text(img, (60, 1290), "同款链接扫码", F(36), (90, 80, 100))
    return img


@pic("c11_qr_uppercase_shopchat.jpg", "clean", "table-tent card: QR to HTTPS://M.SHOPCHAT.COM/G/7F3K (upper-case URL)", 80)
def _(rng):
    img = bg_photo(SQUARE, rng, palette=[(160, 120, 80), (140, 100, 70), (180, 140, 100)])
    card = Image.new("RGB", (420, 520), (255, 255, 255))
    put_qr(card, "HTTPS://M.SHOPCHAT.COM/G/7F3K", 360, (30, 20))
    text(card, (210, 420), "扫码加入ShopChat会员", F(30, "sans_b"), (40, 40, 40), anchor="ma")
    paste_rotated(img, card, (180, 120), angle=-5)
    return img


@pic("c12_qr_shop_subdomain_invoice.jpg", "clean", "invoice screenshot with QR to https://help.shopchat.com/invoice?id=88231", 84)
def _(rng):
    img = bg_solid(SHOT, (250, 250, 250))
    d = ImageDraw.Draw(img)
    status_bar(img, d)
    text(img, (540, 120), "电子发票", F(44, "sans_b"), (20, 20, 20), anchor="ma")
    rounded(d, [40, 240, 1040, 1400], 20, (255, 255, 255), outline=(220, 220, 220), width=2)
    rows = [("发票抬头", "个人"), ("发票金额", "¥256.00"), ("开票日期", "2024-05-22"),
            ("发票号码", "24332000000012345678"), ("订单号", "202405181022334455")]
    for i, (k, v) in enumerate(rows):
        text(img, (80, 290 + i * 90), k, F(36), (130, 130, 130))
        text(img, (1000, 290 + i * 90), v, F(36), (30, 30, 30), anchor="ra")
    put_qr(img, "https://help.shopchat.com/invoice?id=88231", 360, (360, 820))
    text(img, (540, 1200), "扫码下载发票", F(34), (130, 130, 130), anchor="ma")
    return img


@pic("c13_selfie_plain_photo.jpg", "clean", "plain selfie-like photo: face-ish blobs, no text", 75)
def _(rng):
    img = bg_photo(PHONE, rng, palette=[(120, 160, 200), (90, 130, 170), (200, 220, 235)], noise=2)
    d = ImageDraw.Draw(img)
    d.ellipse([330, 380, 750, 900], fill=(240, 205, 180))
    d.ellipse([300, 300, 780, 620], fill=(40, 30, 30))
    d.ellipse([360, 450, 720, 900], fill=(240, 205, 180))
    d.ellipse([440, 620, 480, 660], fill=(50, 40, 40))
    d.ellipse([600, 620, 640, 660], fill=(50, 40, 40))
    d.arc([480, 720, 600, 800], 20, 160, fill=(200, 90, 90), width=8)
    d.rectangle([240, 950, 840, 1440], fill=(240, 240, 240))
    return img.filter(ImageFilter.GaussianBlur(3))


@pic("c14_landscape_photo.jpg", "clean", "plain landscape photo (sky, hills), no text", 75)
def _(rng):
    img = bg_gradient(SMALL, (120, 180, 240), (230, 240, 250))
    d = ImageDraw.Draw(img)
    d.polygon([(0, 330), (160, 220), (330, 300), (480, 200), (640, 290), (640, 480), (0, 480)], fill=(70, 130, 70))
    d.polygon([(0, 400), (200, 340), (400, 390), (640, 350), (640, 480), (0, 480)], fill=(50, 100, 50))
    d.ellipse([500, 50, 570, 120], fill=(255, 240, 200))
    return add_noise(img.filter(ImageFilter.GaussianBlur(2)), rng, amp=3)


@pic("c15_meme_harmless.jpg", "clean", "meme with harmless text: 今天也是努力搬砖的一天", 78)
def _(rng):
    img = bg_photo(SQUARE, rng, palette=[(250, 220, 120), (240, 190, 90), (255, 240, 180)])
    d = ImageDraw.Draw(img)
    d.ellipse([250, 200, 550, 500], fill=(255, 210, 60), outline=(40, 40, 40), width=6)
    d.ellipse([320, 300, 350, 330], fill=(40, 40, 40))
    d.ellipse([450, 300, 480, 330], fill=(40, 40, 40))
    d.arc([330, 360, 470, 450], 200, 340, fill=(40, 40, 40), width=6)
    text(img, (400, 40), "打工人 打工魂", F(64, "sans_b"), (255, 255, 255), anchor="ma", stroke=4, stroke_fill=(0, 0, 0))
    text(img, (400, 620), "今天也是努力搬砖的一天", F(52, "sans_b"), (255, 255, 255), anchor="ma", stroke=4,
         stroke_fill=(0, 0, 0))
    return img


@pic("c16_ingredient_list_snack.jpg", "clean", "snack pack back: 配料表, 净含量, 生产日期, 保质期, 执行标准, EAN barcode", 84)
def _(rng):
    img = bg_photo(PHONE, rng, palette=[(250, 200, 60), (240, 180, 40), (255, 220, 100)], noise=2)
    panel = Image.new("RGB", (900, 1150), (255, 252, 240))
    body = ("产品名称：香辣味薯片\n配料：马铃薯、植物油、白砂糖、食用盐、\n辣椒粉、味精、食品添加剂（5'-呈味核苷酸二钠）\n"
            "净含量：135克\n生产日期：2024年05月01日\n保质期：9个月\n贮存条件：请置于阴凉干燥处\n"
            "执行标准：GB/T 22699\n生产许可证编号：SC11232058100123\n产地：广东省佛山市")
    text(panel, (40, 40), body, F(36), (40, 30, 20), spacing=18)
    bc = barcode("6901234567892", zxingcpp.BarcodeFormat.EAN13, scale=3)
    panel.paste(bc, (40, 900))
    paste_rotated(img, panel, (90, 140), angle=1.5)
    return img


@pic("c17_nutrition_table.jpg", "clean", "nutrition facts table with kJ, g and NRV% numbers", 84)
def _(rng):
    img = bg_solid(SMALL, (255, 255, 255))
    d = ImageDraw.Draw(img)
    text(img, (320, 16), "营养成分表", F(40, "sans_b"), (20, 20, 20), anchor="ma")
    rows = [("项目", "每100克", "NRV%"), ("能量", "2170千焦", "26%"), ("蛋白质", "6.1克", "10%"),
            ("脂肪", "32.5克", "54%"), ("碳水化合物", "54.3克", "18%"), ("钠", "620毫克", "31%")]
    for i, r in enumerate(rows):
        y = 80 + i * 62
        d.line([30, y, 610, y], fill=(0, 0, 0), width=2)
        for j, c in enumerate(r):
            text(img, (40 + j * 220, y + 10), c, F(32, "sans_b" if i == 0 else "sans"), (20, 20, 20))
    d.line([30, 452, 610, 452], fill=(0, 0, 0), width=2)
    return img


@pic("c18_baby_product_age_weight.jpg", "clean", "diaper pack photo: 适用体重 6-11kg L码 52片 with sizes", 80)
def _(rng):
    img = bg_photo(PHONE, rng, palette=[(230, 240, 250), (200, 220, 240), (250, 250, 255)])
    d = ImageDraw.Draw(img)
    d.rounded_rectangle([200, 200, 880, 1150], 50, fill=(120, 190, 240))
    d.ellipse([380, 300, 700, 620], fill=(255, 230, 200))
    text(img, (540, 680), "超薄透气 纸尿裤", F(64, "sans_b"), (255, 255, 255), anchor="ma")
    text(img, (540, 800), "L码 52片\n适用体重 6-11kg", F(56, "sans_b"), (20, 60, 120), anchor="ma", align="center")
    text(img, (540, 1010), "0-12个月 宝宝适用", F(40), (255, 255, 255), anchor="ma")
    return img


@pic("c19_cosmetics_spf.jpg", "clean", "sunscreen product shot: SPF50+ PA++++ 50ml", 82)
def _(rng):
    img = bg_gradient(SQUARE, (200, 235, 255), (255, 255, 255))
    lab = bottle(img, (300, 120, 500, 700), (250, 250, 250), (255, 200, 60))
    text(img, ((lab[0] + lab[2]) // 2, lab[1] + 20), "SPF50+\nPA++++", F(30, "dejavu_b"), (40, 40, 40),
         anchor="ma", align="center")
    text(img, (560, 300), "清爽防晒乳\n50ml\n军训必备", F(40, "sans_b"), (30, 80, 130), spacing=14)
    return img


@pic("c20_chat_shipped_innocent.jpg", "clean", "customer-service chat screenshot: 已经发货了 运单号 YT7588123456789", 82)
def _(rng):
    img = chat_screen("ShopChat官方客服", [
        ("t", "今天 10:12"),
        ("r", "你好 我的订单什么时候发货"),
        ("l", "亲，已经发货了哦，圆通快递 运单号 YT7588123456789，预计后天到~"),
        ("r", "好的谢谢"),
        ("l", "不客气，有问题随时联系我们哦"),
    ], rng, app="shop")
    return img


@pic("c21_chat_mentions_wechat_pay.jpg", "clean", "group chat screenshot: 可以用微信支付吗 / 支持微信和支付宝", 82)
def _(rng):
    img = chat_screen("ShopChat 宝妈好物群", [
        ("t", "昨天 21:30"),
        ("l", "这个奶粉下单可以用微信支付吗？"),
        ("r", "可以的，支持微信和支付宝，还能用花呗"),
        ("l", "好的 我刚付了 微信支付已经扣款了"),
        ("r", "赞 晒单记得发群里"),
    ], rng)
    return img


@pic("c22_chat_numbers_prices_sizes.jpg", "clean", "group chat about sizes: 身高160 体重100斤 穿M 码数 / 第二件半价", 82)
def _(rng):
    img = chat_screen("小仙女穿搭分享群", [
        ("t", "下午 4:48"),
        ("l", "身高160 体重100斤 穿什么码"),
        ("r", "我162 104斤 穿的M 刚好"),
        ("l", "这件现在199 第二件半价 两件一共298.5"),
        ("r", "划算 冲了"),
    ], rng)
    return img


@pic("c23_qq_candy_snack.jpg", "clean", "snack photo: 旺仔QQ糖 草莓味 20g (QQ is a candy brand)", 80)
def _(rng):
    img = bg_photo(SQUARE, rng, palette=[(255, 200, 210), (250, 170, 190), (255, 230, 235)])
    lab = bottle(img, (220, 100, 580, 700), (230, 50, 80), (255, 240, 120))
    text(img, ((lab[0] + lab[2]) // 2, lab[1] + 30), "QQ糖", F(80, "sans_b"), (220, 30, 60), anchor="ma")
    text(img, ((lab[0] + lab[2]) // 2, lab[1] + 140), "草莓味 20g", F(32), (120, 30, 40), anchor="ma")
    text(img, (400, 730), "小时候的味道 一口气吃了三包", F(36), (90, 40, 50), anchor="ma")
    return img


@pic("c24_v_neck_sweater.jpg", "clean", "product photo of a sweater: V领毛衣 M码 羊毛含量70%", 80)
def _(rng):
    img = bg_photo(PHONE, rng, palette=[(240, 235, 228), (225, 218, 210), (250, 248, 244)])
    garment(img, rng, (180, 200, 900, 1100), (140, 30, 40))
    text(img, (540, 1180), "V领毛衣 M码 羊毛含量70%", F(52, "sans_b"), (80, 40, 40), anchor="ma")
    return img


@pic("c25_penguin_print_hoodie.jpg", "clean", "kids' hoodie with 企鹅图案 text: 企鹅图案卫衣 110码", 80)
def _(rng):
    img = bg_gradient(PHONE, (230, 245, 255), (200, 225, 245))
    garment(img, rng, (200, 200, 880, 1080), (250, 250, 250))
    d = ImageDraw.Draw(img)
    d.ellipse([470, 500, 610, 700], fill=(30, 30, 40))
    d.ellipse([495, 560, 585, 690], fill=(255, 255, 255))
    text(img, (540, 1160), "可爱企鹅图案卫衣 110码 男女童", F(50, "sans_b"), (40, 60, 90), anchor="ma")
    return img


@pic("c26_review_chinese_numerals.jpg", "clean", "review picture text with Chinese numerals: 一共买了三件 第二件半价 五星好评", 80)
def _(rng):
    img = bg_photo(PHONE, rng, palette=[(240, 230, 215), (225, 210, 190), (250, 245, 235)])
    for i, c in enumerate([(220, 200, 160), (120, 140, 170), (60, 60, 60)]):
        garment(img, rng, (60 + i * 320, 300 + (i % 2) * 80, 380 + i * 320, 760 + (i % 2) * 80), c)
    text(img, (540, 1000), "一共买了三件 第二件半价\n一百九十九元到手两件 五星好评", F(50, "sans_b"), (70, 50, 30),
         anchor="ma", align="center", spacing=20)
    return img


@pic("c27_price_list_own_shop.jpg", "clean", "own-shop price list: 原价299 现价199 第2件0元 满199减20", 84)
def _(rng):
    img = bg_gradient(SQUARE, (255, 250, 240), (255, 230, 200))
    text(img, (400, 40), "本周特惠", F(80, "sans_b"), (220, 60, 20), anchor="ma")
    rows = ["羽绒服  原价299  现价199", "保暖袜  第2件0元", "围巾  ¥59.9", "全店满199减20"]
    for i, r in enumerate(rows):
        text(img, (80, 210 + i * 130), r, F(50), (60, 40, 20))
    text(img, (400, 730), "ShopChat 会员专享", F(34), (150, 100, 60), anchor="ma")
    return img


@pic("c28_phone_model_text.jpg", "clean", "phone case product shot: iPhone 15 Pro Max 256GB 适用", 80)
def _(rng):
    img = bg_gradient(SMALL, (30, 30, 40), (80, 80, 100))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle([220, 40, 420, 420], 30, fill=(230, 190, 200))
    d.rounded_rectangle([250, 70, 330, 150], 16, fill=(40, 40, 40))
    text(img, (440, 180), "iPhone 15\nPro Max\n256GB 适用", F(34, "sans_b"), (255, 255, 255))
    return img


@pic("c29_tracking_page_signed.jpg", "clean", "logistics tracking screenshot: 运单号 YT1234567890123 已签收, masked courier phone", 84)
def _(rng):
    img = bg_solid(SHOT, (245, 245, 245))
    d = ImageDraw.Draw(img)
    status_bar(img, d)
    text(img, (540, 120), "物流详情", F(44, "sans_b"), (20, 20, 20), anchor="ma")
    rounded(d, [30, 230, 1050, 460], 20, (255, 255, 255))
    text(img, (70, 270), "圆通速递  YT1234567890123", F(40, "sans_b"), (30, 30, 30))
    text(img, (70, 350), "已签收 · 本人签收", F(38), (7, 160, 90))
    rounded(d, [30, 490, 1050, 1700], 20, (255, 255, 255))
    steps = [("05-22 18:20", "已签收，签收人：本人。"), ("05-22 09:03", "派送中，快递员：刘师傅 电话：137****0912"),
             ("05-21 22:40", "到达【杭州转运中心】"), ("05-20 19:11", "【广州白云区】已揽收"),
             ("05-20 15:02", "商家已发货")]
    for i, (t, s) in enumerate(steps):
        y = 530 + i * 220
        d.ellipse([70, y + 10, 100, y + 40], fill=(7, 160, 90) if i == 0 else (200, 200, 200))
        text(img, (130, y), t, F(32), (140, 140, 140))
        text(img, (130, y + 60), wrap(s, F(36), 860), F(36), (40, 40, 40))
    return img


@pic("c30_date_time_banner.jpg", "clean", "notice banner with dates and times: 5月20日 10:00-22:00 直播 1000份", 82)
def _(rng):
    img = bg_gradient((1080, 600), (90, 40, 160), (200, 80, 200), vertical=False)
    text(img, (540, 60), "ShopChat 周年庆直播", F(72, "sans_b"), (255, 255, 255), anchor="ma")
    text(img, (540, 230), "2024年5月20日 10:00-22:00", F(60, "sans_b"), (255, 230, 120), anchor="ma")
    text(img, (540, 400), "整点抽奖 限量1000份", F(54), (255, 255, 255), anchor="ma")
    return img


@pic("c31_goodnight_plain.jpg", "clean", "plain gradient picture with 晚安 and a moon", 80)
def _(rng):
    img = bg_gradient(SQUARE, (10, 20, 60), (60, 40, 110))
    d = ImageDraw.Draw(img)
    d.ellipse([520, 120, 660, 260], fill=(255, 240, 180))
    d.ellipse([560, 100, 700, 240], fill=(20, 28, 70))
    text(img, (400, 480), "晚安", F(140, "serif_b"), (255, 255, 240), anchor="ma")
    return img


@pic("c32_unboxing_snacks.jpg", "clean", "unboxing photo of a snack gift box: 零食大礼包开箱 共28包", 78)
def _(rng):
    img = bg_photo(PHONE, rng, palette=[(200, 170, 130), (180, 150, 110), (220, 195, 160)])
    for i in range(8):
        x, y = 100 + (i % 4) * 230, 260 + (i // 4) * 420
        c = tuple(int(v) for v in rng.integers(80, 250, 3))
        bottle(img, (x, y, x + 200, y + 380), c)
    text(img, (540, 1200), "零食大礼包开箱 共28包 孩子超爱", F(52, "sans_b"), (255, 255, 255), anchor="ma",
         stroke=3, stroke_fill=(80, 50, 20))
    return img


@pic("c33_review_list_screenshot.jpg", "clean", "screenshot of product reviews list with usernames masked (小**), stars, sizes", 84)
def _(rng):
    img = bg_solid(SHOT, (255, 255, 255))
    d = ImageDraw.Draw(img)
    status_bar(img, d)
    text(img, (540, 120), "商品评价(2381)", F(44, "sans_b"), (20, 20, 20), anchor="ma")
    reviews = [("小**", "尺码：M  颜色：燕麦色", "很舒服，洗了两次没有起球，165的个子穿M正好。"),
               ("m***3", "尺码：L  颜色：黑色", "物流很快，第二天就到了，包装也很好。"),
               ("快乐**鸭", "尺码：S  颜色：白色", "第三次回购了，给妈妈也买了一件。"),
               ("t***n", "尺码：XL  颜色：灰色", "老公说好看，就是袖子稍微长一点点。")]
    for i, (u, spec, body) in enumerate(reviews):
        y = 240 + i * 460
        d.ellipse([40, y, 120, y + 80], fill=tuple(int(c) for c in rng.integers(120, 230, 3)))
        text(img, (140, y + 10), u, F(36, "sans_b"), (60, 60, 60))
        text(img, (140, y + 60), "★★★★★  " + spec, F(30), (240, 150, 0))
        text(img, (40, y + 130), wrap(body, F(38), 980), F(38), (30, 30, 30), spacing=12)
        for k in range(3):
            d.rectangle([40 + k * 200, y + 260, 220 + k * 200, y + 420],
                        fill=tuple(int(c) for c in rng.integers(150, 240, 3)))
    return img


@pic("c34_cart_screenshot_own_shop.jpg", "clean", "ShopChat cart screenshot: quantities, prices, 合计 ¥356.70, 结算(3)", 84)
def _(rng):
    img = bg_solid(SHOT, (242, 242, 242))
    d = ImageDraw.Draw(img)
    status_bar(img, d)
    text(img, (540, 120), "购物车(3)", F(44, "sans_b"), (20, 20, 20), anchor="ma")
    items = [("婴儿湿巾 80抽x10包", "¥49.90", "x2"), ("保湿面霜 50g", "¥168.00", "x1"), ("儿童牙刷 3支装", "¥88.90", "x1")]
    for i, (n, p, q) in enumerate(items):
        y = 240 + i * 320
        rounded(d, [30, y, 1050, y + 290], 20, (255, 255, 255))
        d.rectangle([70, y + 35, 290, y + 255], fill=tuple(int(c) for c in rng.integers(150, 240, 3)))
        text(img, (320, y + 40), n, F(38), (30, 30, 30))
        text(img, (320, y + 190), p, F(40, "sans_b"), (230, 50, 30))
        text(img, (1000, y + 190), q, F(36), (120, 120, 120), anchor="ra")
    d.rectangle([0, 2180, 1080, 2340], fill=(255, 255, 255))
    text(img, (60, 2230), "合计：¥356.70", F(44, "sans_b"), (30, 30, 30))
    rounded(d, [720, 2200, 1040, 2300], 50, (255, 80, 40))
    text(img, (880, 2220), "结算(3)", F(40, "sans_b"), (255, 255, 255), anchor="ma")
    return img


@pic("c35_masked_phone_address_card.jpg", "clean", "address confirmation card: 收货人 张** 186****1234 (masked), 邮编 310012", 82)
def _(rng):
    img = bg_solid(SMALL, (250, 250, 250))
    d = ImageDraw.Draw(img)
    rounded(d, [20, 40, 620, 440], 20, (255, 255, 255), outline=(230, 230, 230), width=2)
    text(img, (50, 70), "确认收货地址", F(36, "sans_b"), (30, 30, 30))
    text(img, (50, 150), "收货人：张**   186****1234\n地址：浙江省杭州市****路***号\n邮编：310012", F(30), (60, 60, 60),
         spacing=22)
    return img


@pic("c36_small_brand_watermark.jpg", "clean", "product photo with small corner watermark 'ShopChat 实拍' (~22px)", 80)
def _(rng):
    img = bg_photo(PHONE, rng, palette=[(240, 230, 220), (220, 200, 190), (250, 245, 240)])
    lab = bottle(img, (380, 240, 700, 1100), (180, 210, 190))
    text(img, ((lab[0] + lab[2]) // 2, lab[1] + 40), "洗发露\n500ml", F(40, "sans_b"), (40, 80, 60),
         anchor="ma", align="center")
    text(img, (860, 1390), "ShopChat 实拍", F(22), (130, 120, 110))
    return img


@pic("c37_busy_fabric_no_text.jpg", "clean", "close-up of busy floral fabric, no text", 76)
def _(rng):
    return busy_pattern(SQUARE, rng)


@pic("c38_handwritten_thanks_card.jpg", "clean", "photo of a thank-you card in the parcel: 感谢您的支持 期待再次光临 祝生活愉快", 78)
def _(rng):
    img = bg_photo(PHONE, rng, palette=[(200, 190, 180), (180, 170, 160), (220, 210, 200)])
    card = Image.new("RGB", (700, 480), (255, 248, 235))
    text(card, (350, 60), "感谢您的支持", F(64, "serif_b"), (150, 60, 40), anchor="ma")
    text(card, (350, 200), "期待再次光临\n祝您生活愉快", F(44, "serif"), (120, 80, 60), anchor="ma", align="center",
         spacing=20)
    text(card, (350, 400), "—— ShopChat 小店", F(30, "serif"), (150, 120, 100), anchor="ma")
    paste_rotated(img, card, (170, 400), angle=4)
    return img


@pic("c39_wechat_pay_qr_shopchat_checkout.jpg", "clean", "checkout screenshot: 请使用微信扫码支付 with QR to https://pay.shopchat.com/o/20240520", 84)
def _(rng):
    img = bg_solid(SHOT, (255, 255, 255))
    d = ImageDraw.Draw(img)
    status_bar(img, d)
    text(img, (540, 120), "ShopChat 收银台", F(44, "sans_b"), (20, 20, 20), anchor="ma")
    text(img, (540, 300), "¥256.00", F(100, "dejavu_b"), (20, 20, 20), anchor="ma")
    text(img, (540, 450), "订单号 202405201102938", F(36), (120, 120, 120), anchor="ma")
    put_qr(img, "https://pay.shopchat.com/o/20240520110293?sig=9f8a", 520, (280, 600))
    text(img, (540, 1180), "请使用微信扫码支付，15分钟内有效", F(38), (80, 80, 80), anchor="ma")
    return img


@pic("c40_bilingual_care_label.jpg", "clean", "garment care label: 100%棉 30°C水洗 Made in China, size 170/92A", 82)
def _(rng):
    img = bg_photo(SMALL, rng, palette=[(60, 60, 70), (90, 90, 100), (40, 40, 50)])
    lab = Image.new("RGB", (300, 420), (250, 250, 250))
    text(lab, (150, 20), "170/92A  L", F(34, "dejavu_b"), (20, 20, 20), anchor="ma")
    text(lab, (20, 90), "面料：100%棉\n30°C 水洗\n不可漂白\n Made in China", F(28), (40, 40, 40), spacing=14)
    text(lab, (20, 320), "合格证 检验员 07", F(24), (80, 80, 80))
    paste_rotated(img, lab, (170, 20), angle=-6)
    return img


@pic("c41_order_number_shared_for_help.jpg", "clean", "picture asking for help with an order: 订单号 2024052013450098127 还没到", 80)
def _(rng):
    img = bg_solid(SMALL, (255, 255, 255))
    text(img, (40, 60), "订单号 2024052013450098127", F(38, "sans_b"), (30, 30, 30))
    text(img, (40, 150), "下单五天了还没到\n麻烦客服帮忙查一下", F(38), (60, 60, 60), spacing=16)
    return img


@pic("c42_sunset_with_small_date_stamp.jpg", "clean", "photo with a small camera date stamp '2024 05 20' in orange", 76)
def _(rng):
    img = bg_gradient(PHONE, (250, 150, 80), (60, 40, 90))
    img = add_noise(img, rng, amp=3)
    text(img, (800, 1370), "2024 05 20", F(40, "dejavu_b"), (255, 140, 30))
    return img


# ---------------------------------------------------------------- main

def main():
    seen = set()
    lines = ["# ShopChat blind held-out picture set (issue 15), written by the held-out pictures test engineer "
             "(helper session, blind: moderation code not read) on 2026-12-03; regenerate with make.py"]
    counts = {"violation": 0, "clean": 0}
    for i, (name, label, what, quality, fn) in enumerate(PICTURES):
        assert name not in seen, name
        seen.add(name)
        assert label in counts and "\t" not in what
        rng = np.random.default_rng(1500 + i)
        random.seed(1500 + i)
        img = fn(rng).convert("RGB")
        if name in SHRUNK:
            img = img.resize((img.width * 3 // 4, img.height * 3 // 4), Image.LANCZOS)
        q, nbytes = save(img, name, quality)
        counts[label] += 1
        lines.append(f"{name}\t{label}\t{what}")
        print(f"{name:48s} {label:9s} {img.size[0]}x{img.size[1]} q{q} {nbytes // 1024}KB")
    (OUT / "labels.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(counts)


if __name__ == "__main__":
    main()
