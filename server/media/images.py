"""Pictures as they are stored: the type read from the bytes, the limits checked before decoding,
then decoded and re-encoded with Pillow, so the phone's EXIF (its location) and anything hidden
after the image data are gone, plus a thumbnail. Pure and synchronous: the caller runs it off the
event loop (asyncio.to_thread)."""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from ..errors import DomainError

try:  # HEIC / HEIF from phones
    import pillow_heif
    pillow_heif.register_heif_opener()
    HEIF = True
except ImportError:  # pragma: no cover - the lock file installs it
    HEIF = False

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_FRAMES = 300        # an animated GIF: frames × pixels must stay under MAX_PIXELS × 4 too
THUMB_SIDE = 480
JPEG_QUALITY = 85
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow's own bomb guard, behind ours
OUTPUT = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP", "image/gif": "GIF"}


class UploadRefused(DomainError):
    status = 422


class TooLarge(UploadRefused):
    code = "upload_too_large"
    status = 413


class UnsupportedType(UploadRefused):
    code = "unsupported_media_type"
    status = 415


@dataclass(frozen=True, slots=True)
class Picture:
    mime: str          # what is stored (HEIC is stored as JPEG: browsers don't show HEIC)
    width: int
    height: int
    data: bytes
    thumb: bytes       # JPEG, at most THUMB_SIDE on the longest side
    source_mime: str   # what was sent


def sniff(data: bytes) -> str | None:
    """The type the bytes say they are (magic numbers), whatever the file's name or the header said."""
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1"):
        return "image/heic"
    return None


def process(data: bytes) -> Picture:
    """Checks and re-encodes one uploaded picture; raises UploadRefused (a 4xx with a code) for anything else."""
    if not data:
        raise UploadRefused("the file is empty", code="empty_file")
    if len(data) > MAX_BYTES:
        raise TooLarge(f"a picture is at most {MAX_BYTES // (1024 * 1024)} MB", max_bytes=MAX_BYTES)
    source = sniff(data)
    if source is None or (source == "image/heic" and not HEIF):
        raise UnsupportedType("JPEG, PNG, WebP, GIF or HEIC pictures only", allowed=sorted(OUTPUT) + ["image/heic"])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))  # reads the header only: the size is known before decoding
            width, height = image.size
            frames = getattr(image, "n_frames", 1)
            if width * height > MAX_PIXELS or width * height * min(frames, MAX_FRAMES) > MAX_PIXELS * 4 \
                    or frames > MAX_FRAMES:
                raise TooLarge(f"a picture is at most {MAX_PIXELS // 1_000_000} megapixels", code="image_too_large",
                               width=width, height=height, max_pixels=MAX_PIXELS)
            return _reencode(image, source)
    except UploadRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:  # Pillow's guard saw it first
        raise TooLarge(f"a picture is at most {MAX_PIXELS // 1_000_000} megapixels", code="image_too_large",
                       max_pixels=MAX_PIXELS) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as exc:
        raise UploadRefused("the picture can't be read (truncated or not really a picture)",
                            code="image_unreadable") from exc


def _flat(image: Image.Image) -> Image.Image:
    """RGB for the JPEG thumbnail, transparency on white (not black)."""
    rgba = image.convert("RGBA")
    flat = Image.new("RGB", rgba.size, (255, 255, 255))
    flat.paste(rgba, mask=rgba.getchannel("A"))
    return flat


def _reencode(image: Image.Image, source: str) -> Picture:
    animated = source == "image/gif" and getattr(image, "n_frames", 1) > 1
    out = io.BytesIO()
    if animated:
        image.save(out, "GIF", save_all=True, optimize=False)  # every frame decoded and written again
        mime = "image/gif"
        first = image.copy()
        first.seek(0)
        still = _flat(first)
    else:
        image.load()
        image = ImageOps.exif_transpose(image)  # turned as the phone held it, before its EXIF is dropped
        has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
        if source in ("image/jpeg", "image/heic") or (source == "image/png" and not has_alpha):
            mime = "image/jpeg" if source != "image/png" else "image/png"
        else:
            mime = source
        if mime == "image/jpeg":
            image.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
        elif mime == "image/png":
            image.save(out, "PNG")
        elif mime == "image/webp":
            image.save(out, "WEBP", quality=JPEG_QUALITY)
        else:
            image.save(out, "GIF")
        still = _flat(image)
    width, height = image.size
    still.thumbnail((THUMB_SIDE, THUMB_SIDE))
    thumb = io.BytesIO()
    still.save(thumb, "JPEG", quality=80)
    return Picture(mime=mime, width=width, height=height, data=out.getvalue(), thumb=thumb.getvalue(),
                   source_mime=source)
