"""The `redress` command: serve, migrate, demo data and user management."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup

from shared import migrate
from shared.db import db
from shared.domain.enums import Role


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


@click.group("db")
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


@click.group("users")
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
    from shared.services import accounts

    try:
        user = accounts.create_user(email, full_name, Role(role), password, service_slug=service_slug)
    except accounts.AccountError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email}.")


@click.command("demo-data")
@click.option("--cases", default=300, show_default=True, help="How many cases to generate.")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
@click.option("--seed", default=2026, show_default=True)
def demo_data(cases: int, if_empty: bool, seed: int) -> None:
    """Load a demo council: services, a user for every role and cases in every state."""
    from shared.services import demo

    if if_empty and demo.has_data():
        click.echo("Demo data already loaded.")
        return
    summary = demo.load(cases=cases, seed=seed, nation=current_app.config["SETTINGS"].nation)
    db.session.commit()
    click.echo(summary)
