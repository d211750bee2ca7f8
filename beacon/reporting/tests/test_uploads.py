"""Files are judged by content and stored without metadata."""

import io
import logging
import struct
import warnings
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from beacon.reporting.models import PendingUpload
from beacon.reporting.uploads import clean_upload, sniff

from .conftest import gps_exif, image_bytes

XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description>BeaconSecretXMP</rdf:Description></rdf:RDF></x:xmpmeta>'


def assert_no_metadata(data: bytes):
    for marker in (b"BeaconTestCam", b"SecretEditor", b"Exif\x00\x00", b"BeaconSecretXMP", b"xmpmeta"):
        assert marker not in data
    with Image.open(io.BytesIO(data)) as image:
        assert len(image.getexif()) == 0
        assert "exif" not in image.info and "xmp" not in image.info and "icc_profile" not in image.info


def test_a_jpeg_with_gps_exif_is_stored_without_it():
    original = image_bytes("JPEG", exif=gps_exif(), xmp=XMP, icc_profile=b"\x00" * 128)
    assert b"BeaconTestCam" in original and b"BeaconSecretXMP" in original
    with Image.open(io.BytesIO(original)) as check:
        assert check.getexif().get_ifd(0x8825)  # the GPS block is really there before cleaning
    clean = clean_upload(name="IMG_0001.JPG", data=original)
    assert clean.content_type == "image/jpeg"
    assert clean.name == "IMG_0001.jpg"
    assert_no_metadata(clean.data)
    with Image.open(io.BytesIO(clean.data)) as image:
        assert image.size == (64, 48)


def test_exif_orientation_is_applied_before_it_is_dropped():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees
    clean = clean_upload(name="p.jpg", data=image_bytes("JPEG", size=(60, 20), exif=exif))
    with Image.open(io.BytesIO(clean.data)) as image:
        assert image.size == (20, 60)


def test_png_text_chunks_and_exif_are_dropped():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "BeaconTestCam")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    original = image_bytes("PNG", exif=gps_exif(), pnginfo=info)
    assert b"BeaconTestCam" in original
    clean = clean_upload(name="screenshot.png", data=original)
    assert clean.content_type == "image/png"
    assert_no_metadata(clean.data)


def test_webp_metadata_is_dropped():
    original = image_bytes("WEBP", exif=gps_exif(), xmp=XMP)
    assert b"BeaconTestCam" in original
    clean = clean_upload(name="x.webp", data=original)
    assert clean.content_type == "image/webp"
    assert_no_metadata(clean.data)


def test_heic_becomes_a_clean_jpeg():
    original = image_bytes("HEIF", exif=gps_exif())
    assert sniff(original[:32]) == "image/heic"
    clean = clean_upload(name="IMG_1234.HEIC", data=original)
    assert clean.content_type == "image/jpeg"
    assert clean.name == "IMG_1234.jpg"
    assert_no_metadata(clean.data)


def _pdf_with_metadata() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Author": "BeaconTestCam", "/Producer": "SecretEditor 1.0", "/Title": "Private"})
    writer.xmp_metadata = XMP
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdf_document_metadata_is_removed():
    original = _pdf_with_metadata()
    assert b"BeaconTestCam" in original
    clean = clean_upload(name="letter.pdf", data=original)
    assert clean.content_type == "application/pdf"
    assert b"BeaconTestCam" not in clean.data and b"SecretEditor" not in clean.data
    assert b"BeaconSecretXMP" not in clean.data
    reader = PdfReader(io.BytesIO(clean.data))
    assert len(reader.pages) == 1
    assert not reader.metadata or not any(reader.metadata.values())
    assert reader.xmp_metadata is None


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("holiday.jpg", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200),  # a Windows program
        ("photo.jpg", b"\x7fELF\x02\x01\x01" + b"\x00" * 200),  # a Linux program
        ("notes.pdf", b"<html><script>alert(1)</script></html>"),
        ("image.png", b"GIF89a" + b"\x00" * 50),  # a GIF pretending to be a PNG
        ("document.docx", b"PK\x03\x04" + b"\x00" * 100),
    ],
)
def test_other_types_are_refused_whatever_their_name(name, data):
    with pytest.raises(ValidationError, match="must be a photo"):
        clean_upload(name=name, data=data)


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError, match="empty"):
        clean_upload(name="a.jpg", data=b"")


def test_a_truncated_image_is_refused_clearly():
    whole = image_bytes("JPEG", size=(400, 300), quality=95)
    with pytest.raises(ValidationError, match="could not be read"):
        clean_upload(name="cut.jpg", data=whole[: len(whole) // 2])
    png = image_bytes("PNG", size=(300, 300))
    with pytest.raises(ValidationError, match="could not be read"):
        clean_upload(name="cut.png", data=png[: len(png) - 40])


def test_a_truncated_pdf_is_refused_clearly():
    whole = _pdf_with_metadata()
    with pytest.raises(ValidationError, match="could not be read"):
        clean_upload(name="cut.pdf", data=whole[:60])


def decompression_bomb(width=60_000, height=60_000) -> bytes:
    """A tiny PNG whose header claims 3.6 billion pixels."""

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + chunk(b"IEND", b"")
    )


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    with pytest.raises(ValidationError, match="too large"):
        clean_upload(name="bomb.png", data=decompression_bomb())


def test_an_image_just_over_the_pixel_limit_is_refused(settings):
    settings.BEACON_REPORT_MAX_IMAGE_PIXELS = 1000
    with pytest.raises(ValidationError, match="too large"):
        clean_upload(name="big.png", data=image_bytes("PNG", size=(40, 30)))


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.BEACON_REPORT_MAX_FILE_BYTES = 1024
    with pytest.raises(ValidationError, match="smaller than"):
        clean_upload(name="big.jpg", data=image_bytes("JPEG", size=(300, 300), quality=100))


def test_a_pdf_with_a_password_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ValidationError, match="password"):
        clean_upload(name="locked.pdf", data=out.getvalue())


# --- a damaged PDF: parsers' complaints quote the file, and must not reach the logs -------------------

SECRETS = ("Jane Reporter", "Flat 3 Rose Court", "Cars stop at number 12")


def _pdf_with_private_words() -> bytes:
    """One page of text plus document metadata, each holding something that identifies a reporter."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=200, height=200)
    content = DecodedStreamObject()
    content.set_data(f"BT /F1 12 Tf 10 100 Td ({SECRETS[2]}) Tj ET".encode())
    page[NameObject("/Contents")] = writer._add_object(content)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})}
    )
    writer.add_metadata({"/Author": SECRETS[0], "/Title": SECRETS[1]})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _damaged(data: bytes, old: bytes, new: bytes) -> bytes:
    assert old in data
    return data.replace(old, new, 1)


@pytest.fixture
def every_log_stream():
    """Point every stream handler of every configured logger at one buffer, to read what they would write."""
    buffer = io.StringIO()
    loggers = [logging.getLogger()] + [
        logger for logger in logging.root.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    handlers = {
        handler
        for logger in loggers
        for handler in logger.handlers
        if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler)
    }
    streams = {handler: handler.stream for handler in handlers}
    for handler in handlers:
        handler.setStream(buffer)
    yield buffer
    for handler, stream in streams.items():
        handler.setStream(stream)


@pytest.mark.parametrize(
    "damage",
    [
        (b"/Title (", b"Title ("),  # a key in the document information dictionary loses its slash
        (b"/Author (", b"Author ("),
        (b"/Length ", b"Length "),  # the page's text stream loses its length
    ],
)
def test_a_damaged_pdf_is_accepted_without_its_words_reaching_any_log(
    walker, caplog, capfd, recwarn, every_log_stream, damage
):
    caplog.set_level(logging.DEBUG)
    data = _damaged(_pdf_with_private_words(), *damage)
    walker.minimal(upto="files")
    upload = SimpleUploadedFile("scan.pdf", data, content_type="application/pdf")
    response = walker.client.post("/report/files/", {"file": upload, "action": "upload"})

    # pypdf reads past the damage, so the file is kept (cleaned), as an undamaged one would be.
    assert response.status_code == 302 and response.url == "/report/files/"
    assert PendingUpload.objects.count() == 1
    logged = "\n".join(
        [caplog.text, every_log_stream.getvalue(), *capfd.readouterr()]
        + [f"{record.getMessage()} {record.exc_text or ''}" for record in caplog.records]
        + [str(warning.message) for warning in recwarn]
    )
    for piece in ("Jane", "Reporter", "Rose Court", "Cars stop"):  # parsers quote a few dozen bytes
        assert piece not in logged


def test_a_warning_a_parser_gives_while_cleaning_is_not_shown(recwarn, monkeypatch):
    """Python warnings end up in the log (Django routes them there), and a parser's may quote the file."""
    import pypdf

    real_reader = pypdf.PdfReader

    def reader_that_warns(stream, *args, **kwargs):
        warnings.warn("odd /Author (Jane Reporter) near Flat 3 Rose Court", UserWarning, stacklevel=2)
        return real_reader(stream, *args, **kwargs)

    monkeypatch.setattr(pypdf, "PdfReader", reader_that_warns)
    clean = clean_upload(name="scan.pdf", data=_pdf_with_private_words())
    assert clean.content_type == "application/pdf"
    assert not [w for w in recwarn if "Jane" in str(w.message) or "Rose Court" in str(w.message)]
