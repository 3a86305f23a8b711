"""The `redress` command: creating accounts and loading the demo council."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from shared.auth.passwords import verify_password
from shared.domain.enums import CareKind, Role
from shared.models import AuditEvent, Case, Service, User


def test_users_create_makes_a_confirmed_account_that_can_sign_in(app, session):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--email", "New.Officer@Council.gov.uk", "--name", "New Officer",
                                 "--role", "officer", "--password", "a long enough password"])
    assert result.exit_code == 0, result.output
    assert "Created officer new.officer@council.gov.uk." in result.output
    user = session.scalar(select(User).where(User.email == "new.officer@council.gov.uk"))
    assert user.role is Role.OFFICER and user.email_confirmed_at is not None
    assert verify_password(user.password_hash, "a long enough password")
    event = session.scalar(select(AuditEvent).where(AuditEvent.subject_type == "user", AuditEvent.subject_id == user.id))
    assert (event.action, event.actor_id, event.details["changes"]["role"]) == ("user.created", None, [None, "officer"])


def test_users_create_refuses_a_duplicate_and_an_unknown_service(app, make):
    make.user(Role.OFFICER, email="taken@council.gov.uk")
    runner = app.test_cli_runner()
    duplicate = runner.invoke(args=["users", "create", "--email", "taken@council.gov.uk", "--name", "X", "--role", "officer",
                                    "--password", "a long enough password"])
    assert duplicate.exit_code == 1 and "already exists" in duplicate.output
    unknown = runner.invoke(args=["users", "create", "--email", "r@council.gov.uk", "--name", "R", "--role", "responder",
                                  "--password", "a long enough password", "--service", "no-such-service"])
    assert unknown.exit_code == 1 and "no service" in unknown.output


def test_users_create_links_a_responder_to_their_service(app, make, session):
    service = make.service("parks-test", "Parks")
    result = app.test_cli_runner().invoke(args=["users", "create", "--email", "parks@council.gov.uk", "--name", "P",
                                                "--role", "responder", "--password", "a long enough password",
                                                "--service", "parks-test"])
    assert result.exit_code == 0, result.output
    assert session.scalar(select(User.service_id).where(User.email == "parks@council.gov.uk")) == service.id


def test_demo_data_loads_once(app, session):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo-data", "--cases", "20", "--if-empty"])
    if "already loaded" in first.output:  # the shared test database already holds users
        first = runner.invoke(args=["demo-data", "--cases", "20"])
    assert first.exit_code == 0, first.output
    assert "20 cases" in first.output
    assert session.scalar(select(func.count()).select_from(Service).where(Service.slug == "housing-repairs")) == 1
    kinds = dict(session.execute(select(Service.slug, Service.care_kind)).all())
    assert kinds["childrens-services"] is CareKind.CHILDREN and kinds["adult-social-care"] is CareKind.ADULTS
    assert kinds["housing-repairs"] is None
    assert session.scalar(select(func.count()).select_from(User).where(User.email == "officer@example.gov.uk")) == 1
    assert session.scalar(select(func.count()).select_from(Case)) >= 20
    again = runner.invoke(args=["demo-data", "--if-empty"])
    assert again.exit_code == 0 and "already loaded" in again.output


def test_housekeeping_deletes_stale_guest_drafts_unsent_reply_files_and_orphans(app, session):
    from datetime import timedelta

    from shared import clock
    from shared.domain.enums import CaseKind
    from shared.models import FeedbackDraft
    from shared.services import files

    now = clock.utcnow().replace(microsecond=0)
    clock.set_now(now)
    old, fresh = now - timedelta(days=8), now - timedelta(hours=1)
    session.add_all(
        [
            FeedbackDraft(guest_key_hash="a" * 64, kind=CaseKind.COMPLAINT, answers={}, created_at=old, updated_at=old),
            FeedbackDraft(guest_key_hash="b" * 64, kind=CaseKind.COMPLAINT, answers={}, created_at=fresh, updated_at=fresh),
        ]
    )
    session.flush()
    with app.app_context():
        orphan = files.upload_dir() / ("f" * 40)
        orphan.write_bytes(b"left by a rolled-back request")
    result = app.test_cli_runner().invoke(args=["housekeeping"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 stale guest drafts" in result.output
    assert session.scalars(select(FeedbackDraft.guest_key_hash).where(FeedbackDraft.guest_key_hash.is_not(None))).all() == ["b" * 64]
    assert not orphan.exists()


# --- redress init ------------------------------------------------------------------------------------


def _init(app, *extra):
    return app.test_cli_runner().invoke(args=["init", "--council", "Redbury City Council", "--admin-email",
                                              "First.Admin@Redbury.gov.uk", "--admin-name", "Morgan Price", *extra])


def test_init_sets_up_a_council_without_demo_cases_or_people_and_a_first_admin(app, session):
    from urllib.parse import urlsplit

    from shared.domain.procedures import PRESETS
    from shared.models import AuditEvent, CouncilIdentity, Organisation, Procedure, ResponseTemplate, SupportService
    from shared.services.demo import SERVICES

    result = _init(app, "--nation", "wales")
    assert result.exit_code == 0, result.output
    identity = session.get(CouncilIdentity, 1)
    assert (identity.name, identity.nation) == ("Redbury City Council", "wales")
    assert identity.brand_colour == app.config["SETTINGS"].brand_colour  # the rest from the configuration
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "council.initialised")).one()
    assert event.actor_id is None and event.details["changes"]["nation"] == ["england", "wales"]

    assert session.scalar(select(func.count()).select_from(Service)) == len(SERVICES)
    kinds = dict(session.execute(select(Service.slug, Service.care_kind)).all())
    assert kinds["adult-social-care"] is CareKind.ADULTS
    current = set(session.scalars(select(Procedure.slug).where(Procedure.is_current.is_(True))))
    assert current == {rules.slug for rules in PRESETS}
    for model in (Organisation, SupportService, ResponseTemplate):
        assert session.scalar(select(func.count()).select_from(model)) > 0
    assert session.scalar(select(func.count()).select_from(Case)) == 0
    people = session.scalars(select(User)).all()
    assert [(p.email, p.full_name, p.role, p.password_hash) for p in people] == [
        ("first.admin@redbury.gov.uk", "Morgan Price", Role.ADMIN, None)]

    assert "First admin: first.admin@redbury.gov.uk" in result.output
    link = next(line for line in result.output.splitlines() if "/reset-password/" in line).strip()
    path = urlsplit(link).path
    assert link.startswith(app.config["SETTINGS"].base_url)

    # The link lets the admin choose a password once, then sign in to the back office.
    client = app.test_client()
    page = client.get(path).get_data(as_text=True)
    assert "Choose a password for your staff account" in page
    chosen = client.submit(path, {"password": "a long enough password", "confirm_password": "a long enough password"})
    assert chosen.status_code == 302 and chosen.location.endswith("/staff/sign-in")
    assert client.get(path).status_code == 404  # used
    signed_in = client.submit("/staff/sign-in", {"email": "first.admin@redbury.gov.uk",
                                                 "password": "a long enough password"})
    assert signed_in.status_code == 302
    assert "Redbury City Council" in client.get("/staff/admin/council").get_data(as_text=True)


def test_init_refuses_to_run_twice_or_on_a_database_in_use(app, session, make):
    assert _init(app).exit_code == 0
    again = _init(app)
    assert again.exit_code == 1 and "the database is not empty (the council's details are already saved)" in again.output
    assert session.scalar(select(func.count()).select_from(User)) == 1


def test_init_refuses_a_database_with_demo_people(app, make):
    make.user(Role.OFFICER)
    result = _init(app)
    assert result.exit_code == 1 and "it already has accounts" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["--council", " ", "--admin-email", "a@redbury.gov.uk", "--admin-name", "A"], "1 to 120 characters"),
    (["--council", "X", "--admin-email", "not an email", "--admin-name", "A"], "is not an email address"),
    (["--council", "X", "--admin-email", "a@redbury.gov.uk", "--admin-name", " "], "must not be empty"),
])
def test_init_refuses_bad_input_and_writes_nothing(app, session, args, message):
    from shared.models import CouncilIdentity

    result = app.test_cli_runner().invoke(args=["init", *args])
    assert result.exit_code == 1 and message in result.output
    assert session.get(CouncilIdentity, 1) is None and session.scalar(select(func.count()).select_from(Service)) == 0
