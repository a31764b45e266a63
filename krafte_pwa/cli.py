"""Command line: init, users, demo, backup and restore. Calls services only."""

from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from .errors import KrafteError
from .extensions import db

users_cli = AppGroup("users", help="Manage users.")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(["admin", "manager", "operator"]), default="operator")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--locale", type=click.Choice(["en", "fr"]), default=None)
def create_user_command(username, role, password, locale):
    """Create a user who can log in."""
    from .services.users import create_user

    try:
        create_user(username=username, password=password, role=role, locale=locale)
    except KrafteError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"user {username} ({role}) created")


@click.command("init")
@click.option("--username", help="The first admin's username (asked when not given).")
@click.option("--password", help="Their password (asked, hidden, when not given).")
@click.option("--if-empty", is_flag=True,
              help="Do nothing, successfully, when the installation has users already.")
def init_command(username, password, if_empty):
    """An installation of your own: the database brought to the latest migration, no demo
    data, and the first admin. Refused once users exist."""
    import flask_migrate

    from .models import User
    from .services.users import create_user

    flask_migrate.upgrade()
    if db.session.execute(select(func.count(User.id))).scalar_one():
        db.session.rollback()
        if if_empty:
            click.echo("the installation has users already: nothing to do")
            return
        raise click.ClickException(
            "this installation has users already: log in as an admin, or add users with "
            "`flask --app krafte_pwa users create`")
    db.session.rollback()
    if not username:
        username = click.prompt("First admin's username")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        create_user(username=username, password=password, role="admin")
    except KrafteError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"database ready, admin {username} created: log in and add your items")


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Only when the database holds no item yet.")
def demo_command(if_empty):
    """Load a candle and cosmetics workshop to try the app."""
    from .demo import load_demo
    from .models import Item

    if if_empty and db.session.execute(select(func.count(Item.id))).scalar_one():
        click.echo("database has data: demo not loaded")
        return
    summary = load_demo()
    click.echo(summary)


@click.command("backup")
@click.argument("target", required=False)
def backup_command(target):
    """Consistent copy of the database while the server runs (readable by its owner only)."""
    from . import backups

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    if db.engine.url.get_backend_name() == "sqlite":
        path = Path(target or Path(current_app.instance_path) / f"backup-{stamp}.db")
    else:
        path = Path(target or f"krafte-{stamp}.dump")
    try:
        backups.backup(db.engine.url, path)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"backup written to {path}")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
def restore_command(source, force):
    """Put a backup back: an SQLite copy, or a pg_dump custom file on PostgreSQL."""
    from flask_migrate import upgrade

    from . import backups

    try:
        backups.check_can_restore(db.engine.url, Path(source))
        held = backups.data_held()
        if held and not force:
            raise click.ClickException(
                f"the database is not empty ({held}): restoring would replace it. "
                "Run again with --force to replace it.")
        db.session.remove()
        db.engine.dispose()
        backups.restore(db.engine.url, Path(source))
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    db.engine.dispose()
    upgrade()  # a backup of an older version is brought to this version's schema
    click.echo(f"restored from {source}")


@click.command("import")
@click.argument("kind", type=click.Choice(["items", "stock", "recipes"]))
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check every row, write nothing.")
def import_command(kind, path, dry_run):
    """Import items, opening stock or recipes from a CSV file (UTF-8 or a French
    spreadsheet's)."""
    from .services import imports

    data = Path(path).read_bytes()
    run = {"items": imports.import_items, "stock": imports.import_opening_stock,
           "recipes": imports.import_recipes}[kind]
    try:
        report = run(data, dry_run=dry_run)
    except KrafteError as exc:
        raise click.ClickException(exc.message) from None
    for problem in report.problems:
        click.echo(f"line {problem.line}, {problem.column or '-'}: {problem.reason}", err=True)
    if report.problems:
        count = len(report.problems)
        raise click.ClickException(f"{count} problem row{'' if count == 1 else 's'}: "
                                   "nothing written")
    click.echo(f"{report.rows} rows {'checked' if dry_run else 'imported'}")


@click.command("worker")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
@click.option("--interval", type=click.FloatRange(0.1, 3600), default=2.0, show_default=True,
              help="Seconds between two looks at the outbox.")
def worker_command(once, interval):
    """Send the channels the stock levels they are owed (retries with backoff)."""
    from .services.channel_worker import run

    run(once=once, interval=interval, echo=click.echo)


def register_cli(app) -> None:
    app.cli.add_command(worker_command)
    app.cli.add_command(init_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(import_command)
