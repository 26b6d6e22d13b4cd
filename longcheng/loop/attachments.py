"""Attachments: images re-encoded (which drops EXIF, GPS included) and PDFs, size-limited,
stored through Django's storage API so S3-compatible storage plugs in by configuration."""

import io
import os

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from longcheng.core.errors import LongchengError

from .models import Attachment, Matter, MatterEvent

IMAGE_TYPES = {
    "JPEG": ("image/jpeg", ".jpg"),
    "PNG": ("image/png", ".png"),
    "WEBP": ("image/webp", ".webp"),
}


class AttachmentRefused(LongchengError):
    pass


class ImageTooLarge(AttachmentRefused):
    pass


def clean_image(data: bytes) -> tuple[bytes, str, str]:
    """Decode, check and re-encode an image: what is stored is a fresh file of a known type,
    never the bytes that were sent."""
    image: Image.Image
    try:
        image = Image.open(io.BytesIO(data))
        # The pixel count is read from the header, before anything is decoded: a small file
        # that would unpack to gigabytes (a "decompression bomb") is refused unopened.
        if image.width * image.height > settings.LONGCHENG_IMAGE_MAX_PIXELS:
            raise ImageTooLarge(
                _("图片像素过大（%(w)d×%(h)d），请缩小后再上传。")
                % {"w": image.width, "h": image.height}
            )
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise AttachmentRefused(_("图片无法识别或已损坏。")) from None
    kind = image.format if image.format in IMAGE_TYPES else "JPEG"
    if kind == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    out = io.BytesIO()
    # Saving a fresh copy without `exif=` writes no EXIF block at all.
    image.save(out, format=kind, **({"quality": 88} if kind == "JPEG" else {}))
    content_type, extension = IMAGE_TYPES[kind]
    return out.getvalue(), content_type, extension


def attachment_add(
    *, matter: Matter, upload, actor, event: MatterEvent | None = None
) -> Attachment:
    limit = settings.LONGCHENG_ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise AttachmentRefused(
            _("文件“%(name)s”超过 %(mb)d MB，请压缩后再上传。")
            % {"name": upload.name, "mb": limit // (1024 * 1024)}
        )
    data = upload.read()
    base, _extension = os.path.splitext(os.path.basename(upload.name))
    if data[:5] == b"%PDF-":
        content, content_type, extension = data, "application/pdf", ".pdf"
    else:
        try:
            content, content_type, extension = clean_image(data)
        except ImageTooLarge:
            raise
        except AttachmentRefused:
            raise AttachmentRefused(
                _("文件“%(name)s”不是图片或 PDF，只能上传 JPG、PNG、WEBP 图片或 PDF 文件。")
                % {"name": upload.name}
            ) from None
    name = f"{base[:80]}{extension}"
    attachment = Attachment(
        matter=matter,
        event=event,
        name=name,
        content_type=content_type,
        size=len(content),
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    return attachment
