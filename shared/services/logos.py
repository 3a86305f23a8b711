"""The council's logo: an uploaded PNG or SVG, checked by its content, kept in the file store
(shared/services/files.py) under a name the server chose, and served to every page's header.

PNG is re-encoded without its metadata. SVG is accepted because councils' logos are usually
drawn as one and stay sharp at any size, but an SVG is a document that can carry script, so it is
refused if it holds anything active (script, event attributes, embedded HTML, links to other
files or entity declarations) and, whatever it holds, it is served with a policy that forbids
script (`sandbox`, `default-src 'none'`). Pages show it in an <img>, where browsers never run an
SVG's script anyway: the policy covers someone opening its address directly.
"""

from __future__ import annotations

import io
import re
from xml.parsers import expat

from flask import Response, abort, send_file
from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError
from werkzeug.datastructures import FileStorage

from shared.services import file_scanning
from shared.services.file_content import ContentRefused, redraw
from shared.services.files import PNG, CheckedFile, FileRejected, clean_name, upload_dir

SVG = "image/svg+xml"
MAX_BYTES = 512 * 1024
MAX_PIXELS = 4000  # on the longer side: more than any header needs, little enough to decode safely
CACHE_SECONDS = 365 * 24 * 3600  # a new logo gets a new name, so an old one may be kept for ever
EXTENSIONS = {PNG: ".png", SVG: ".svg"}

_SEPARATOR = "}"  # expat writes a namespaced name as "namespace}local"
_SVG_ROOT = "http://www.w3.org/2000/svg}svg"
_XLINK_HREF = "http://www.w3.org/1999/xlink}href"
_ACTIVE_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener"}
# Entity declarations can expand without bound ("billion laughs") or reach outside the file.
_DECLARATIONS = re.compile(rb"<!(ENTITY|ATTLIST|ELEMENT)\b|<!DOCTYPE[^>]*\[", re.IGNORECASE)


def check(upload: FileStorage) -> CheckedFile:
    """The logo cleaned and ready to store, or FileRejected with what to do instead."""
    name = clean_name(upload.filename)
    data = upload.stream.read(MAX_BYTES + 1)
    if not data:
        raise FileRejected(_("The selected file is empty"))
    if len(data) > MAX_BYTES:
        raise FileRejected(_("The logo must be smaller than 512 KB"))
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return CheckedFile(name, PNG, _clean_png(data))
    if _looks_like_svg(data):
        _check_svg(data)
        return CheckedFile(name, SVG, data)
    raise FileRejected(_("The logo must be a PNG or SVG file"))


def _clean_png(data: bytes) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG":
                raise FileRejected(_("The logo must be a PNG or SVG file"))
            if max(image.size) > MAX_PIXELS:
                raise FileRejected(_("The logo must be at most %(pixels)d pixels wide and high", pixels=MAX_PIXELS))
        return redraw(data, PNG)  # pixels only: no text chunks, EXIF, XMP or ICC profile
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError, ContentRefused) as error:
        raise FileRejected(_("The logo could not be read as a PNG image")) from error


def _looks_like_svg(data: bytes) -> bool:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")) and b"<svg" in data[:8192].lower()


def _check_svg(data: bytes) -> None:
    """Refuse an SVG that is not one, or that holds anything active or reaching outside the file.

    Read with expat event by event (no tree is built), with entity declarations refused by the
    parser itself as well as by the pattern, whatever the file's encoding.
    """
    unsafe = FileRejected(_("The SVG file contains script, links to other files or embedded content: save the "
                            "logo as a plain SVG or a PNG"))
    unreadable = FileRejected(_("The logo could not be read as an SVG image"))
    if _DECLARATIONS.search(data):
        raise unsafe
    found = {"root": None, "style_depth": 0, "style": []}

    def refuse(*_args):
        raise unsafe

    def start(name: str, attributes: dict[str, str]) -> None:
        if found["root"] is None:
            found["root"] = name
        tag = name.rsplit(_SEPARATOR, 1)[-1].lower()
        if tag in _ACTIVE_ELEMENTS:
            raise unsafe
        if tag == "style":
            found["style_depth"] += 1
        for attribute, value in attributes.items():
            local = attribute.rsplit(_SEPARATOR, 1)[-1].lower()
            if local.startswith("on"):
                raise unsafe
            if (local == "href" or attribute == _XLINK_HREF) and not _internal_reference(value):
                raise unsafe
            squeezed = re.sub(r"\s+", "", value).lower()
            if "url(" in squeezed and not re.fullmatch(r"\s*url\(\s*#[^)]*\)\s*", value):
                raise unsafe
            if "javascript:" in squeezed or "vbscript:" in squeezed:
                raise unsafe
            # An animation that would set a link or an event handler: SVG's own way in to script.
            if local == "attributename" and (squeezed.endswith("href") or squeezed.startswith("on")):
                raise unsafe

    def end(name: str) -> None:
        if name.rsplit(_SEPARATOR, 1)[-1].lower() == "style":
            found["style_depth"] -= 1

    def text(content: str) -> None:
        if found["style_depth"]:
            found["style"].append(content)

    parser = expat.ParserCreate(namespace_separator=_SEPARATOR)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    parser.EntityDeclHandler = parser.UnparsedEntityDeclHandler = parser.ExternalEntityRefHandler = refuse
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise unreadable from error
    if found["root"] != _SVG_ROOT:
        raise unreadable
    if re.search(r"@import|url\(\s*['\"]?(?!#)", "".join(found["style"]), re.IGNORECASE):
        raise unsafe


def _internal_reference(value: str) -> bool:
    """A link to something in the same file (#id), or a PNG or JPEG drawn inside it."""
    text = value.strip()
    return text.startswith("#") or re.match(r"data:image/(png|jpeg);base64,", text, re.IGNORECASE) is not None


def send(stored_name: str, content_type: str) -> Response:
    """The logo inline, cached for a year (its name changes with it), unable to run script."""
    path = upload_dir() / stored_name
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=content_type, as_attachment=False,
                         download_name=f"logo{EXTENSIONS.get(content_type, '')}", max_age=CACHE_SECONDS,
                         conditional=True, etag=True)
    response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    # No script, no outside resources; its own inline styles may draw it.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
    return response


def scan(checked: CheckedFile) -> bool:
    """With virus scanning configured, a checked logo is scanned now, before it is kept (every page
    shows it): True once clamd has found it clean; FileRejected, saying why, otherwise. False:
    scanning is not configured."""
    if not file_scanning.configured():
        return False
    try:
        verdict, _finding = file_scanning.scan_now(checked.data)
    except file_scanning.ScannerUnavailable:
        raise FileRejected(_("The virus check is not answering, so the logo cannot be changed just now. "
                             "Try again in a few minutes.")) from None
    if verdict == "FOUND":
        raise FileRejected(_("The virus check found a virus in %(name)s. Choose another file.", name=checked.name))
    if verdict != "OK":
        raise FileRejected(_("The virus check could not check %(name)s. Choose a smaller file.", name=checked.name))
    return True
