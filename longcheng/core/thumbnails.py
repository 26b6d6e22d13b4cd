"""Thumbnails of photos (现场照片, 整改照片, evidence), made on the server with Pillow once
and kept in the same storage beside the photos (`thumbs/…`), so that a page or a PDF with many
photos neither sends nor embeds full-size pictures."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

THUMB_SIZE = 320  # pixels on the longer side: sharp at 2x on a 160 px wide card
Image.MAX_IMAGE_PIXELS = 50_000_000  # a photo larger than this is refused, not decoded


def thumbnail_name(name: str, size: int = THUMB_SIZE) -> str:
    return f"thumbs/{size}/{name}.jpg"


def make_thumbnail(content: bytes, size: int = THUMB_SIZE) -> bytes | None:
    """A JPEG no larger than `size` on either side, turned upright; None if not a picture."""
    try:
        with Image.open(io.BytesIO(content)) as opened:
            upright: Image.Image = ImageOps.exif_transpose(opened)
            upright.thumbnail((size, size))
            if upright.mode != "RGB":
                upright = upright.convert("RGB")
            out = io.BytesIO()
            upright.save(out, format="JPEG", quality=80, optimize=True)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    return out.getvalue()


def thumbnail_bytes(field_file, size: int = THUMB_SIZE) -> bytes | None:
    """The thumbnail of a stored file, made on first use and kept; None if it is no picture."""
    if not field_file:
        return None
    name = thumbnail_name(field_file.name, size)
    storage = getattr(field_file, "storage", None) or default_storage
    if storage.exists(name):
        with storage.open(name, "rb") as kept:
            return kept.read()
    try:
        with field_file.open("rb") as original:
            content = original.read()
    except (FileNotFoundError, OSError):
        return None
    thumb = make_thumbnail(content, size)
    if thumb is not None:
        storage.save(name, ContentFile(thumb))
    return thumb
