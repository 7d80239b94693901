"""What a picture says, for the rules engine: the codes in it (QR and other matrix codes, decoded with
zxing-cpp), the text written into it (read by OCR: rapidocr-onnxruntime, whose Chinese and English
models ship inside the wheel, so nothing is downloaded at run time) and its perceptual hash (imagehash's
pHash, which survives resizing and recompression), for recognising a picture moderators removed.

`read_picture` is pure and blocking (seconds of CPU for OCR): the server runs it in a worker pool, off
the event loop, once per stored content. `judge_picture` is cheap and is where context comes in: the
shop's own domains, the group's words (through the engine's check)."""
from __future__ import annotations

import io
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from . import MessageContext, Verdict

OCR_MIN_SCORE = 0.5     # lines read with less confidence are noise more often than words
OCR_MAX_SIDE = 1280     # bigger pictures are read at this size: twice as fast as 1600, phone text stays legible
MAX_TEXT = 2000         # what is kept of the text read
PHASH_DISTANCE = 8      # of 64 bits: the same picture resized, recompressed or lightly cropped
CONTACT_HOSTS = ("u.wechat.com", "weixin.qq.com", "wx.qq.com", "work.weixin.qq.com", "qm.qq.com", "qr.qq.com",
                 "wpa.qq.com", "jq.qq.com", "qun.qq.com", "weixin110.qq.com", "qr.alipay.com", "v.douyin.com")
CONTACT_SCHEMES = ("weixin", "wxp", "mqqapi", "mqqwpa", "alipays", "tg", "whatsapp")
URLISH_PREFIXES = ("http://", "https://", "www.")


@dataclass(frozen=True, slots=True)
class PictureReading:
    codes: tuple[str, ...] = ()   # what the codes in the picture say (a QR's link, usually)
    text: str = ""                # the text read from it, line by line
    phash: str = ""               # 16 hex digits
    error: str | None = None      # the picture could not be read (then it is held for a moderator)
    ms: float = 0.0               # how long reading it took

    def to_doc(self) -> dict:
        return {"codes": list(self.codes), "text": self.text, "phash": self.phash, "error": self.error,
                "ms": round(self.ms, 1)}

    @classmethod
    def from_doc(cls, doc: dict) -> "PictureReading":
        return cls(codes=tuple(doc.get("codes") or ()), text=doc.get("text") or "", phash=doc.get("phash") or "",
                   error=doc.get("error"), ms=float(doc.get("ms") or 0.0))


_ocr = None
_ocr_lock = threading.Lock()  # one OCR at a time per process: it spreads over the cores by itself


def _read_text(image) -> str:
    global _ocr
    import numpy as np
    side = max(image.size)
    if side > OCR_MAX_SIDE:
        scale = OCR_MAX_SIDE / side
        image = image.resize((max(1, int(image.width * scale)), max(1, int(image.height * scale))))
    with _ocr_lock:
        if _ocr is None:
            from rapidocr_onnxruntime import RapidOCR
            _ocr = RapidOCR()
        # no angle classifier: pictures were turned upright from their EXIF at upload, and it costs a third
        found, _ = _ocr(np.asarray(image.convert("RGB")), use_cls=False)
    lines = [line for _box, line, score in (found or ()) if float(score) >= OCR_MIN_SCORE and line.strip()]
    return "\n".join(lines)[:MAX_TEXT]


def _read_codes(image) -> tuple[str, ...]:
    import zxingcpp
    # matrix codes only (QR, Data Matrix, Aztec...): the EAN barcode on a box in a 晒单 photo is no contact
    found = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.AllMatrix)
    return tuple(dict.fromkeys(r.text for r in found if r.valid and r.text))


def phash_of(image) -> str:
    import imagehash
    return str(imagehash.phash(image.convert("RGB")))


def read_picture(data: bytes, *, ocr: bool = True) -> PictureReading:
    """Codes, text and hash of one picture (the re-encoded bytes the server stored)."""
    from PIL import Image
    started = time.perf_counter()
    try:
        with Image.open(io.BytesIO(data)) as opened:
            opened.seek(0)  # an animation: its first frame, which is what shows before it plays
            image = opened.convert("RGB")
        codes = _read_codes(image)
        text = _read_text(image) if ocr else ""
        return PictureReading(codes, text, phash_of(image), None, (time.perf_counter() - started) * 1000)
    except Exception as exc:  # noqa: BLE001 -- a picture that can't be read is held, never let through
        return PictureReading(error=type(exc).__name__, ms=(time.perf_counter() - started) * 1000)


def phash_distance(a: str, b: str) -> int:
    return bin(int(a, 16) ^ int(b, 16)).count("1") if a and b and len(a) == len(b) else 64


def _host_allowed(host: str, shop_domains: tuple[str, ...]) -> bool:
    return any(host == d or host.endswith("." + d) for d in shop_domains)


def code_verdict(code: str, shop_domains: tuple[str, ...]) -> Verdict | None:
    """A code leading somewhere: to the shop's own pages is fine; to a WeChat/QQ/Alipay contact, or any
    other site, is diversion (a QR code in a picture is deliberate: nobody puts one there by accident).
    None: the code holds words, which the engine judges like typed text."""
    raw = code.strip()
    lowered = raw.lower()
    scheme = lowered.split(":", 1)[0] if ":" in lowered else ""
    if scheme in CONTACT_SCHEMES:
        return Verdict(action="block", categories=("diversion",), matches=(f"qr:{raw[:200]}",),
                       rule="picture:qr_contact")
    if not lowered.startswith(URLISH_PREFIXES) and not (scheme and lowered.split(":", 1)[1].startswith("//")):
        return None
    parts = urlsplit(raw if "//" in raw else "http://" + raw)
    host = (parts.hostname or "").lower()
    if host and _host_allowed(host, shop_domains):
        return Verdict(action="allow", matches=(f"qr:{raw[:200]}",), rule="picture:qr_shop")
    contact = any(host == h or host.endswith("." + h) for h in CONTACT_HOSTS)
    return Verdict(action="block", categories=("diversion",), matches=(f"qr:{raw[:200]}",),
                   rule="picture:qr_contact" if contact else "picture:qr_link")


SEVERITY = {"allow": 0, "mask": 1, "flag": 2, "block": 3}


def worse(a: Verdict, b: Verdict) -> Verdict:
    """The verdict that weighs more: a block over a hold over a flag over a mask."""
    rank = lambda v: (SEVERITY.get(v.action, 0), v.hold)  # noqa: E731
    return b if rank(b) > rank(a) else a


def judge_picture(reading: PictureReading, check, ctx: MessageContext, shop_domains: tuple[str, ...]) -> Verdict:
    """The verdict on one picture: its codes, then the text read from it through the rules engine (`check`,
    the engine's check, with the group's own words), as if it had been typed. The rule says what was read
    (`picture:text:<engine rule>`), and the matches carry the QR's target or the words read."""
    verdict = Verdict()
    for code in reading.codes:
        judged = code_verdict(code, shop_domains)
        if judged is None:
            judged = _as_picture(check(_with_text(ctx, code)), "picture:qr_text", f"qr:{code[:200]}")
        if judged.action != "allow":
            verdict = worse(verdict, judged)
    if reading.text:
        judged = check(_with_text(ctx, reading.text.replace("\n", " ")))
        if judged.action != "allow":
            verdict = worse(verdict, _as_picture(judged, "picture:text", f"text:{reading.text[:200]}"))
    return verdict


def _with_text(ctx: MessageContext, text: str) -> MessageContext:
    return MessageContext(text=text, author_id=ctx.author_id, conversation_id=ctx.conversation_id,
                          conversation_kind=ctx.conversation_kind, group_id=ctx.group_id)


def _as_picture(v: Verdict, prefix: str, read: str) -> Verdict:
    """An engine verdict on words read from a picture: a mask can't cover a picture, so it is held for a
    moderator instead (flag + hold)."""
    if v.action == "allow":
        return v
    action, hold = (("flag", True) if v.action == "mask" else (v.action, v.hold))
    return Verdict(action=action, categories=v.categories, matches=(read, *v.matches),
                   rule=f"{prefix}:{v.rule}" if v.rule else prefix, reasons=v.reasons, hold=hold)
