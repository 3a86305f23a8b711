"""Admins set the council's identity in /staff/admin/council: name, logo, brand colour (dark enough
for white text), contact details and nation, each change audited and shown as who, when, from → to,
and shown at once on every page and in every message, read through one accessor at no more than
one query a request."""

from __future__ import annotations

import io
import json

import pytest
from flask import g
from PIL import Image
from sqlalchemy import func, select

from shared.domain import colour
from shared.domain.enums import Role
from shared.models import AuditEvent, CouncilIdentity, OutboxMessage, StoredFile
from shared.services import council as identity
from shared.services import logos, reply_files
from shared.services.files import FileRejected
from unit_tests.test_route_access import quick_sign_in

DETAILS = {
    "name": "Redbury City Council", "name_cy": "Cyngor Dinas Redbury", "short_name": "Redbury",
    "brand_colour": "#4b0a6d", "contact_phone": "01632 960 123", "contact_email": "complaints@redbury.gov.uk",
    "contact_address": "Complaints Team\r\nCivic Centre\r\nRedbury\r\nRB2 2BB", "website": "https://www.redbury.gov.uk",
    "nation": "england",
}


@pytest.fixture
def admin(app, session, make):
    client = app.test_client()
    person = make.user(Role.ADMIN, full_name="Alex Admin")
    quick_sign_in(client, session, person)
    client.person = person
    return client


def _png(size=(40, 20), colour_=(255, 255, 255, 255)) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGBA", size, colour_)
    image.info["comment"] = "made by a camera"  # text chunks do not survive the re-encoding
    image.save(out, "PNG")
    return out.getvalue()


SVG = (b'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" '
       b'xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10"><defs><linearGradient id="g">'
       b'<stop offset="0" stop-color="#fff"/></linearGradient></defs>'
       b'<rect width="10" height="10" fill="url(#g)"/><use xlink:href="#g"/></svg>')


class _Upload:
    def __init__(self, data: bytes, filename: str = "logo.png"):
        self.stream = io.BytesIO(data)
        self.filename = filename


# --- the colour rule -------------------------------------------------------------------------------


@pytest.mark.parametrize(("hex_colour", "readable"), [
    ("#0b3d66", True),  # the default
    ("#1d70b8", True),  # GOV.UK blue: 5.2 to 1
    ("#000000", True),
    ("#aabbcc", False),
    ("#ffffff", False),
    ("#767676", True),  # 4.54 to 1: just enough
    ("#777777", False),  # 4.48 to 1: just short
])
def test_the_brand_colour_must_carry_white_text_at_4_5_to_1(hex_colour, readable):
    assert colour.readable_under_white_text(hex_colour) is readable


def test_contrast_ratios_are_those_wcag_defines():
    assert colour.contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert colour.contrast_ratio("#777777", colour.WHITE) == pytest.approx(4.48, abs=0.01)
    assert colour.describe_ratio(4.4999) == "4.4"  # never rounded up into passing
    assert colour.normalise(" #ABC ") == "#aabbcc"


# --- reading: one accessor, configuration by default, at most one query ---------------------------


def test_without_a_saved_row_the_configuration_is_the_identity(app):
    settings = app.config["SETTINGS"]
    with app.test_request_context():
        current = identity.council()
        assert current.name == settings.council_name and current.brand_colour == settings.brand_colour
        assert current.saved_at is None and current.logo is None
        assert current.address_lines == ["Complaints Team", "Town Hall", "High Street", "Redbury", "RB1 1AA"]
        assert current.address_one_line == settings.contact_address


def test_the_identity_is_read_once_a_request(app):
    with app.test_request_context():
        g.query_count = 0
        first = identity.council()
        second = identity.council()
        assert first is second and g.query_count == 1


def test_a_signed_in_page_reads_the_identity_with_the_session_at_no_extra_query(app, admin, session):
    before = int(admin.get("/staff/admin/retention").headers["X-Redress-Queries"])
    assert admin.submit("/staff/admin/council", DETAILS).status_code == 302
    page = admin.get("/staff/admin/retention")
    assert "Redbury City Council" in page.get_data(as_text=True)
    assert int(page.headers["X-Redress-Queries"]) == before


def test_the_welsh_name_is_used_in_welsh(app, admin):
    admin.submit("/staff/admin/council", DETAILS)
    with app.test_request_context("/?lang=cy"):
        current = identity.council()
        assert current.name_in("cy") == "Cyngor Dinas Redbury" and current.name_in("en") == "Redbury City Council"
    assert "Cyngor Dinas Redbury" in app.test_client().get("/?lang=cy").get_data(as_text=True)


def test_outside_a_request_the_identity_is_read_again_after_a_while(app, session, make, monkeypatch):
    """The outbox worker runs for days in one application context: it follows an admin's change."""
    from shared.db import db

    actor = make.user(Role.ADMIN)
    session.commit()
    with app.app_context():
        first = identity.council()
        assert first.english_name == app.config["SETTINGS"].council_name
        with app.app_context():  # the admin's request, elsewhere
            identity.save(db.session.get(type(actor), actor.id), **DETAILS)
            db.session.commit()
        assert identity.council() is first  # kept for RELOAD_SECONDS
        monkeypatch.setattr(identity, "RELOAD_SECONDS", -1)
        assert identity.council().english_name == "Redbury City Council"


# --- saving: audited field by field ---------------------------------------------------------------


def test_an_admin_saves_the_details_and_every_page_shows_them(app, admin, session):
    response = admin.submit("/staff/admin/council", DETAILS)
    assert response.status_code == 302 and response.location.endswith("/staff/admin/council")
    row = session.get(CouncilIdentity, 1)
    assert (row.name, row.brand_colour, row.contact_address) == (
        "Redbury City Council", "#4b0a6d", "Complaints Team\nCivic Centre\nRedbury\nRB2 2BB")
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "council.changed")).one()
    assert event.actor_id == admin.person.id
    assert event.details["changes"]["name"] == ["Redress Borough Council", "Redbury City Council"]
    assert event.details["changes"]["website"] == [None, "https://www.redbury.gov.uk"]
    assert "nation" not in event.details["changes"]  # unchanged

    visitor = app.test_client()
    home = visitor.get("/").get_data(as_text=True)
    assert "Tell Redbury City Council what went wrong" in home
    assert ":root{--redress-brand:#4b0a6d}" in home and '<meta name="theme-color" content="#4b0a6d">' in home
    contact = visitor.get("/contact").get_data(as_text=True)
    assert "01632 960 123" in contact and "Civic Centre\nRedbury" in contact and "https://www.redbury.gov.uk" in contact
    assert "Civic Centre, Redbury, RB2 2BB" in visitor.get("/privacy").get_data(as_text=True)
    manifest = json.loads(visitor.get("/manifest.webmanifest").get_data(as_text=True))
    assert (manifest["short_name"], manifest["theme_color"]) == ("Redbury", "#4b0a6d")

    page = admin.get("/staff/admin/council").get_data(as_text=True)
    assert "Alex Admin" in page and "Redress Borough Council</span> → <span class=\"redress-pre-line\" dir=\"auto\">Redbury City Council" in page
    # the same again changes nothing and records nothing
    assert "Nothing was changed." in admin.submit("/staff/admin/council", DETAILS, follow_redirects=True).get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.subject_type == "council")) == 1


def test_a_changed_name_is_in_the_next_queued_email(app, admin, session):
    admin.submit("/staff/admin/council", DETAILS)
    visitor = app.test_client()
    visitor.submit("/register", {"full_name": "Jane Williams", "email": "jane@example.com",
                                 "password": "a long enough password", "confirm_password": "a long enough password"})
    message = session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "jane@example.com")).one()
    assert "your account with Redbury City Council" in message.body
    assert "Redress Borough Council" not in message.body


@pytest.mark.parametrize(("changes", "message"), [
    ({"name": ""}, "Enter the council's name"),
    ({"brand_colour": "blue"}, "Enter the brand colour as # and 6 letters or digits, like #0b3d66"),
    ({"brand_colour": "#1234567"}, "Enter the brand colour as # and 6 letters or digits"),
    ({"brand_colour": "#aabbcc"}, "#aabbcc is too light for white text: its contrast with white is 1.9 to 1, and "
                                  "WCAG 2.2 level AA needs at least 4.5 to 1. Choose a darker colour"),
    ({"short_name": "Redbury City Council"}, "The short name must be 12 characters or fewer"),
    ({"contact_phone": "call us"}, "Enter a phone number, like 01632 960 001"),
    ({"contact_email": "not an address"}, "Enter an email address in the correct format"),
    ({"contact_address": ""}, "Enter the complaints team's postal address"),
    ({"website": "www.redbury.gov.uk"}, "Enter the website's full address, like https://www.redbury.gov.uk"),
    ({"website": "javascript:alert(1)"}, "Enter the website's full address"),
    ({"nation": "cornwall"}, "Choose the nation the council is in"),
])
def test_mistakes_are_shown_and_what_was_typed_stays(admin, session, changes, message):
    response = admin.submit("/staff/admin/council", {**DETAILS, **changes})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "There is a problem" in body and message in body and "<title>Error:" in body
    kept = "01632 960 123" if "contact_address" in changes else "Civic Centre"
    assert "Cyngor Dinas Redbury" in body and kept in body  # what was typed is still there
    assert session.get(CouncilIdentity, 1) is None
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_changing_the_nation_says_what_it_does_before_saving(app, admin, session):
    first = admin.submit("/staff/admin/council", {**DETAILS, "nation": "scotland"})
    assert first.status_code == 200
    body = first.get_data(as_text=True)
    assert "Check what changing the nation from England to Scotland does" in body
    assert "Scottish Public Services Ombudsman (now: Local Government and Social Care Ombudsman or Housing Ombudsman)" in body
    assert "(St Andrew&#39;s Day) becomes a bank holiday" in body
    assert "Change the nation to Scotland and save" in body and 'name="confirm_nation" type="hidden" value="scotland"' in body
    assert "Cyngor Dinas Redbury" in body  # everything typed is still there
    assert session.get(CouncilIdentity, 1) is None  # nothing saved yet

    confirmed = admin.submit("/staff/admin/council", {**DETAILS, "nation": "scotland", "confirm_nation": "scotland"})
    assert confirmed.status_code == 302
    assert session.get(CouncilIdentity, 1).nation == "scotland"
    event = session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "council")).one()
    assert event.details["changes"]["nation"] == ["england", "scotland"]
    with app.test_request_context():
        from shared.services.calendar import build_calendar

        assert build_calendar().nation == "scotland"
    contact = app.test_client().get("/contact").get_data(as_text=True)
    assert "Scottish Public Services Ombudsman" in contact
    page = admin.get("/staff/admin/council").get_data(as_text=True)
    assert "What being in Scotland decides" in page and "England</span> → <span class=\"redress-pre-line\" dir=\"auto\">Scotland" in page


def test_a_confirmation_for_another_nation_asks_again(admin, session):
    response = admin.submit("/staff/admin/council", {**DETAILS, "nation": "wales", "confirm_nation": "scotland"})
    assert response.status_code == 200 and "from England to Wales" in response.get_data(as_text=True)
    assert session.get(CouncilIdentity, 1) is None


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MANAGER, Role.AGENT, Role.RESPONDER])
def test_only_admins_change_the_council(app, session, make, role):
    client = app.test_client()
    quick_sign_in(client, session, make.user(role))
    token = client.csrf_token("/sign-in")
    for url in ("/staff/admin/council", "/staff/admin/council/logo", "/staff/admin/retention"):
        assert client.get(url).status_code == 403
        assert client.post(url, data={**DETAILS, "csrf_token": token}).status_code == 403
    assert session.get(CouncilIdentity, 1) is None


# --- the logo ------------------------------------------------------------------------------------


def test_a_png_logo_is_cleaned_stored_shown_and_served_safely(app, admin, session):
    response = admin.post("/staff/admin/council/logo", data={
        "csrf_token": admin.csrf_token("/staff/admin/council/logo"), "submit": "Upload logo",
        "logo": (io.BytesIO(_png()), "crest.png")}, content_type="multipart/form-data")
    assert response.status_code == 302
    row = session.get(CouncilIdentity, 1)
    stored = session.get(StoredFile, row.logo_file_id)
    old_id = stored.id
    assert stored.content_type == "image/png" and stored.case_id is None and stored.original_name == "crest.png"
    assert stored.stored_name not in {"crest.png", "logo.png"}
    event = session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "council")).one()
    assert event.details["changes"]["logo"][0] is None and event.details["changes"]["logo"][1].startswith("crest.png (")

    home = app.test_client().get("/").get_data(as_text=True)
    url = f"/council-logo/{stored.stored_name}"
    assert f'<img class="redress-header__logo" src="{url}" alt="">' in home
    served = app.test_client().get(url)
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served.headers["Content-Security-Policy"] and "default-src 'none'" in served.headers["Content-Security-Policy"]
    assert "immutable" in served.headers["Cache-Control"] and "attachment" not in served.headers.get("Content-Disposition", "")
    with Image.open(io.BytesIO(served.data)) as image:
        assert image.size == (40, 20) and "comment" not in image.info
    assert app.test_client().get("/council-logo/" + "0" * 40).status_code == 404

    # Replaced: the old one is no longer served, and housekeeping may delete it; the new one it keeps.
    admin.post("/staff/admin/council/logo", data={
        "csrf_token": admin.csrf_token("/staff/admin/council/logo"), "submit": "Upload logo",
        "logo": (io.BytesIO(SVG), "crest.svg")}, content_type="multipart/form-data")
    assert app.test_client().get(url).status_code == 404
    session.expire_all()
    current = session.get(CouncilIdentity, 1).logo
    current_id = current.id
    svg = app.test_client().get(f"/council-logo/{current.stored_name}")
    assert svg.mimetype == "image/svg+xml" and "sandbox" in svg.headers["Content-Security-Policy"]
    with app.test_request_context():
        from datetime import timedelta

        from shared.db import db

        assert reply_files.delete_stale(older_than=timedelta(seconds=-60)) == 1  # the old logo only
        db.session.commit()
    session.expire_all()
    assert session.get(StoredFile, current_id) is not None and session.get(StoredFile, old_id) is None

    page = admin.get("/staff/admin/council").get_data(as_text=True)
    assert "crest.png (" in page and "crest.svg (" in page and "Change or remove the logo" in page


def test_removing_the_logo_brings_back_the_services_mark(app, admin, session):
    admin.post("/staff/admin/council/logo", data={
        "csrf_token": admin.csrf_token("/staff/admin/council/logo"), "submit": "Upload logo",
        "logo": (io.BytesIO(_png()), "crest.png")}, content_type="multipart/form-data")
    response = admin.submit("/staff/admin/council/logo", {"remove": "Remove the logo"})
    assert response.status_code == 302
    assert session.get(CouncilIdentity, 1).logo_file_id is None
    assert "redress-header__logo\" aria-hidden" in app.test_client().get("/").get_data(as_text=True)
    events = session.scalars(select(AuditEvent).where(AuditEvent.subject_type == "council").order_by(AuditEvent.id)).all()
    assert events[-1].details["changes"]["logo"][1] is None


@pytest.mark.parametrize(("data", "filename", "message"), [
    (b"", "empty.png", "Choose a PNG or SVG file for the logo"),
    (b"GIF89a" + b"\x00" * 20, "crest.gif", "The logo must be a PNG or SVG file"),
    (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "crest.png", "The logo must be a PNG or SVG file"),  # a JPEG named .png
    (b"\x89PNG\r\n\x1a\n" + b"x" * (600 * 1024), "huge.png", "The logo must be smaller than 512 KB"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "x.svg", "contains script"),
])
def test_a_logo_that_is_not_a_safe_png_or_svg_is_refused(admin, session, data, filename, message):
    fields = {"csrf_token": admin.csrf_token("/staff/admin/council/logo"), "submit": "Upload logo"}
    if data:
        fields["logo"] = (io.BytesIO(data), filename)
    response = admin.post("/staff/admin/council/logo", data=fields, content_type="multipart/form-data")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "There is a problem" in body and message in body
    assert session.get(CouncilIdentity, 1) is None and session.scalar(select(func.count()).select_from(StoredFile)) == 0


@pytest.mark.parametrize("svg", [
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink"><image x:href="https://evil.example/t.png"/></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject></svg>',
    b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://evil.example/x.css);</style></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(https://evil.example/x)"/></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><a><set attributeName="href" to="java&#10;script:alert(1)"/></a></svg>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><animate attributeName="onbegin" to="1"/></svg>',
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE svg [<!ENTITY a "x">]><svg xmlns="http://www.w3.org/2000/svg">'
    '&a;</svg>'.encode("utf-16"),
])
def test_svg_with_anything_active_or_outside_is_refused(app, svg):
    with app.test_request_context(), pytest.raises(FileRejected):
        logos.check(_Upload(svg, "logo.svg"))


def test_a_plain_svg_and_a_big_png_are_judged_by_their_content(app):
    with app.test_request_context():
        assert logos.check(_Upload(SVG, "logo.png")).content_type == "image/svg+xml"
        with pytest.raises(FileRejected, match="at most 4000 pixels"):
            logos.check(_Upload(_png((4001, 1)), "wide.png"))
        with pytest.raises(FileRejected, match="could not be read as an SVG"):
            logos.check(_Upload(b"<svg><unclosed></svg>", "broken.svg"))


# --- what the nation decides -------------------------------------------------------------------------


def test_a_nation_change_lists_the_bank_holidays_that_move(app):
    from datetime import date

    with app.test_request_context():
        change = identity.nation_change("england", "northern-ireland", date(2027, 1, 1))
        assert [name for _day, name in change.only_after] == ["St Patrick's Day", "Battle of the Boyne (Orangemen's Day)"]
        assert change.only_before == []
        assert change.after.ombudsmen == ["Northern Ireland Public Services Ombudsman"]
        assert change.after.accessibility_enforcer == "Equality Commission for Northern Ireland"
        back = identity.nation_change("scotland", "wales", date(2027, 1, 1))
        assert {name for _day, name in back.only_before} >= {"St Andrew's Day", "2nd January"}
