"""What an uploaded file really is: its type read from its bytes, and the checks that refuse a file
hiding something a browser, a PDF reader or a word processor would act on.

Pure: bytes in, a content type or a `Refused` reason out (files.py turns the reason into the
message the person sees). The type is never taken from the name or from what the browser said.

- Every type: nothing in the first KB that makes a browser (or a person opening it) treat it as a
  web page or script, and no zip archive hidden at its end (how a JAR rides inside a picture).
- Text: UTF-8 only, no NULs or control characters, and not a renamed web page, SVG or script.
- PDF: read with pypdf; refused if encrypted beyond an empty password or if anything reachable
  from its catalogue runs script, launches a program, submits or imports data, or carries embedded
  files (a destination to open at is allowed: it is a page number, not an action).
- DOCX and ODT are zips: bounded in entries, unpacked size and compression ratio (zip bombs), no
  path tricks or symbolic links, nothing encrypted, no archive or program inside, no macros, and the parts that make
  them what they say (`[Content_Types].xml` naming the Word document; ODT's stored `mimetype` first).
- Photos: at most Pillow's MAX_IMAGE_PIXELS (a decompression bomb is refused before decoding),
  then redrawn from their pixels alone, so no EXIF (location), XMP, ICC profile or comment is kept.
"""

from __future__ import annotations

import enum
import io
import re
import stat
import zipfile
from xml.parsers import expat

import filetype
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
TXT = "text/plain"

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MAX_ENTRIES = 1000
MAX_UNPACKED = 100 * 1024 * 1024
MAX_RATIO = 100  # unpacked ÷ packed, for entries big enough to matter
RATIO_FROM = 1024 * 1024
MAX_PDF_OBJECTS = 100_000
SNIFF_WINDOW = 1024


class Refused(enum.Enum):
    """Why a file is refused; files.py words each one for the person."""

    NOT_ALLOWED = "not_allowed"  # not one of the accepted types
    HIDDEN_CONTENT = "hidden_content"  # script, a web page, a program or another file inside
    MACROS = "macros"
    TOO_BIG_UNPACKED = "too_big_unpacked"  # a zip or image that would unpack to far more than it is
    NOT_UTF8 = "not_utf8"
    ENCRYPTED = "encrypted"
    UNREADABLE_IMAGE = "unreadable_image"
    UNREADABLE = "unreadable"  # says it is a PDF or document but cannot be read as one


class ContentRefused(Exception):
    def __init__(self, reason: Refused) -> None:
        super().__init__(reason.value)
        self.reason = reason


# Markup that can carry script, refused in the first KB of any file (long enough never to turn
# up by chance in a photo's compressed bytes).
_ACTIVE_MARKUP = re.compile(rb"<(?:script|html|svg|!doctype|iframe|body|head|object|embed|\?php)|javascript:|vbscript:",
                            re.IGNORECASE)
# What makes a browser sniff text as HTML or XML (WHATWG MIME sniffing): a tag at the start.
_HTML_START = re.compile(
    r"\A(?:<\?xml|<!--|<(?:a|b|br|p|h1|div|font|table|style|title|img|meta|link|form)[\s>/])", re.IGNORECASE
)
# Text that is a program rather than words: a script's first line.
_CODE_START = re.compile(
    r"\A(?:#!|@echo\b|<\?php|(?:function|var|let|const|import|export|class)\s|\(function\b|['\"]use strict['\"])",
    re.IGNORECASE,
)
# Entries that are archives or programs, by their first bytes: zip (and so docx, jar), OLE2
# (old Office files, embedded objects), PE/DOS programs, ELF, 7z, RAR, gzip, Mach-O, Java classes.
_NESTED = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"MZ", b"\x7fELF", b"7z\xbc\xaf", b"Rar!", b"\x1f\x8b",
           b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe")
_MACRO_NAMES = re.compile(r"(?:^|/)(?:vbaProject\.bin|vbaData\.xml)$|^(?:Basic|Scripts)/", re.IGNORECASE)
_MACRO_TYPES = ("macroEnabled", "vbaProject")
# PDF dictionary keys that run, launch or carry something, and the action types that do.
_PDF_ACTIVE_KEYS = {"/JS", "/JavaScript", "/AA", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia",
                    "/XFA", "/ImportData", "/SubmitForm"}
_PDF_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/Rendition",
                       "/RichMediaExecute", "/Sound", "/Movie"}


def sniff(data: bytes) -> str:
    """The accepted content type of `data`, after every check for its type; else ContentRefused."""
    if _ACTIVE_MARKUP.search(data[:SNIFF_WINDOW]):
        raise ContentRefused(Refused.HIDDEN_CONTENT)
    kind = filetype.guess(data)
    mime = kind.mime if kind else None
    if data.startswith(b"%PDF-"):
        _no_archive_at_end(data)
        _check_pdf(data)
        return PDF
    if mime in {JPEG, PNG}:
        _no_archive_at_end(data)
        return mime
    if data.startswith(b"PK\x03\x04"):
        return _check_package(data)
    if mime is None:
        _check_text(data)
        _no_archive_at_end(data)
        return TXT
    raise ContentRefused(Refused.NOT_ALLOWED)


def _no_archive_at_end(data: bytes) -> None:
    """Zip readers (Java's among them) look for the archive's directory at the end of a file, so a
    picture or PDF with one there is also an archive: refused."""
    if zipfile.is_zipfile(io.BytesIO(data)):
        raise ContentRefused(Refused.HIDDEN_CONTENT)


# --- text ----------------------------------------------------------------------------------------


def _check_text(data: bytes) -> None:
    if b"\x00" in data:
        raise ContentRefused(Refused.NOT_ALLOWED)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ContentRefused(Refused.NOT_UTF8) from error
    if any(ch not in "\t\n\r\f" and (ch < " " or "\x7f" <= ch <= "\x9f") for ch in text):
        raise ContentRefused(Refused.NOT_ALLOWED)
    start = text.lstrip()
    if _CODE_START.match(start) or _HTML_START.match(start):
        raise ContentRefused(Refused.HIDDEN_CONTENT)


# --- PDF -----------------------------------------------------------------------------------------


def _check_pdf(data: bytes) -> None:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ContentRefused(Refused.ENCRYPTED)
        _walk_pdf(reader.trailer)
    except ContentRefused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as error:
        raise ContentRefused(Refused.UNREADABLE) from error


def _walk_pdf(trailer: DictionaryObject) -> None:
    """Visit every object reachable from the trailer (the catalogue, pages, annotations, forms,
    name trees), each once, without decoding content streams; refuse anything active."""
    seen: set[tuple[int, int]] = set()
    todo: list[object] = [trailer]
    while todo:
        item = todo.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > MAX_PDF_OBJECTS:
                raise ContentRefused(Refused.TOO_BIG_UNPACKED)
            todo.append(item.get_object())
        elif isinstance(item, DictionaryObject):
            _check_pdf_dictionary(item)
            todo.extend(item.values())
        elif isinstance(item, ArrayObject):
            todo.extend(item)


def _check_pdf_dictionary(dictionary: DictionaryObject) -> None:
    if _PDF_ACTIVE_KEYS.intersection(dictionary.keys()):
        raise ContentRefused(Refused.HIDDEN_CONTENT)
    action = _resolved(dictionary.get("/S"))
    if isinstance(action, NameObject) and action in _PDF_ACTIVE_ACTIONS:
        raise ContentRefused(Refused.HIDDEN_CONTENT)
    if _resolved(dictionary.get("/Type")) == "/Filespec" or "/EF" in dictionary:
        raise ContentRefused(Refused.HIDDEN_CONTENT)
    opening = _resolved(dictionary.get("/OpenAction"))
    # A destination (an array) only says where to open; an action runs on opening, so only a plain GoTo may.
    if opening is not None and not isinstance(opening, ArrayObject) and not _plain_go_to(opening):
        raise ContentRefused(Refused.HIDDEN_CONTENT)


def _plain_go_to(action: object) -> bool:
    return isinstance(action, DictionaryObject) and _resolved(action.get("/S")) == "/GoTo" and "/Next" not in action


def _resolved(value: object) -> object:
    return value.get_object() if isinstance(value, IndirectObject) else value


# --- DOCX and ODT --------------------------------------------------------------------------------


def _check_package(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            entries = package.infolist()
            _check_entries(entries)
            names = {entry.filename for entry in entries}
            if "word/document.xml" in names and "[Content_Types].xml" in names:
                _check_content_types(package.read("[Content_Types].xml"))
                kind = DOCX
            elif entries and entries[0].filename == "mimetype":
                _check_odt(package, entries[0], names)
                kind = ODT
            else:
                raise ContentRefused(Refused.NOT_ALLOWED)
            _check_unpacked(package, entries)
            return kind
    except ContentRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError, RuntimeError, ValueError,
            NotImplementedError, EOFError) as error:
        raise ContentRefused(Refused.UNREADABLE) from error


def _check_entries(entries: list[zipfile.ZipInfo]) -> None:
    """What the zip's directory says, before anything is unpacked."""
    if len(entries) > MAX_ENTRIES:
        raise ContentRefused(Refused.TOO_BIG_UNPACKED)
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED:
        raise ContentRefused(Refused.TOO_BIG_UNPACKED)
    for entry in entries:
        name = entry.filename
        parts = name.split("/")
        if name.startswith("/") or "\\" in name or "\x00" in name or ".." in parts or re.match(r"[A-Za-z]:", name):
            raise ContentRefused(Refused.HIDDEN_CONTENT)  # a path that would land outside where it is unpacked
        if stat.S_ISLNK(entry.external_attr >> 16):
            raise ContentRefused(Refused.HIDDEN_CONTENT)  # a symbolic link, pointing anywhere once unpacked
        if entry.flag_bits & 0x1:
            raise ContentRefused(Refused.ENCRYPTED)  # nothing in it could be checked
        if _MACRO_NAMES.search(name):
            raise ContentRefused(Refused.MACROS)
        if entry.file_size > RATIO_FROM and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise ContentRefused(Refused.TOO_BIG_UNPACKED)


def _check_unpacked(package: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> None:
    """Unpack every entry as a stream, counting what really comes out (a directory can lie), and
    refuse archives or programs inside."""
    total = 0
    for entry in entries:
        if entry.is_dir():
            continue
        with package.open(entry) as part:
            head = part.read(8)
            if head.startswith(_NESTED):
                raise ContentRefused(Refused.HIDDEN_CONTENT)
            total += len(head)
            while chunk := part.read(64 * 1024):
                total += len(chunk)
                if total > MAX_UNPACKED:
                    raise ContentRefused(Refused.TOO_BIG_UNPACKED)


def _xml(data: bytes, start) -> None:
    """Parse package XML with expat, refusing any DTD (entities can expand without bound)."""
    if re.search(rb"<!(?:DOCTYPE|ENTITY)", data, re.IGNORECASE):
        raise ContentRefused(Refused.HIDDEN_CONTENT)
    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = start
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise ContentRefused(Refused.UNREADABLE) from error


def _check_content_types(data: bytes) -> None:
    """`[Content_Types].xml` must name /word/document.xml as a Word document's main part, and
    nothing in it may be macro-enabled."""
    found = {"main": False, "macros": False}

    def start(name: str, attributes: dict[str, str]) -> None:
        content_type = attributes.get("ContentType", "")
        if any(marker.lower() in content_type.lower() for marker in _MACRO_TYPES):
            found["macros"] = True
        if name.endswith("}Override") and attributes.get("PartName", "").lower() == "/word/document.xml":
            found["main"] = content_type == DOCX_MAIN

    _xml(data, start)
    if found["macros"]:
        raise ContentRefused(Refused.MACROS)
    if not found["main"]:
        raise ContentRefused(Refused.NOT_ALLOWED)


def _check_odt(package: zipfile.ZipFile, first: zipfile.ZipInfo, names: set[str]) -> None:
    """ODF's rule: `mimetype` first, stored uncompressed, holding exactly the type; plus the
    manifest and the content."""
    if first.compress_type != zipfile.ZIP_STORED or first.file_size > 100:
        raise ContentRefused(Refused.NOT_ALLOWED)
    if package.read(first) != ODT.encode() or not {"content.xml", "META-INF/manifest.xml"} <= names:
        raise ContentRefused(Refused.NOT_ALLOWED)

    def start(_name: str, attributes: dict[str, str]) -> None:
        for attribute, value in attributes.items():
            if attribute.endswith("}media-type") and ("script" in value.lower() or "basic" in value.lower()):
                raise ContentRefused(Refused.MACROS)

    _xml(package.read("META-INF/manifest.xml"), start)


# --- photos --------------------------------------------------------------------------------------


def redraw(data: bytes, content_type: str) -> bytes:
    """The photo drawn again from its pixels alone: no EXIF (location, camera, time), XMP, ICC
    profile, comments or text chunks; upright as it was shown. Refuses decompression bombs."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format not in {"JPEG", "MPO", "PNG"}:  # MPO: a phone photo with a second picture
                raise ContentRefused(Refused.UNREADABLE_IMAGE)
            width, height = image.size
            if width * height > Image.MAX_IMAGE_PIXELS:
                raise ContentRefused(Refused.TOO_BIG_UNPACKED)
            image.load()
            upright = ImageOps.exif_transpose(image)
            pixels = _plain_mode(upright, content_type)
            # A new image from the raw pixels carries no `info`, so nothing else can be saved with it.
            clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    except ContentRefused:
        raise
    except Image.DecompressionBombError as error:
        raise ContentRefused(Refused.TOO_BIG_UNPACKED) from error
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError) as error:
        raise ContentRefused(Refused.UNREADABLE_IMAGE) from error
    out = io.BytesIO()
    if content_type == JPEG:
        clean.save(out, "JPEG", quality=90, optimize=True)
    else:
        clean.save(out, "PNG", optimize=True)
    return out.getvalue()


def _plain_mode(image: Image.Image, content_type: str) -> Image.Image:
    if content_type == JPEG:
        return image if image.mode in {"RGB", "L"} else image.convert("RGB")
    if image.mode in {"RGB", "RGBA", "L", "LA"}:
        return image
    transparent = image.mode in {"PA", "RGBa", "La"} or "transparency" in image.info
    return image.convert("RGBA" if transparent else "RGB")
