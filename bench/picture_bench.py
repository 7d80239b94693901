"""Time of the picture checks per picture (p50, p99): reading one (QR codes, OCR, perceptual hash) and judging
what was read (the rules engine on its codes and words), on phone-size photos: plain, with a QR code, with a
contact or a review written into them. The peer in the same run is what every upload costs anyway: decoding,
checking and re-encoding it with Pillow (server/media/images.process), so the figures read as "the checks cost
N uploads" on whatever machine runs them."""
from __future__ import annotations

import io
import statistics
import time

from PIL import Image

from moderation import MessageContext
from moderation.engine import Engine
from moderation.pictures import judge_picture, read_picture
from server.media import images
from tests.fixtures.pictures import fixture, qr_photo

ROUNDS = 3  # each picture this many times
PHONE = (1080, 1440)


def pictures() -> list[bytes]:
    """The uploads as the server stores them (re-encoded), at a phone photo's size."""
    raw = [qr_photo("https://u.wechat.com/EHx3kq9", size=PHONE, at=(600, 1000), side=360),
           qr_photo("https://shopchat.com/p/123", size=PHONE, at=(80, 80), side=240)]
    for name in ("plain_photo.jpg", "clean_review.jpg", "contact_wechat.jpg", "contact_phone.jpg"):
        image = Image.open(io.BytesIO(fixture(name))).convert("RGB").resize(PHONE)
        out = io.BytesIO()
        image.save(out, "JPEG", quality=85)
        raw.append(out.getvalue())
    return raw


def run() -> dict:
    shots = pictures()
    stored = [images.process(data).data for data in shots]
    read_picture(stored[0])  # loads the OCR models once, as a running server has them loaded
    engine = Engine(allowed_domains=("shopchat.com",))
    ctx = MessageContext(text="", author_id="u", conversation_id="c", conversation_kind="group", group_id="g")
    checks, judging, uploads = [], [], []
    for _ in range(ROUNDS):
        for raw, data in zip(shots, stored):
            started = time.perf_counter()
            images.process(raw)
            uploads.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            reading = read_picture(data)
            checks.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            judge_picture(reading, engine.check, ctx, ("shopchat.com",))
            judging.append((time.perf_counter() - started) * 1000)
    p = _percentiles
    return {"pictures": len(checks), "size": f"{PHONE[0]}x{PHONE[1]}", **p("checks_", checks), **p("judge_", judging),
            **p("upload_", uploads),
            "checks_per_upload_p50": round(statistics.median(checks) / statistics.median(uploads), 1)}


def _percentiles(prefix: str, times: list[float]) -> dict:
    times = sorted(times)
    return {f"{prefix}p50_ms": round(statistics.median(times), 1),
            f"{prefix}p99_ms": round(times[int(0.99 * (len(times) - 1))], 1)}


if __name__ == "__main__":
    print(run())
