"""Taking out of a PDF's pages what says who made them, where and when, before the file is stored.

`uploads._clean_pdf` copies the pages into a new document, which leaves the document's information dictionary
and XMP behind. What rides along with the pages is dealt with here, in every object the copy holds (pages,
their form XObjects however deeply nested, annotation appearances, patterns, soft masks):

- every dictionary loses /Metadata (XMP), /PieceInfo (an editor's private data), /LastModified and /OPI
  (the path of a prepress original); embedded files (/EF, /RF) go, since they could be anything, uncleaned;
- photos keep their compressed picture and lose every metadata segment. A JPEG (DCTDecode) keeps only the
  segments a decoder needs, so EXIF (camera, GPS), XMP, IPTC, ICC, comments and anything after its end
  marker go; a JPEG 2000 (JPXDecode) keeps its header boxes and codestream, without XML/UUID boxes or
  comments. The pictures are not decoded and re-encoded: that would change them and their colours (CMYK,
  masks) and cost memory, while the segments that hold metadata are not needed to show them;
- annotations keep their words and appearance but lose author (/T), dates (/M, /CreationDate) and id (/NM);
  form and signature values (/V: a signer's name, certificate and date) go; annotations that carry a file
  or media (which cannot be cleaned) go;
- nothing acts when the file is opened or clicked, since anyone can send a file made to run script, open
  another file or send a form to a server (which would tell its sender where staff are): actions triggered
  by events (/AA) go; a link keeps its action only when it goes to a web address or a page of the document
  (/URI, /GoTo), without any action chained after it (/Next).

Some files cannot be cleaned, and `CannotClean` says so: a photo with metadata drawn inline in a page's
instructions (it could only be cleaned by rewriting the page), a picture that does not parse, a filter this
does not know, a JPEG in a stream that does not declare it (a damaged key), objects nested deeper than
MAX_DEPTH, page instructions that decode to more than MAX_DECODED_CONTENT.
"""

from collections import deque

from pypdf import PdfWriter
from pypdf.filters import decode_stream_data
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject, StreamObject

# Links from the catalog to an object: pages tree and page 3, into a form XObject's picture 3 more for each
# form inside another. Real documents nest forms a handful deep; 120 allows some 35, and hostile nesting is
# refused rather than walked.
MAX_DEPTH = 120

# Page instructions are decoded to look for inline photos; past this many bytes in all, a file is refused
# (pypdf already refuses one stream over 75 MB). Text-heavy pages are tens of kilobytes each.
MAX_DECODED_CONTENT = 200 * 1024 * 1024

_DROPPED_EVERYWHERE = ("/Metadata", "/PieceInfo", "/LastModified", "/OPI", "/EF", "/RF", "/AA")
_ACTIONS_KEPT = {"/URI", "/GoTo"}  # a link to a web address or to a page of the document
_ACTIONS_EMPTIED = {
    "/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/ResetForm", "/GoToR", "/GoToE", "/Thread",
    "/Rendition", "/RichMediaExecute", "/Sound", "/Movie", "/Hide", "/Named", "/SetOCGState", "/Trans",
    "/GoTo3DView",
}  # fmt: skip
_ANNOTATION_KEYS_DROPPED = ("/T", "/M", "/CreationDate", "/NM")
_FORM_FIELD_KEYS_DROPPED = ("/V", "/DV", "/Parent")  # values, signatures, and the field tree holding them
_CARRIERS = {"/FileAttachment", "/Sound", "/Movie", "/Screen", "/RichMedia", "/3D"}
_ANNOTATION_SUBTYPES = _CARRIERS | {
    "/Text", "/Link", "/FreeText", "/Line", "/Square", "/Circle", "/Polygon", "/PolyLine", "/Highlight",
    "/Underline", "/Squiggly", "/StrikeOut", "/Caret", "/Stamp", "/Ink", "/Popup", "/Widget", "/PrinterMark",
    "/TrapNet", "/Watermark", "/Redact", "/Projection",
}  # fmt: skip


# Filters that only compress or encode samples (whose data therefore has no room for metadata), and the
# picture formats that do carry it.
_SAMPLE_FILTERS = {
    "/FlateDecode", "/Fl", "/LZWDecode", "/LZW", "/RunLengthDecode", "/RL", "/ASCIIHexDecode", "/AHx",
    "/ASCII85Decode", "/A85", "/CCITTFaxDecode", "/CCF", "/JBIG2Decode", "/BrotliDecode",
}  # fmt: skip
_PICTURE_FILTERS = (["/DCTDecode"], ["/DCT"], ["/JPXDecode"])


class CannotClean(Exception):
    """The file holds something that cannot be cleaned, so it must not be stored."""


def scrub_pages(writer: PdfWriter) -> None:
    """Clean, in place, every object reachable from the writer's catalog.

    Objects that are only unlinked (a removed annotation, a dropped metadata stream) stay in the writer and
    would be written: write it, read it back and copy its pages into a new writer, which copies only what
    the pages still reach.
    """
    seen: set[int] = set()
    budget = _Budget(MAX_DECODED_CONTENT)
    queue: deque[tuple[object, int]] = deque([(writer.root_object, 0)])
    while queue:  # breadth first, so depth is the shortest way to an object
        node, depth = queue.popleft()
        if isinstance(node, IndirectObject):
            if node.idnum in seen:
                continue
            seen.add(node.idnum)
            node = node.get_object()
        if depth > MAX_DEPTH:
            raise CannotClean("objects nested too deeply")
        if isinstance(node, DictionaryObject):
            _scrub_dictionary(node, budget)
            children = dict.values(node)  # unresolved: IndirectObjects are followed once, above
        elif isinstance(node, ArrayObject):
            children = node
        else:
            continue
        queue.extend(
            (child, depth + 1)
            for child in children
            if isinstance(child, (IndirectObject, DictionaryObject, ArrayObject))
        )


def _get(dictionary: DictionaryObject, key: str):
    return dictionary[key] if key in dictionary else None


def _name(dictionary: DictionaryObject, key: str) -> str | None:
    """A /Type or /Subtype, when it is a name (a hostile file may put anything there)."""
    value = _get(dictionary, key)
    return str(value) if isinstance(value, NameObject) else None


def _drop(dictionary: DictionaryObject, keys) -> None:
    for key in keys:
        if key in dictionary:
            del dictionary[key]


class _Budget:
    def __init__(self, size: int):
        self.left = size

    def spend(self, amount: int) -> None:
        self.left -= amount
        if self.left < 0:
            raise CannotClean("too much to decode")


def _scrub_dictionary(node: DictionaryObject, budget: _Budget) -> None:
    _drop(node, _DROPPED_EVERYWHERE)
    action = _get(node, "/A")
    if action is not None:
        action = action.get_object()
        if not isinstance(action, DictionaryObject) or _name(action, "/S") not in _ACTIONS_KEPT:
            del node["/A"]
        else:
            _drop(action, ("/Next",))
    if _name(node, "/S") in _ACTIONS_EMPTIED:  # an action reached some other way than a /A key
        for key in list(node):
            del node[key]
    elif "/S" in node:
        _drop(node, ("/Next",))
    kind, subtype = _name(node, "/Type"), _name(node, "/Subtype")
    if kind == "/Page":
        _drop(node, ("/B",))  # article beads lead to threads, whose /I dictionary has an author and dates
        _scrub_annotation_list(node)
        contents = _get(node, "/Contents")
        for stream in contents if isinstance(contents, ArrayObject) else [contents]:
            _refuse_inline_photos_with_metadata(
                stream.get_object() if isinstance(stream, PdfObject) else None, budget
            )
    elif kind == "/Annot" or (subtype in _ANNOTATION_SUBTYPES and "/Rect" in node):
        _scrub_annotation(node)
    if subtype == "/Image" and not isinstance(node, StreamObject):
        raise CannotClean("a picture that is not a stream")  # damage that can put its data in any key
    if isinstance(node, StreamObject):
        filters = _filters(node)
        if any(name not in _SAMPLE_FILTERS for name in filters[:-1]):
            raise CannotClean("a filter this does not know")  # pictures' formats come last, if at all
        if filters[-1:] in _PICTURE_FILTERS:
            _scrub_picture(node, filters)
        elif subtype == "/Image" and filters and filters[-1] not in _SAMPLE_FILTERS:
            raise CannotClean("a picture in a format this does not know")  # or a damaged filter name
        else:
            _refuse_stray_photos(node)
        if subtype == "/Form" or _get(node, "/PatternType") == 1:
            _drop(node, ("/Ref",))  # a reference XObject's /Ref names another file, often by its path
            _refuse_inline_photos_with_metadata(node, budget)
    if subtype == "/Type3":
        procs = _get(node, "/CharProcs")
        for glyph in dict.values(procs) if isinstance(procs, DictionaryObject) else ():
            _refuse_inline_photos_with_metadata(glyph.get_object(), budget)


def _scrub_annotation_list(page: DictionaryObject) -> None:
    annotations = _get(page, "/Annots")
    if annotations is None:
        return
    kept = ArrayObject()
    for reference in annotations if isinstance(annotations, ArrayObject) else ():
        annotation = reference.get_object()
        if isinstance(annotation, DictionaryObject) and _name(annotation, "/Subtype") not in _CARRIERS:
            _scrub_annotation(annotation)  # here too, in case its /Type or /Subtype is damaged
            kept.append(reference)
    page[NameObject("/Annots")] = kept


def _scrub_annotation(annotation: DictionaryObject) -> None:
    subtype = _name(annotation, "/Subtype")
    if subtype in _CARRIERS:  # reached some other way than the page's list (a reply, a popup's parent)
        for key in [key for key in annotation if key not in ("/Type", "/Subtype", "/Rect")]:
            del annotation[key]
        return
    _drop(annotation, _ANNOTATION_KEYS_DROPPED)
    if subtype == "/Widget" or "/FT" in annotation:
        _drop(annotation, _FORM_FIELD_KEYS_DROPPED)


def _filters(stream: StreamObject) -> list:
    filters = _get(stream, "/Filter")
    names = [filters] if isinstance(filters, NameObject) else list(filters or ())
    return [str(name) if isinstance(name, NameObject) else name for name in names]


def _scrub_picture(image: StreamObject, names: list) -> None:
    jpeg = names[-1] != "/JPXDecode"
    data = image.get_data()  # undoes any filters before the last; pypdf leaves JPEG data as it is
    cleaned = jpeg_without_metadata(data) if jpeg else jp2_without_metadata(data)
    parameters = _get(image, "/DecodeParms")
    if isinstance(parameters, ArrayObject):
        parameters = parameters[-1].get_object() if len(parameters) == len(names) else None
    elif len(names) > 1:
        parameters = None
    # StreamObject.set_data stores bytes as they are; the encoded stream's own set_data only knows Flate.
    StreamObject.set_data(image, cleaned)
    if hasattr(image, "decoded_self"):
        image.decoded_self = None
    image[NameObject("/Filter")] = NameObject("/DCTDecode" if jpeg else "/JPXDecode")
    if isinstance(parameters, DictionaryObject):  # DCTDecode's /ColorTransform
        image[NameObject("/DecodeParms")] = parameters
    else:
        _drop(image, ("/DecodeParms",))


def _refuse_stray_photos(stream: StreamObject) -> None:
    """A JPEG with metadata in a stream that does not say it holds one: a damaged /Filter or /Subtype key."""
    data = stream._data  # as stored: pypdf has no public name for a stream's encoded bytes
    if data.startswith(b"\xff\xd8\xff") or _holds_photo_metadata(data, whole_header=True):
        raise CannotClean("a photo where no picture is expected")


def _refuse_inline_photos_with_metadata(stream, budget: _Budget) -> None:
    """Pages draw small pictures inline (BI ... ID <data> EI); one that is a JPEG may carry EXIF."""
    if not isinstance(stream, StreamObject):
        return
    # decode_stream_data, unlike get_data, keeps no decoded copy in the stream: one page's at a time in memory
    data = decode_stream_data(stream) if "/Filter" in stream else stream.get_data()
    budget.spend(len(data))
    if _holds_photo_metadata(data, whole_header=False):
        raise CannotClean("a photo drawn inline carries metadata")


def _holds_photo_metadata(data: bytes, *, whole_header: bool) -> bool:
    """Whether a JPEG starts anywhere in `data` with a metadata segment in its header. With whole_header, only
    one whose header parses up to its first scan counts: compressed bytes hold the odd FF D8 FF by chance."""
    start = data.find(b"\xff\xd8\xff")
    while start != -1:
        found, last = False, None
        try:
            for last, body, _ in _segments(data, start + 2):
                found = found or _is_metadata(last, body)
                if found and not whole_header:
                    return True
            if found and last == _SOS:
                return True
        except _NotJpeg:
            pass  # not a JPEG after all
        start = data.find(b"\xff\xd8\xff", start + 3)
    return False


# --- JPEG ------------------------------------------------------------------------------------------------

_SOS, _EOI, _APP0, _APP14, _COM = 0xDA, 0xD9, 0xE0, 0xEE, 0xFE
# What a decoder needs: frame headers for baseline, extended, progressive and lossless JPEGs, with Huffman
# or arithmetic coding (SOF0-3, SOF9-11), Huffman and arithmetic tables, quantisation tables, restart interval,
# number of lines. Hierarchical JPEGs (SOF5-7, SOF13-15, DHP, EXP), which viewers do not decode, are refused.
_DECODING_MARKERS = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC9, 0xCA, 0xCB, 0xC4, 0xCC, 0xDB, 0xDD, 0xDC})
_STANDALONE = frozenset(range(0xD0, 0xD8)) | {0x01}  # restart markers and TEM have no length
_JFIF = (
    b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"  # version 1.1, no density, no thumbnail
)


class _NotJpeg(CannotClean):
    pass


def _segments(data: bytes, position: int):
    """(marker, body, end) for each marker segment from the 0xFF at `position` up to the next scan (SOS,
    included) or the end of the image (EOI, with an empty body)."""
    while True:
        if position >= len(data) or data[position] != 0xFF:
            raise _NotJpeg("expected a marker")
        while position < len(data) and data[position] == 0xFF:  # fill bytes
            position += 1
        if position >= len(data):
            raise _NotJpeg("cut short")
        marker = data[position]
        if marker == _EOI:
            yield marker, b"", position + 1
            return
        if marker in _STANDALONE or marker == 0xD8 or marker == 0x00:
            raise _NotJpeg("marker out of place")
        length = int.from_bytes(data[position + 1 : position + 3], "big")
        end = position + 1 + length
        if length < 2 or end > len(data):
            raise _NotJpeg("segment length out of bounds")
        yield marker, data[position + 3 : end], end
        position = end
        if marker == _SOS:
            return


def _end_of_scan(data: bytes, position: int) -> int:
    """Where a scan's entropy-coded data ends: the next 0xFF that is neither stuffing (FF00) nor a restart."""
    while True:
        position = data.find(b"\xff", position)
        if position == -1 or position + 1 >= len(data):
            return len(data)
        following = data[position + 1]
        if following != 0x00 and not 0xD0 <= following <= 0xD7:
            return position
        position += 2


def _is_metadata(marker: int, body: bytes) -> bool:
    return (0xE0 <= marker <= 0xEF and not _is_colour_marker(marker, body)) or marker == _COM


def _is_colour_marker(marker: int, body: bytes) -> bool:
    """JFIF and Adobe markers tell a decoder the colour transform; they are rebuilt, not copied."""
    return (marker == _APP0 and body.startswith(b"JFIF\x00")) or (
        marker == _APP14 and body.startswith(b"Adobe") and len(body) >= 12
    )


def jpeg_without_metadata(data: bytes) -> bytes:
    """The same picture, byte for byte in its compressed data, with only the segments needed to decode it.

    APPn segments (EXIF and GPS, XMP, ICC, IPTC, makers' notes), comments and anything after the end marker are
    left out. A JFIF or Adobe marker is written afresh with only its colour information. Raises CannotClean
    for data that is not a JPEG or has segments of a kind this does not know.
    """
    if not data.startswith(b"\xff\xd8"):
        raise _NotJpeg("no start of image")
    out, position = [b"\xff\xd8"], 2
    while True:
        for marker, body, segment_end in _segments(data, position):
            if marker == _EOI:
                out.append(b"\xff\xd9")
                return b"".join(out)  # anything after the end (another picture, a maker's trailer) is dropped
            out.append(_kept_segment(marker, body))
            position = segment_end
        end = _end_of_scan(data, position)
        out.append(data[position:end])
        if end >= len(data):
            return b"".join(out)  # no end marker: keep what there is, as viewers do
        position = end  # more segments follow: tables and scans of a progressive JPEG, then the end


def _kept_segment(marker: int, body: bytes) -> bytes:
    if marker == _APP0:
        return _JFIF if body.startswith(b"JFIF\x00") else b""
    if marker == _APP14 and _is_colour_marker(marker, body):
        # DCTEncodeVersion 100, no flags, and the original colour transform (0 RGB/CMYK, 1 YCbCr, 2 YCCK)
        return b"\xff\xee\x00\x0eAdobe\x00\x64\x00\x00\x00\x00" + body[11:12]
    if 0xE0 <= marker <= 0xEF or marker == _COM:
        return b""
    if marker in _DECODING_MARKERS or marker == _SOS:
        return bytes((0xFF, marker)) + (len(body) + 2).to_bytes(2, "big") + body
    raise _NotJpeg(f"unknown marker {marker:#04x}")


# --- JPEG 2000 -------------------------------------------------------------------------------------------

_JP2_SIGNATURE = b"\x00\x00\x00\x0cjP  \r\n\x87\n"
_JP2_KEPT = {b"jP  ", b"ftyp", b"jp2h", b"jp2c"}  # signature, file type, header, codestream
_JP2_HEADER_KEPT = {b"ihdr", b"bpcc", b"colr", b"pclr", b"cmap", b"cdef"}  # what a decoder needs
_SOT, _SOD, _J2K_COM, _TLM = 0x90, 0x93, 0x64, 0x55  # start of tile-part, start of data, comment, lengths


def jp2_without_metadata(data: bytes) -> bytes:
    """A JPEG 2000 file or bare codestream without metadata boxes (XML, UUID: XMP, EXIF) or comments."""
    if data.startswith(b"\xff\x4f\xff\x51"):
        return _codestream_without_comments(data)
    if not data.startswith(_JP2_SIGNATURE):
        raise CannotClean("not a JPEG 2000 file")
    out = []
    for kind, body in _boxes(data):
        if kind == b"jp2h":
            body = b"".join(_box(k, b) for k, b in _boxes(body) if k in _JP2_HEADER_KEPT)
        elif kind == b"jp2c":
            body = _codestream_without_comments(body)
        if kind in _JP2_KEPT:
            out.append(_box(kind, body))
    if not any(part[4:8] == b"jp2c" for part in out):
        raise CannotClean("no codestream box (fragmented or elsewhere)")
    return b"".join(out)


def _boxes(data: bytes):
    position = 0
    while position < len(data):
        if position + 8 > len(data):
            raise CannotClean("box header cut short")
        length, kind, header = (
            int.from_bytes(data[position : position + 4], "big"),
            data[position + 4 : position + 8],
            8,
        )
        if length == 1:
            length, header = int.from_bytes(data[position + 8 : position + 16], "big"), 16
        elif length == 0:
            length = len(data) - position
        if length < header or position + length > len(data):
            raise CannotClean("box length out of bounds")
        yield kind, data[position + header : position + length]
        position += length


def _box(kind: bytes, body: bytes) -> bytes:
    if len(body) + 8 < 2**32:
        return (len(body) + 8).to_bytes(4, "big") + kind + body
    return b"\x00\x00\x00\x01" + kind + (len(body) + 16).to_bytes(8, "big") + body


def _marker_segments(data: bytes, position: int, stop: int):
    """(marker, start, end) of the marker segments from `position` up to (not including) marker `stop`."""
    while True:
        if position + 4 > len(data) or data[position] != 0xFF:
            raise CannotClean("codestream marker expected")
        marker = data[position + 1]
        if marker == stop:
            return
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        if length < 2 or position + 2 + length > len(data):
            raise CannotClean("codestream segment out of bounds")
        yield marker, position, position + 2 + length
        position += 2 + length


def _codestream_without_comments(data: bytes) -> bytes:
    if not data.startswith(b"\xff\x4f"):
        raise CannotClean("not a JPEG 2000 codestream")
    main = list(_marker_segments(data, 2, _SOT))
    position = main[-1][2] if main else 2
    tile_parts, removed_any = [], False
    while data[position : position + 2] == b"\xff\x90":
        if position + 12 > len(data):
            raise CannotClean("tile-part header cut short")
        length = int.from_bytes(data[position + 6 : position + 10], "big")  # Psot: the whole tile-part
        end = position + length if length else len(data) - (2 if data.endswith(b"\xff\xd9") else 0)
        if end > len(data) or end < position + 14:
            raise CannotClean("tile-part length out of bounds")
        header = list(_marker_segments(data, position + 12, _SOD))
        kept = b"".join(data[s:e] for m, s, e in header if m != _J2K_COM)
        removed = sum(e - s for m, s, e in header if m == _J2K_COM)
        removed_any = removed_any or removed > 0
        body_start = header[-1][2] if header else position + 12
        if body_start + 2 > end:
            raise CannotClean("tile-part header runs past its tile-part")
        sot = bytearray(data[position : position + 12])
        if length:
            sot[6:10] = (length - removed).to_bytes(4, "big")
        tile_parts.append(bytes(sot) + kept + data[body_start:end])
        position = end
    # Tile-part lengths in a TLM marker would be wrong once a tile-part's comment is gone; TLM is optional.
    dropped = {_J2K_COM, _TLM} if removed_any else {_J2K_COM}
    head = b"\xff\x4f" + b"".join(data[s:e] for m, s, e in main if m not in dropped)
    return head + b"".join(tile_parts) + b"\xff\xd9"
