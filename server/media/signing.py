"""Signed picture addresses. Pages load pictures with <img>, which sends no bearer token, so the
address itself says who may load it until when: an HMAC over the upload id, the viewer, the
variant and the expiry, under the platform's secret (CHAT_SECRET, the same in every process).
Expiries are rounded to the hour, so one viewer's address for one picture stays the same for an
hour and the browser's cache works."""
from __future__ import annotations

import hashlib
import hmac

TTL_SECONDS = 3600  # an address lives one to two hours
VARIANTS = ("full", "thumb")


def _mac(secret: str, upload_id: str, viewer_id: str, variant: str, expires: int) -> str:
    msg = f"media|{upload_id}|{viewer_id}|{variant}|{expires}".encode()
    return hmac.new(secret.encode(), msg, hashlib.sha256).hexdigest()[:32]


def expiry(now: float) -> int:
    return (int(now) // TTL_SECONDS + 2) * TTL_SECONDS


def address(secret: str, upload_id: str, viewer_id: str, now: float, *, variant: str = "full") -> str:
    expires = expiry(now)
    path = f"/media/{upload_id}" + ("/thumb" if variant == "thumb" else "")
    return f"{path}?u={viewer_id}&e={expires}&s={_mac(secret, upload_id, viewer_id, variant, expires)}"


def check(secret: str, upload_id: str, viewer_id: str, variant: str, expires: str, signature: str,
          now: float) -> str | None:
    """None when the address holds; else why not: 'expired' or 'bad_signature'."""
    if not expires.isdigit() or variant not in VARIANTS:
        return "bad_signature"
    good = _mac(secret, upload_id, viewer_id, variant, int(expires))
    if not hmac.compare_digest(good, signature):
        return "bad_signature"
    if int(expires) < now:
        return "expired"
    return None
