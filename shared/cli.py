"""The `redress` command: serve, migrate, demo data and user management."""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, FlaskGroup, with_appcontext

from shared import migrate
from shared.config import NATIONS
from shared.db import db
from shared.domain.enums import Channel, Role


def _create_app() -> Flask:
    from shared.app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False, load_dotenv=False)
def main() -> None:
    """Redress: complaints, compliments and comments for councils."""


def register_commands(app: Flask) -> None:
    app.cli.add_command(db_group)
    app.cli.add_command(users_group)
    app.cli.add_command(demo_data)
    app.cli.add_command(init_command)
    app.cli.add_command(working_days_group)
    app.cli.add_command(reminders)
    app.cli.add_command(worker)
    app.cli.add_command(housekeeping)
    app.cli.add_command(anonymise_command)
    app.cli.add_command(report_command)
    app.cli.add_command(import_cases_command)
    app.cli.add_command(export_cases_command)


@click.group("db", cls=AppGroup)
def db_group() -> None:
    """Database migrations."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Migrate the database up to REVISION (default: the latest)."""
    migrate.upgrade(db.engine, revision)
    click.echo(f"Database at {revision}.")


@db_group.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Migrate the database down to REVISION."""
    migrate.downgrade(db.engine, revision)


@db_group.command("revision")
@click.option("-m", "--message", required=True)
def db_revision(message: str) -> None:
    """Write a new migration from the difference between models and database (developers)."""
    migrate.revision(db.engine, message)


@click.group("users", cls=AppGroup)
def users_group() -> None:
    """Manage accounts."""


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--service", "service_slug", help="Service a responder answers for.")
def users_create(email: str, full_name: str, role: str, password: str, service_slug: str | None) -> None:
    """Create a staff, councillor or resident account (confirmed, ready to sign in)."""
    from shared.services import accounts, audit

    try:
        user = accounts.create_user(email, full_name, Role(role), password, service_slug=service_slug)
    except accounts.AccountError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    # The account's history (the users admin page) starts here, made by Redress rather than a person.
    audit.record("user.created", actor=None, subject_type="user", subject_id=user.id, person_id=user.id,
                 changes={"full_name": [None, user.full_name], "email": [None, user.email], "role": [None, user.role.value]})
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email}.")


@click.command("demo-data")
@with_appcontext
@click.option("--cases", type=int, default=None,
              help="Also generate this many cases in bulk: a large council's ten years (default: the 300-case demo only).")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
@click.option("--seed", default=2026, show_default=True)
def demo_data(cases: int, if_empty: bool, seed: int) -> None:
    """Load a demo council: services, a user for every role and cases in every state."""
    from shared.services import demo

    if if_empty and demo.has_data():
        click.echo("Demo data already loaded.")
        return
    # A request context at the public address: the demo's messages carry links.
    from shared.services.council import council

    nation = council().nation
    with current_app.test_request_context(base_url=current_app.config["SETTINGS"].base_url):
        if cases is None or not demo.has_data():
            click.echo(demo.load(seed=seed, nation=nation))
        if cases:
            import time

            from shared.services import demo_scale

            started = time.perf_counter()
            click.echo(demo_scale.load(cases=cases, seed=seed, nation=nation))
            db.session.commit()
            demo_scale.vacuum()
            click.echo(f"Generated in {time.perf_counter() - started:.1f} s.")
    db.session.commit()


@click.command("init")
@with_appcontext
@click.option("--council", "council_name", required=True, help="The council's name, as residents know it.")
@click.option("--admin-email", prompt="The first admin's work email address", help="The first admin's work email address.")
@click.option("--admin-name", prompt="The first admin's full name", help="The first admin's full name.")
@click.option("--nation", type=click.Choice(NATIONS), help="The council's nation (default: REDRESS_NATION).")
def init_command(council_name: str, admin_email: str, admin_name: str, nation: str | None) -> None:
    """Set up a new council on an empty, migrated database: its details, the standard procedures,
    services, signposting and templates, and a first admin who chooses a password through a
    one-time link. Runs once; `redress demo-data` is the alternative for trying Redress out."""
    from sqlalchemy.exc import DBAPIError

    from shared.services import accounts, first_run

    settings = current_app.config["SETTINGS"]
    # A request context at the public address: the admin's link is a full URL.
    with current_app.test_request_context(base_url=settings.base_url):
        try:
            done = first_run.initialise(council_name, admin_email=admin_email, admin_name=admin_name, nation=nation)
        except first_run.NotEmpty as reason:
            raise click.ClickException(f"nothing done: the database is not empty ({reason}). "
                                       "`redress init` sets up a new database once.") from None
        except ValueError as error:
            raise click.ClickException(str(error)) from None
        except DBAPIError as error:
            raise click.ClickException("could not use the database; run `redress db upgrade` first") from error
        db.session.commit()
        details = f"{settings.base_url}/staff/admin/council"
    hours = accounts.CONFIRM_MAX_AGE // 3600
    click.echo(f"Set up {council_name.strip()}: {done.services} services, the standard procedures"
               f"{' (installed: ' + ', '.join(done.procedures_installed) + ')' if done.procedures_installed else ''},"
               " signposting organisations, the support directory and response templates.")
    click.echo(f"First admin: {done.admin.email}. To choose a password, open this link within {hours} hours;"
               " it works once:")
    click.echo(done.sign_in_link)
    click.echo(f"Then sign in and check the council's details, logo and nation at {details}.")


@click.group("working-days")
def working_days_group() -> None:
    """Working-day arithmetic with the council's calendar (bank holidays and closure days)."""


class _IsoDate(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            return value
        text = str(value).strip()
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):  # fromisoformat also takes 20261221, 2026-W52-1
                raise ValueError(text)
            return date.fromisoformat(text)
        except ValueError:
            self.fail(f"{value!r} is not a real date written as YYYY-MM-DD, like 2026-12-21", param, ctx)


_ISO_DATE = _IsoDate()
_nation_option = click.option(
    "--nation", type=click.Choice(NATIONS), help="Whose bank holidays to use (default: the council's, as set in /staff/admin/council)."
)
_closures_option = click.option(
    "--no-closures", "no_closures", is_flag=True, help="Ignore the closure days in the database."
)


def _calendar(nation: str | None, no_closures: bool):
    from sqlalchemy.exc import DBAPIError

    from shared.services.calendar import build_calendar

    try:
        return build_calendar(nation, closures=not no_closures)
    except DBAPIError as error:
        raise click.ClickException(
            "could not read closure days from the database; run `redress db upgrade` or pass --no-closures"
        ) from error


@working_days_group.command("add")
@click.argument("start", type=_ISO_DATE, metavar="START")
@click.argument("days", type=click.IntRange(min=0))
@_nation_option
@_closures_option
@with_appcontext
def working_days_add(start: date, days: int, nation: str | None, no_closures: bool) -> None:
    """Print the date DAYS working days after START (YYYY-MM-DD)."""
    click.echo(_calendar(nation, no_closures).add(start, days).isoformat())


@working_days_group.command("between")
@click.argument("start", type=_ISO_DATE, metavar="START")
@click.argument("end", type=_ISO_DATE, metavar="END")
@_nation_option
@_closures_option
@with_appcontext
def working_days_between(start: date, end: date, nation: str | None, no_closures: bool) -> None:
    """Print how many working days there are after START up to and including END."""
    click.echo(str(_calendar(nation, no_closures).between(start, end)))


def _queue_reminders() -> tuple:
    from shared.services import digests, information, restrictions

    # Mail templates render with the page chrome, which reads the request: stand one up at our address.
    with current_app.test_request_context(base_url=current_app.config["SETTINGS"].base_url):
        done = information.send_reminders()
        # Restrictions past their end date stopped applying already; this records it (and audits it).
        expired = restrictions.expire_ended()
        digested = digests.send_digests()
    db.session.commit()
    return done, digested, expired


@click.command("reminders")
@with_appcontext
def reminders() -> None:
    """Queue reminders for overdue requests for information and each person's daily digest, and mark restrictions past their end date ended (safe to run again)."""
    done, digested, expired = _queue_reminders()
    click.echo(f"Reminded {done.requests} overdue requests for information ({done.messages} messages queued).")
    click.echo(f"Queued {digested.messages} daily digests ({digested.skipped} already sent today).")
    click.echo(f"Marked {expired} restrictions ended on their end date.")


@click.command("worker")
@click.option("--once", is_flag=True, help="Send everything due now, then stop (for cron or tests).")
@click.option("--batch", default=50, show_default=True, type=click.IntRange(1, 1000),
              help="How many messages to claim at a time.")
@click.option("--idle-sleep", default=5.0, show_default=True, type=click.FloatRange(0.01),
              help="Seconds to wait when nothing is due.")
@click.option("--reminders/--no-reminders", "with_reminders", default=False,
              help="Also run `redress reminders` when idle (at most once an hour; it is idempotent per day).")
@with_appcontext
def worker(once: bool, batch: int, idle_sleep: float, with_reminders: bool) -> None:
    """Send queued messages (email, text, letters) through the configured provider, with retries,
    and, where REDRESS_CLAMD is configured, scan uploaded files waiting for it.

    Several workers may run at once on PostgreSQL; on SQLite run one.
    """
    import signal
    import threading
    import time

    from shared.notify import provider_for
    from shared.notify import worker as outbox_worker
    from shared.services import file_scanning

    settings = current_app.config["SETTINGS"]
    stop = threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, lambda *_: stop.set())
    last_reminders = [float("-inf")]

    def between_batches() -> None:
        if with_reminders and time.monotonic() - last_reminders[0] >= 3600:
            last_reminders[0] = time.monotonic()
            _queue_reminders()

    name = outbox_worker.new_worker_id()
    if not once:
        click.echo(f"Worker {name} sending through {settings.mail_backend}; stop with Ctrl+C or SIGTERM.")
    try:
        totals = outbox_worker.run(provider_for(settings), outbox_worker.Policy.from_settings(settings), once=once,
                                   batch=batch, idle_sleep=idle_sleep, stop=stop, worker=name,
                                   between_batches=between_batches, each_round=file_scanning.worker_rounds())
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    click.echo(f"Sent {totals.sent}, to print {totals.to_print}, will retry {totals.retrying}, "
               f"given up {totals.given_up}.")


@click.command("housekeeping")
@with_appcontext
def housekeeping() -> None:
    """Delete what nobody will come back for: guests' drafts untouched for a week, files added to
    replies never sent, typed text kept after a session ended and not collected, and bytes on disk
    left by rolled-back requests. Safe to run daily from cron."""
    from shared.services import files, intake, kept_forms, reply_files

    drafts = intake.delete_stale_guest_drafts()
    unsent = reply_files.delete_stale()
    kept = kept_forms.delete_expired()
    db.session.commit()
    orphans = files.remove_orphans()
    click.echo(f"Deleted {drafts} stale guest drafts, {unsent} unsent reply files, {kept} uncollected kept forms "
               f"and {orphans} orphaned files.")


@click.command("anonymise")
@click.option("--dry-run", is_flag=True, help="Say how many would be anonymised; change nothing.")
@click.option("--batch", default=500, show_default=True, type=click.IntRange(1, 10000),
              help="Cases (or people) anonymised and committed at a time.")
@with_appcontext
def anonymise_command(dry_run: bool, batch: int) -> None:
    """Anonymise closed cases kept past their procedure's retention period, ended restrictions kept
    long enough, and residents' records with nothing left to keep (docs/privacy.md). Run daily from
    cron: it is idempotent, and a run cut short is finished by the next."""
    from shared.services import anonymise

    if dry_run:
        due = anonymise.due()
        click.echo(f"Would anonymise {due.cases} cases, {due.restrictions} restrictions and {due.people} people "
                   "(and the people whose last case this run anonymises).")
        return
    done = anonymise.run(batch=batch, after_batch=db.session.commit)
    click.echo(f"Anonymised {done.cases} cases, {done.restrictions} restrictions and {done.people} people; "
               f"deleted {done.files} files.")


@click.command("report")
@click.argument("name", metavar="NAME")
@click.option("--from", "start", type=_ISO_DATE, help="First day of the period (default: the report's own).")
@click.option("--to", "end", type=_ISO_DATE, help="Last day of the period; for the backlog, the snapshot date.")
@click.option("--format", "output", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--procedure", help="Only this procedure (its slug, e.g. corporate).")
@click.option("--service", "service_slug", help="Only this service (its slug).")
@click.option("--ward", "ward_code", help="Only this ward (its ONS code).")
@click.option("--channel", type=click.Choice([c.value for c in Channel]), help="Only complaints made this way.")
@with_appcontext
def report_command(name: str, start: date | None, end: date | None, output: str, procedure: str | None,
                   service_slug: str | None, ward_code: str | None, channel: str | None) -> None:
    """Print report NAME for a period as CSV or JSON (for committee packs).

    Reports: quarterly, backlog, demand, timeliness, ombudsman, learning.
    """
    from sqlalchemy import select

    from shared.domain.reporting import Period
    from shared.models import Service, Ward
    from shared.services import reports
    from shared.services.reports import catalogue

    specs = reports.registry()
    spec = specs.get(name)
    if spec is None:
        raise click.BadParameter(f"{name!r} is not a report: choose from {', '.join(specs)}", param_hint="NAME")
    default = spec.default_period(catalogue.today())
    if spec.period_is_a_date:
        start = end = end or start or default.end
    elif start is None and end is None:
        start, end = default.start, default.end
    elif end is None:  # from a date until today
        end = max(start, catalogue.today())
    elif start is None:
        start = default.start if default.start <= end else end
    if end < start:
        raise click.BadParameter("--to must be the same as or after --from", param_hint="--to")
    service_id = ward_id = None
    if service_slug:
        service_id = db.session.scalar(select(Service.id).where(Service.slug == service_slug))
        if service_id is None:
            raise click.BadParameter(f"no service has the slug {service_slug!r}", param_hint="--service")
    if ward_code:
        ward_id = db.session.scalar(select(Ward.id).where(Ward.code == ward_code))
        if ward_id is None:
            raise click.BadParameter(f"no ward has the code {ward_code!r}", param_hint="--ward")
    if procedure and procedure not in {p.slug for p in catalogue.procedures()}:
        raise click.BadParameter(f"no procedure has the slug {procedure!r}", param_hint="--procedure")
    filters = reports.Filters(period=Period(start, end), procedure=procedure, service_id=service_id, ward_id=ward_id,
                              channel=Channel(channel) if channel else None)
    found = spec.build(filters)
    if output == "json":
        click.echo(reports.as_json_text(found))
    else:
        for chunk in reports.csv_lines(found):
            click.echo(chunk, nl=False)


@click.command("import-cases")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar="FILE.csv")
@click.option("--check", is_flag=True, help="Check the file and list its problems; import nothing.")
@with_appcontext
def import_cases_command(path: Path, check: bool) -> None:
    """Import cases from a spreadsheet saved as CSV (docs/import-format.md).

    The whole file is checked first: any problem and nothing is imported. Cases already in Redress
    (by reference) are left as they are, so the same file can be imported again safely.
    """
    from shared.services import case_import

    with path.open(encoding="utf-8-sig", newline="") as stream:
        try:
            done = case_import.import_cases(stream, actor=None, source=path.name, dry_run=check)
        except case_import.ImportRefused as refused:
            db.session.rollback()
            for problem in refused.problems:
                where = f"line {problem.line}" + (f", {problem.column}" if problem.column else "")
                click.echo(f"{where}: {problem.message}", err=True)
            if refused.more:
                click.echo(f"… and {refused.more} more problems.", err=True)
            raise click.ClickException(f"{path.name} was not imported: fix the problems above and try again.") from None
    summary = (f"{done.cases} cases ({done.stages} stages) and {done.people} new people; "
               f"{done.already_there} rows were already in Redress.")
    if check:
        click.echo(f"{path.name} has no problems. Importing it would add {summary}")
        return
    db.session.commit()
    click.echo(f"Imported {summary}")


@click.command("export-cases")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write to this file instead of printing.")
@with_appcontext
def export_cases_command(out: Path | None) -> None:
    """Print every case as CSV, one row per stage, in the import's columns (docs/import-format.md)."""
    from sqlalchemy import select

    from shared.models import Case
    from shared.services import case_csv

    lines = case_csv.csv_lines(case_csv.export_rows(select(Case.id).scalar_subquery()))
    if out is None:
        for chunk in lines:
            click.echo(chunk, nl=False)
        return
    with out.open("w", encoding="utf-8", newline="") as stream:
        for chunk in lines:
            stream.write(chunk)
