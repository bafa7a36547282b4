"""The supervisor's commands (`review`, `items`, `exceptions`, `override`, `resolve`, `operators`): their
arguments here, their work in app/review/cli_*.py. JSON output is documented in docs/supervisor.md."""

from __future__ import annotations

import argparse
from typing import Any

from app.domain.vocab import Disposition, Grade, Role

# command -> (module, function); each function is run(args, settings) -> exit code.
REVIEW_COMMANDS = {
    "review": ("app.review.cli_board", "run_review"),
    "items": ("app.review.cli_board", "run_items"),
    "exceptions": ("app.review.cli_exceptions", "run_exceptions"),
    "override": ("app.review.cli_exceptions", "run_override"),
    "resolve": ("app.review.cli_exceptions", "run_resolve"),
    "operators": ("app.review.cli_operators", "run_operators"),
    "stations": ("app.review.cli_stations", "run_stations"),
}
RESOLUTIONS = ("identify", "authorise", "accept", "send", "release")
GRADES = [grade.value for grade in Grade]
DISPOSITIONS = [disposition.value for disposition in Disposition]


def add_review_parsers(sub: Any) -> None:
    review = sub.add_parser("review", help="supervisors: today's figures (the board) for the site or one station")
    review.add_argument("period", choices=["today"])
    review.add_argument("--station", help="only this station, e.g. D01")
    _json(review)
    _items_parser(sub)
    exceptions = sub.add_parser("exceptions", help="supervisors: items held for a person, oldest first")
    exceptions.add_argument("--station", help="only this station")
    _json(exceptions)
    _override_parser(sub)
    _resolve_parser(sub)
    _operators_parser(sub)
    _stations_parser(sub)


def _json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON (docs/supervisor.md) instead of a table")


def _by(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--by", required=True, metavar="BADGE",
                        help="the supervisor's badge; the PIN is asked on the terminal (or env RETURNS_DESK_PIN)")


def _items_parser(sub: Any) -> None:
    items = sub.add_parser("items", help="supervisors: find items (LPN, RMA, order, SKU/GTIN, serial and filters)")
    items.add_argument("text", nargs="?", default="", help="an LPN, RMA, order number, SKU, GTIN or serial")
    items.add_argument("--station")
    items.add_argument("--operator", metavar="BADGE")
    items.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="graded on or after this day")
    items.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="graded on or before this day")
    items.add_argument("--grade", choices=GRADES)
    items.add_argument("--disposition", choices=DISPOSITIONS)
    items.add_argument("--status", choices=["draft", "final", "voided"])
    items.add_argument("--flag", help="e.g. serial_mismatch")
    items.add_argument("--rule", help="a rule id that fired, e.g. no_rma_valuable")
    items.add_argument("--cause", help="open exceptions of this cause (see `exceptions`)")
    items.add_argument("--limit", type=int, default=200)
    _json(items)


def _override_parser(sub: Any) -> None:
    override = sub.add_parser("override", help="supervisors: change an item's grade and/or disposition, with a "
                              "reason code and a note; reprints its label and slip")
    override.add_argument("lpn")
    override.add_argument("--grade", choices=GRADES)
    override.add_argument("--disposition", choices=DISPOSITIONS)
    override.add_argument("--reason", required=True, metavar="CODE", help="a reason code (see docs/supervisor.md)")
    override.add_argument("--note", required=True)
    override.add_argument("--approver", metavar="BADGE", help="a second supervisor, above the value threshold "
                          "(PIN from the terminal or env RETURNS_DESK_APPROVER_PIN)")
    _by(override)


def _resolve_parser(sub: Any) -> None:
    resolve = sub.add_parser("resolve", help="supervisors: resolve an item in the exceptions queue")
    resolve.add_argument("lpn")
    resolve.add_argument("action", choices=RESOLUTIONS, help="identify (with --sku), authorise (no RMA), accept "
                         "(a serial/lot mismatch), send (to rtv or destroy), release (from quarantine)")
    resolve.add_argument("--sku", help="identify: the catalog SKU the unknown item is")
    resolve.add_argument("--disposition", choices=DISPOSITIONS, help="send / release: where it goes")
    resolve.add_argument("--note", required=True)
    _by(resolve)


def _operators_parser(sub: Any) -> None:
    operators = sub.add_parser("operators", help="supervisors: list, add, deactivate, unlock operators, reset PINs")
    action = operators.add_subparsers(dest="operators_command", metavar="ACTION", required=True)
    _json(action.add_parser("list", help="every operator, with role, state and lock"))
    add = action.add_parser("add", help="add an operator (they choose a PIN at the first sign-in)")
    add.add_argument("badge")
    add.add_argument("name")
    add.add_argument("--role", choices=[role.value for role in Role], default=Role.WORKER.value,
                     help="supervisor and admin need an admin")
    _by(add)
    for name, text in (("deactivate", "the badge no longer signs in"), ("reactivate", "the badge signs in again"),
                       ("reset-pin", "the operator chooses a new PIN at the next sign-in"),
                       ("unlock", "lift a lock-out after five wrong PINs")):
        parser = action.add_parser(name, help=text)
        parser.add_argument("badge")
        _by(parser)
    role = action.add_parser("set-role", help="admins: change an operator's role")
    role.add_argument("badge")
    role.add_argument("role", choices=[role.value for role in Role])
    _by(role)


def _stations_parser(sub: Any) -> None:
    stations = sub.add_parser("stations", help="IT: every station's last report (version, queues, errors) and "
                              "what is wrong; exit code 1 when any station needs IT (docs/fleet.md)")
    _json(stations)
    action = stations.add_subparsers(dest="stations_command", metavar="ACTION")
    claim = action.add_parser("claim", help="admins: give this station's id to this station (a re-installed "
                              "station); the one that held it is refused from then on")
    _by(claim)
