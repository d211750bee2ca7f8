"""Cleaning files that reporters send, before anything is stored.

The type is judged from the content (magic bytes, then a real parse), never from the file name or the
browser's content type. Images are decoded and re-encoded from their pixels alone, so EXIF (with GPS),
XMP, IPTC, ICC profiles and comments are all left behind; HEIC photos become JPEG. PDFs are rebuilt page
by page without the document information dictionary or XMP metadata, and what rides along with the pages
(photos' EXIF, notes' authors) is taken out by `pdf_scrub`. Anything else is refused.
"""

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError

try:  # HEIC/HEIF support (phone photos); registered once at import.
    from pillow_heif import register_heif_opener

    register_heif_opener()
except ImportError:  # pragma: no cover - pillow-heif is a dependency
    pass

ACCEPTED_TYPES_TEXT = "a photo (JPG, PNG, WebP or HEIC) or a PDF"
MAX_PDF_PAGES = 300


@dataclass(frozen=True)
class CleanFile:
    name: str
    content_type: str
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)


def sniff(head: bytes) -> str | None:
    """The file's type from its first bytes, or None when it is not one Beacon accepts."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in {b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1", b"hevc"}:
        return "image/heic"
    if head.lstrip(b"\r\n\t \x00")[:5] == b"%PDF-":
        return "application/pdf"
    return None


def safe_name(name: str, content_type: str) -> str:
    """A short, harmless file name with the extension of what the file really is."""
    stem = (name or "file").rsplit("/", 1)[-1].rsplit("\\", 1)[-1].rsplit(".", 1)[0]
    stem = "".join(ch for ch in stem if ch.isalnum() or ch in " -_")[:60].strip() or "file"
    extension = {
        "image/jpeg": "jpg",
        "image/png": "png",
        "image/webp": "webp",
        "application/pdf": "pdf",
    }[content_type]
    return f"{stem}.{extension}"


def clean_upload(*, name: str, data: bytes) -> CleanFile:
    """Check and clean one file. Raises ValidationError with a message for the reporter."""
    limit = settings.BEACON_REPORT_MAX_FILE_BYTES
    if not data:
        raise ValidationError("The selected file is empty")
    if len(data) > limit:
        raise ValidationError(f"The selected file must be smaller than {limit // (1024 * 1024)} MB")
    kind = sniff(data[:32])
    if kind is None:
        raise ValidationError(f"The selected file must be {ACCEPTED_TYPES_TEXT}")
    with warnings.catch_warnings():
        # Django sends Python warnings to the log, and a parser's warning can quote the file it is reading.
        # (Their loggers are silenced in settings.LOGGING for the same reason.)
        warnings.simplefilter("ignore")
        if kind == "application/pdf":
            content_type, cleaned = "application/pdf", _clean_pdf(data)
        else:
            content_type, cleaned = _clean_image(data, kind)
    return CleanFile(name=safe_name(name, content_type), content_type=content_type, data=cleaned)


_UNREADABLE = "The selected file could not be read. It may be damaged or not fully uploaded. Try again"


def _clean_image(data: bytes, kind: str) -> tuple[str, bytes]:
    max_pixels = settings.BEACON_REPORT_MAX_IMAGE_PIXELS
    too_big = "The selected photo is too large. Send a smaller photo or a screenshot of it"
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            # Pillow warns between MAX_IMAGE_PIXELS and twice that; treat both as a bomb.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > max_pixels:
                    raise ValidationError(too_big)
                image.load()  # decodes every pixel: truncated or corrupt files fail here
                image = ImageOps.exif_transpose(image)  # keep the photo the right way up
                return _encode_pixels(image, kind)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(too_big) from None
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise ValidationError(_UNREADABLE) from None
    finally:
        Image.MAX_IMAGE_PIXELS = previous


def _encode_pixels(image: Image.Image, kind: str) -> tuple[str, bytes]:
    """Save only the pixels: every save parameter is explicit, nothing from image.info is carried over."""
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)
    if image.mode in {"P", "PA"}:
        image = image.convert("RGBA")
    # A new image made from the pixels alone, so no metadata can ride along.
    clean = Image.frombytes(image.mode, image.size, image.tobytes())
    out = io.BytesIO()
    if kind == "image/png":
        if clean.mode not in {"1", "L", "LA", "RGB", "RGBA", "I", "I;16"}:
            clean = clean.convert("RGBA")
        clean.save(out, format="PNG")
        return "image/png", out.getvalue()
    if kind == "image/webp":
        if clean.mode not in {"RGB", "RGBA"}:
            clean = clean.convert("RGBA" if "A" in clean.mode else "RGB")
        clean.save(out, format="WEBP", quality=88)
        return "image/webp", out.getvalue()
    # JPEG, and HEIC (which staff browsers cannot show) as JPEG.
    if clean.mode not in {"RGB", "L"}:
        clean = clean.convert("RGB")
    clean.save(out, format="JPEG", quality=88, optimize=True)
    return "image/jpeg", out.getvalue()


def _clean_pdf(data: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    from .pdf_scrub import scrub_pages

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ValidationError(
                "The selected PDF is protected with a password. Send it without the password"
            )
        if len(reader.pages) > MAX_PDF_PAGES:
            raise ValidationError(f"The selected PDF must have {MAX_PDF_PAGES} pages or fewer")
        scratch = PdfWriter()
        for page in reader.pages:
            scratch.add_page(page)
        scrub_pages(scratch)  # photos' EXIF and XMP, notes' authors and dates, attached files: see pdf_scrub
        # Written out and copied again page by page, so that only what the cleaned pages still reach is kept:
        # a dropped metadata stream, signature or note would otherwise still be written, unreferenced.
        # (Writing also points links between pages at the copied pages.)
        scrubbed = io.BytesIO()
        scratch.write(scrubbed)
        writer = PdfWriter()
        for page in PdfReader(scrubbed, strict=False).pages:
            writer.add_page(page)
        writer.metadata = None  # no /Info dictionary: no author, creator, producer or dates
        if "/Metadata" in writer.root_object:
            del writer.root_object[NameObject("/Metadata")]
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    except ValidationError:
        raise
    except Exception:  # pypdf raises many kinds of error on damaged or hostile files; all mean "unreadable"
        raise ValidationError(_UNREADABLE) from None
