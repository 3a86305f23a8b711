"""Uploaded files: accepted by content not name, photos lose their location, bytes kept outside static/."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from shared.services import files


def upload(name: str, data: bytes) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


def _zip(parts: dict[str, str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for name, content in parts.items():
            package.writestr(name, content)
    return out.getvalue()


def docx() -> bytes:
    return _zip({"[Content_Types].xml": "<Types/>", "_rels/.rels": "<Relationships/>", "word/document.xml": "<w:document/>"})


def odt() -> bytes:
    return _zip({"mimetype": files.ODT, "content.xml": "<office:document-content/>"})


def photo_with_location(fmt: str = "JPEG") -> bytes:
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (51.0, 30.0, 0.0)
    out = io.BytesIO()
    image.save(out, fmt, exif=exif)
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("letter.pdf", PDF, files.PDF),
        ("letter", PDF, files.PDF),  # no extension: content decides
        ("report.docx", docx(), files.DOCX),
        ("report.odt", odt(), files.ODT),
        ("notes.txt", "Damp in the bedroom since March — still there.\n".encode(), files.TXT),
        ("notes.txt", "Café£".encode("cp1252"), files.TXT),
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
        ("archive.docx", _zip({"a.txt": "x"})),  # a plain zip named as a document
        ("sheet.docx", _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<x/>"})),
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
