"""`returns-desk`: with no subcommand it starts the station GUI; every core job is also a subcommand."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.config import Settings, load_settings
from app.errors import ReturnsDeskError

if TYPE_CHECKING:
    from app.db.uow import Database


def build_parser() -> argparse.ArgumentParser:
    from app.doctor import add_doctor_parser
    from app.review.cli_parsers import add_review_parsers
    from app.version import version_line

    parser = argparse.ArgumentParser(prog="returns-desk", description="Returns grading station.",
                                     epilog=_where_things_are(), formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=version_line())
    parser.add_argument("--db", help="database URL (default: SQLite file in the user data folder; "
                        "env RETURNS_DESK_DB)")
    parser.add_argument("--station", dest="station_id", help="station id, e.g. D01 (env RETURNS_DESK_STATION_ID)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_sub.add_parser("upgrade", help="apply schema migrations")
    seed = db_sub.add_parser("seed-lpn", help="set this station's LPN counter (IT, after a lost database file: "
                             "above the last LPN the station printed)")
    seed.add_argument("next", type=int, metavar="NEXT", help="the sequence number of the next LPN, e.g. 1235")

    demo = sub.add_parser("demo", help="demo data")
    demo_sub = demo.add_subparsers(dest="demo_command", metavar="ACTION", required=True)
    load = demo_sub.add_parser("load", help="load the demo catalog, RMAs, operators and graded history")
    load.add_argument("--if-empty", action="store_true", help="do nothing when the database has products")
    load.add_argument("--history", type=int, metavar="N",
                      help="how many graded items of history to make over the last days (default 320; 0: none)")

    imp = sub.add_parser("import", help="import a CSV file (formats: docs/csv-formats.md)")
    imp.add_argument("kind", choices=["catalog", "rmas", "operators", "recalls"])
    imp.add_argument("file", type=Path)
    imp.add_argument("--skip-bad", action="store_true", help="import the good rows and list the bad ones")

    rules = sub.add_parser("rules", help="grading and disposition rules")
    rules_sub = rules.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    rules_sub.add_parser("check", help="check rules and checklists, and run their examples")
    rules_sub.add_parser("publish", help="check the site folders (rules_dir, checklists_dir), then store them in "
                         "the --db database for stations to pull (docs/central-database.md)")

    scanners = sub.add_parser("scanners", help="serial ports with USB VID/PID; printable scanner sheets")
    scanners_sub = scanners.add_subparsers(dest="scanners_command", metavar="ACTION")
    sheet = scanners_sub.add_parser("sheet", help="write the scanner test sheet or the command barcodes as PDF")
    sheet.add_argument("which", choices=["test", "commands"])
    sheet.add_argument("file", type=Path)

    sync = sub.add_parser("sync", help="central database sync (docs/central-database.md)")
    sync.add_argument("action", nargs="?", choices=["status"], help="status: last sync, waiting, errors, conflicts")
    sync.add_argument("--once", action="store_true", help="pull master data and push waiting changes once, now")
    sync.add_argument("--backfill", action="store_true", help="queue everything the central database has not had "
                      "from this station (made while standalone); sent by the next sync round")
    sync.add_argument("--central", help="central database URL (default: setting central_db, "
                      "env RETURNS_DESK_CENTRAL_DB)")
    add_printing_parsers(sub)  # label, slip, print-queue (issue 4)
    add_review_parsers(sub)  # review, items, exceptions, override, resolve, operators (issue 10)
    add_doctor_parser(sub)  # doctor [--json] [--bundle FILE.zip] (issue 11)
    return parser


def _where_things_are() -> str:
    from app.config import data_dir
    from app.logging_setup import log_dir

    return (f"logs and crash reports: {log_dir()}\ndata (database, backups): {data_dir()}\n"
            "when something is wrong: returns-desk doctor (docs/doctor-and-logs.md)")


PRINTING_COMMANDS = ("label", "slip", "print-queue")


def add_printing_parsers(sub: Any) -> None:
    label = sub.add_parser("label", help="an item's relabel (LPN) as ZPL, PDF or PNG, to a file or a printer")
    label.add_argument("lpn")
    label.add_argument("--format", choices=["zpl", "pdf", "png"], help="default: from -o's extension")
    label.add_argument("--size", choices=["2x1", "4x6"], help="label stock (default: setting label_size)")
    label.add_argument("--dpi", type=int, choices=[203, 300], help="default: setting label_dpi")
    _target(label)
    slip = sub.add_parser("slip", help="an item's disposition slip as PDF (or ZPL/PNG), to a file or a printer")
    slip.add_argument("lpn")
    slip.add_argument("--format", choices=["pdf", "zpl", "png"], help="default: from -o's extension, else PDF")
    _target(slip)
    queue = sub.add_parser("print-queue", help="list the station's print jobs; --run prints what is due now")
    queue.add_argument("--run", action="store_true", help="send the due jobs now (as the station would)")


def _target(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("-o", "--output", type=Path, help="write to this file")
    where.add_argument("--printer", help="send to this printer from the settings (e.g. zebra1) instead")


def main(argv: Sequence[str] | None = None) -> int:
    words = sys.argv[1:] if argv is None else list(argv)
    # No arguments is the window's start: it skips building every subcommand's parser (cold start, issue 12).
    args = build_parser().parse_args(words) if words else argparse.Namespace(command=None, db=None, station_id=None)
    if args.command == "doctor":  # loads the settings itself: bad settings are one of its findings
        from app.doctor import run_doctor

        return run_doctor(args, {"db": args.db, "station_id": args.station_id})
    try:
        settings = load_settings(cli={"db": args.db, "station_id": args.station_id})
        if args.command is None:
            from ui.main import run_gui  # Qt is loaded only for the GUI

            return run_gui(settings)
        return _run_guarded(args, settings)
    except ReturnsDeskError as exc:
        if args.command is None:  # the window's start: a dialog in words, not only stderr (issue 11)
            from ui.main import start_failed_before_settings

            return start_failed_before_settings(exc)
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _run_guarded(args: argparse.Namespace, settings: Settings) -> int:
    """A command that writes refuses to run while the station's window is open (app/single_instance.py)."""
    what = _writing_command(args)
    if what is None:
        return _run_command(args, settings)
    from app.single_instance import refuse_if_window_open  # only writing commands pay for the lock's imports

    lock = refuse_if_window_open(settings, what)
    try:
        return _run_command(args, settings)
    finally:
        lock.release()


def _writing_command(args: argparse.Namespace) -> str | None:
    """How a command that writes the station's database is spelled (None: it only reads)."""
    if args.command in ("demo", "import"):
        return f"{args.command} {getattr(args, 'demo_command', None) or args.kind}"
    if args.command == "db":
        return f"db {args.db_command}"
    if args.command == "print-queue" and args.run:
        return "print-queue --run"
    if args.command == "sync" and (args.once or args.backfill):
        return "sync --backfill" if args.backfill else "sync --once"
    if args.command in ("override", "resolve"):
        return args.command
    if args.command == "operators" and args.operators_command != "list":
        return f"operators {args.operators_command}"
    return None


def _run_command(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "rules":
        return _rules(args, settings)
    if args.command == "scanners":
        from app.scanning.cli_scanners import run_scanners

        return run_scanners(args, settings)
    if args.command == "sync":
        from app.sync.cli_sync import run_sync

        return run_sync(args, settings)
    from app.review.cli_parsers import REVIEW_COMMANDS

    if args.command in REVIEW_COMMANDS:
        return _run_review(args, settings)
    from app.db import migrate
    from app.sync.modes import open_station_database

    # The database of this station's mode, with the outbox on in station mode, as the window opens it.
    db = open_station_database(settings)
    try:
        ran = migrate.ensure_current(db)
        if args.command == "db" and args.db_command == "seed-lpn":
            return _seed_lpn(db, settings.station_id, args.next)
        if args.command == "db":
            print(f"{db.description}: {'upgraded to' if ran else 'already at'} {migrate.HEAD_REVISION}")
            return 0
        if args.command == "demo":
            from app.demo_history import load_demo

            summary = load_demo(db, settings, only_if_empty=args.if_empty, history=args.history)
            print(summary)
            return 0
        if args.command == "import":
            return _import(db, args.kind, args.file, args.skip_bad, settings)
        if args.command in PRINTING_COMMANDS:
            from app import cli_printing  # rendering libraries load only for the printing commands

            return cli_printing.run(args, settings, db)
    finally:
        db.dispose()
    raise AssertionError(f"unhandled command {args.command}")


def _rules(args: argparse.Namespace, settings: Settings) -> int:
    if args.rules_command == "publish":
        from app.sync.cli_sync import run_publish

        return run_publish(settings)
    return _rules_check(settings)


def _run_review(args: argparse.Namespace, settings: Settings) -> int:
    import importlib

    from app.review.cli_parsers import REVIEW_COMMANDS

    module, function = REVIEW_COMMANDS[args.command]
    run: Any = getattr(importlib.import_module(module), function)
    return int(run(args, settings))


def _seed_lpn(db: Database, station_id: str, next_sequence: int) -> int:
    from app.services.finalize import seed_lpn_counter

    with db.unit_of_work() as uow:
        now = seed_lpn_counter(uow, station_id, next_sequence)
    print(f"Station {station_id}: the next LPN is {now}.")
    return 0


def _import(db: Database, kind: str, path: Path, skip_bad: bool, settings: Settings) -> int:
    from app.importing import catalog, operators, recalls, rmas

    # RMA numbers and badges are checked against the patterns this station scans them by.
    importer = {
        "catalog": lambda: catalog.import_catalog(db, path, skip_bad=skip_bad),
        "rmas": lambda: rmas.import_rmas(db, path, skip_bad=skip_bad, rma_pattern=settings.rma_pattern),
        "operators": lambda: operators.import_operators(
            db, path, skip_bad=skip_bad, badge_pattern=settings.badge_pattern
        ),
        "recalls": lambda: recalls.import_recalls(db, path, skip_bad=skip_bad),
    }
    if not path.is_file():
        print(f"error: {path} does not exist or is not a file.", file=sys.stderr)
        return 2
    report = importer[kind]()
    print(report.summary())  # names the separator when it is not a comma
    for problem in report.skipped:
        print(f"  skipped: {problem}")
    return 1 if report.skipped else 0


def _rules_check(settings: Settings) -> int:
    from app.domain.rules_check import check_all

    problems = check_all(_opt_path(settings.rules_dir), _opt_path(settings.checklists_dir))
    for problem in problems:
        print(problem)
    if problems:
        print(f"{len(problems)} problem(s): the station will not start until they are fixed.")
        return 1
    print("Rules and checklists are valid; every example gives its expected result.")
    return 0


def _opt_path(value: str) -> Path | None:
    return Path(value) if value else None


if __name__ == "__main__":
    sys.exit(main())
