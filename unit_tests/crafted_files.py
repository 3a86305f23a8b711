"""Files built byte by byte for the upload tests: good ones of each accepted type, and malicious ones
(polyglots, active PDFs, zip bombs, macro documents, decompression bombs, photos full of metadata)."""

from __future__ import annotations

import io
import stat
import struct
import zipfile
import zlib

from PIL import Image, ImageCms

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/word/document.xml" ContentType="{DOCX_MAIN}"/></Types>'
)
ODT_TYPE = "application/vnd.oasis.opendocument.text"
MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
    f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODT_TYPE}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    '</manifest:manifest>'
)


# --- PDF -----------------------------------------------------------------------------------------


def pdf(*objects: bytes, padding: bytes = b"", before_xref: bytes = b"") -> bytes:
    """A PDF whose objects are numbered from 1 (the first is the catalogue), with a correct xref.

    `padding` goes in a comment after the header (to make a file of a given size)."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    if padding:
        out += b"%" + padding + b"\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    out += before_xref
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"


def page(extra: bytes = b"") -> bytes:
    return b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] " + extra + b">>"


def plain_pdf(padding: bytes = b"") -> bytes:
    return pdf(b"<< /Type /Catalog /Pages 2 0 R >>", PAGES, page(), padding=padding)


PDF = plain_pdf()


def pdf_with_catalogue(extra: bytes, *more: bytes, page_extra: bytes = b"") -> bytes:
    return pdf(b"<< /Type /Catalog /Pages 2 0 R " + extra + b" >>", PAGES, page(page_extra), *more)


def encrypted_pdf(user_password: str, owner_password: str = "owner") -> bytes:  # noqa: S107 — a test file's
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(PDF)))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- zips: DOCX, ODT and worse ----------------------------------------------------------------------


def zip_of(parts: dict[str, bytes | str], *, stored: set[str] = frozenset(), links: set[str] = frozenset()) -> bytes:
    """A zip of `parts`; those named in `stored` uncompressed, those in `links` as Unix symbolic links."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 12, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            if name in links:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            package.writestr(info, content)
    return out.getvalue()


def marked_encrypted(data: bytes) -> bytes:
    """The zip with every entry marked encrypted (general-purpose flag bit 0, in the local and the
    central headers): zipfile cannot write encrypted entries, and the check must not read them."""
    out = bytearray(data)
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (found := out.find(signature, start)) != -1:
            out[found + flag_at] |= 0x1
            start = found + 4
    return bytes(out)


def docx(extra: dict[str, bytes | str] | None = None, *, content_types: str = CONTENT_TYPES,
         links: set[str] = frozenset()) -> bytes:
    return zip_of({"[Content_Types].xml": content_types, "_rels/.rels": "<Relationships/>",
                   "word/document.xml": "<w:document><w:body><w:p/></w:body></w:document>", **(extra or {})},
                  links=links)


def odt(extra: dict[str, bytes | str] | None = None, *, mimetype_stored: bool = True) -> bytes:
    parts = {"mimetype": ODT_TYPE, "META-INF/manifest.xml": MANIFEST, "content.xml": "<office:document-content/>"}
    return zip_of({**parts, **(extra or {})}, stored={"mimetype"} if mimetype_stored else set())


# --- pictures --------------------------------------------------------------------------------------


GPS_SECRET = "PhoneMaker"
COMMENT = b"taken at 12 Acacia Avenue"
XMP = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       b'<rdf:Description xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:City="Redbury"/>'
       b"</rdf:RDF></x:xmpmeta>")


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def photo_with_everything(fmt: str = "JPEG", size: tuple[int, int] = (40, 30)) -> bytes:
    """A photo carrying EXIF with GPS, XMP, an ICC profile and a comment (or PNG text chunks)."""
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = GPS_SECRET  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (51.0, 30.0, 0.0)
    out = io.BytesIO()
    if fmt == "JPEG":
        image.save(out, "JPEG", exif=exif, icc_profile=srgb_profile(), comment=COMMENT, xmp=XMP)
    else:
        from PIL.PngImagePlugin import PngInfo

        info = PngInfo()
        info.add_text("Comment", COMMENT.decode())
        info.add_itxt("XML:com.adobe.xmp", XMP.decode())
        image.save(out, "PNG", exif=exif, icc_profile=srgb_profile(), pnginfo=info)
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` × `height` pixels: a decompression bomb's shape."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + _png_chunk(b"IEND", b""))


def jpeg_with_comment(comment: bytes) -> bytes:
    """A JPEG whose first segment after the start is a comment (COM) holding `comment`."""
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 0, 0)).save(out, "JPEG")
    data = out.getvalue()
    return data[:2] + b"\xff\xfe" + struct.pack(">H", len(comment) + 2) + comment + data[2:]


def with_zip_appended(data: bytes) -> bytes:
    """`data` with a JAR-like zip after it: the GIFAR trick (zip readers look from the end)."""
    return data + zip_of({"META-INF/MANIFEST.MF": "Manifest-Version: 1.0\nMain-Class: Evil\n",
                          "Evil.class": b"\xca\xfe\xba\xbe\x00\x00\x00\x34"})
