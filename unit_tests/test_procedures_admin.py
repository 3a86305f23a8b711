"""Admins change a procedure's clocks; each save is a new version and running cases keep theirs."""

from __future__ import annotations

import re

from sqlalchemy import select

from shared.domain.enums import Role
from shared.models import AuditEvent, Procedure, ProcedureStage
from unit_tests import strict_client
from unit_tests.factories import sign_in


def _stage_one(session, slug="corporate"):
    return session.scalar(
        select(ProcedureStage).join(Procedure).where(Procedure.slug == slug, Procedure.is_current.is_(True),
                                                     ProcedureStage.number == 1)
    )


def _form(page: str) -> dict:
    fields = dict(re.findall(r'name="(stages-\d+-\w+)"[^>]*value="([^"]*)"', page))
    for name in re.findall(r'name="(stages-\d+-\w+)"', page):
        fields.setdefault(name, "")
    return fields


def test_the_list_shows_every_preset_with_its_clocks(client, make):
    sign_in(client, make.user(Role.ADMIN), staff=True)
    page = client.get("/staff/admin/procedures").get_data(as_text=True)
    for name in ("Corporate complaints", "Housing complaints", "Adults&#39; social care complaints",
                 "Children&#39;s social care complaints", "Member enquiries", "Compliments and comments",
                 "Local complaints policy"):
        assert name in page
    assert "acknowledge within 5; respond within 10 of acknowledgement; extension up to 10; 20 to ask for the next stage" in page


def test_saving_makes_a_new_version_and_keeps_the_old_one(client, make, session, monkeypatch):
    # The save writes the old version, the new one, its stages and the audit row: 11 statements,
    # for an admin's rare POST (pages stay at 10).
    monkeypatch.setattr(strict_client, "MAX_QUERIES", 11)
    admin = make.user(Role.ADMIN, full_name="Alex Admin")
    sign_in(client, admin, staff=True)
    before = _stage_one(session)
    page = client.get("/staff/admin/procedures/corporate").get_data(as_text=True)
    data = _form(page)
    assert data["stages-0-acknowledge_within"] == "5" and data["stages-1-respond_within"] == "20"
    data["stages-0-acknowledge_within"] = "3"
    response = client.submit("/staff/admin/procedures/corporate", data)
    assert response.status_code == 302
    session.expire_all()
    versions = session.scalars(select(Procedure).where(Procedure.slug == "corporate").order_by(Procedure.version)).all()
    assert [(v.version, v.is_current) for v in versions][-2:] == [(versions[-2].version, False), (versions[-1].version, True)]
    assert _stage_one(session).acknowledge_within == 3
    assert session.get(ProcedureStage, before.id).acknowledge_within == 5  # the old version is untouched
    history = client.get("/staff/admin/procedures/corporate").get_data(as_text=True)
    assert "Alex Admin" in history and "In use" in history
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "procedure.saved"))
    assert event.details == {"slug": "corporate", "version": versions[-1].version,
                             "previous_version": versions[-2].version}
    assert event.actor_id == admin.id and event.subject_id == versions[-1].id


def test_bad_clocks_keep_what_was_typed_and_save_nothing(client, make, session):
    sign_in(client, make.user(Role.ADMIN), staff=True)
    data = _form(client.get("/staff/admin/procedures/corporate").get_data(as_text=True))
    data["stages-0-respond_within"] = "ten"
    data["stages-1-extension_max"] = "900"
    response = client.submit("/staff/admin/procedures/corporate", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "There is a problem" in page
    assert "Enter a number of working days from 1 to 250" in page
    assert "Enter a whole number of working days, like 10" in page
    assert 'value="ten"' in page and 'value="900"' in page
    assert 'href="#stages-1-extension_max"' in page
    assert session.scalar(select(Procedure).where(Procedure.slug == "corporate", Procedure.is_current.is_(True))).version == 1
