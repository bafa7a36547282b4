"""`returns-desk demo load`: the demo catalog, RMAs and operators, plus a few days of graded history made
by driving the real intake services, so every later screen, label and report has real records to show.

In station mode the station's file takes its master data only from the central database (docs/central-database.md),
so the demo pulls it from there instead of importing its own, and grades the history as this station, on RMAs
the central database has: the history then syncs like any other work (the file has the outbox on: cli.py opens it
with `open_station_database`)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from app.config import Settings
from app.db.models import Operator, Product, ReturnItem, Rma, RmaLine
from app.db.uow import Database, UnitOfWork
from app.demo import load_demo_master_data
from app.domain import checklist as cl
from app.domain.status import ItemStatus
from app.errors import ConfigError, DuplicateUnit
from app.scanning.classify import Scan, ScanKind
from app.services import finalize as fin
from app.services import intake, print_queue
from app.services.context import FixedClock, StationContext
from app.services.views import OperatorView, operator_view
from app.sync.central import central_url
from app.sync.pull import pull_once
from app.wiring import load_site_configuration, station_context

HISTORY_ITEMS = 320
HISTORY_DAYS = 4
TODAY_SHARE = 20  # percent of the demo history graded today (so the supervisor's board has today's intake)
HISTORY_STATIONS = ("D01", "D02")
# Half the demo RMAs are left unreceived so a newcomer has RMAs to scan.
RMA_SHARE_RECEIVED = 0.5
# Most returns arrive with an RMA; the rest of the history gets RMAs of its own (numbered from 900001).
SHARE_WITH_RMA = 0.9
HISTORY_RMA_BASE = 900_000
CLAIM_WEIGHTS = {"changed_mind": 30, "wrong_size": 15, "defective": 20, "not_as_described": 8,
                 "arrived_damaged": 8, "missing_parts": 5, "better_price": 7, "wrong_item_sent": 4,
                 "late_delivery": 3}


def load_demo(db: Database, settings: Settings, only_if_empty: bool = False, today: date | None = None,
              history: int | None = None) -> str:
    with db.unit_of_work() as uow:
        products = uow.session.scalar(select(func.count()).select_from(Product)) or 0
    if only_if_empty and products:
        return f"{db.description} already has {products} products: demo data not loaded."
    station = _is_station_file(db, settings)
    summary = _pull_master_data(db, settings) if station else load_demo_master_data(db)
    made = make_history(db, settings, today or date.today(), count=HISTORY_ITEMS if history is None else history,
                        stations=(settings.station_id,) if station else HISTORY_STATIONS, invent_rmas=not station)
    return (f"Demo data loaded into {db.description}: {summary}; {made} graded items of history. "
            "Sign in with badge B1001 and PIN 1111 (worker), or B2001 and 2222 (supervisor: F6 opens the board).")


def _is_station_file(db: Database, settings: Settings) -> bool:
    """A station's own file in station mode (`--db CENTRAL_URL demo load` loads the central database itself)."""
    return settings.mode == "station" and make_url(db.url).get_backend_name() == "sqlite"


def _pull_master_data(db: Database, settings: Settings) -> str:
    central = Database(central_url(settings))
    try:
        pulled = pull_once(db, central)
    finally:
        central.dispose()
    with db.unit_of_work() as uow:
        products = uow.session.scalar(select(func.count()).select_from(Product)) or 0
    if not products:
        raise ConfigError(
            f"The central database ({central.description}) has no catalog yet, and in station mode master data "
            "comes only from there. Load the demo master data into it first (`returns-desk --db CENTRAL_URL demo "
            "load --history 0`), then run this again.")
    return f"master data pulled from {central.description} ({pulled.total} rows)"


def make_history(db: Database, settings: Settings, today: date, count: int = HISTORY_ITEMS, seed: int = 7,
                 stations: tuple[str, ...] = HISTORY_STATIONS, invent_rmas: bool = True) -> int:
    """Grade `count` items spread over the last few working days, at `stations`; returns without an RMA of the
    demo's get one of their own when `invent_rmas` (not in station mode: RMAs are the central database's).
    Idempotent: skips if history exists."""
    rng = random.Random(seed)
    with db.unit_of_work() as uow:
        finals = select(func.count()).select_from(ReturnItem).where(ReturnItem.status == ItemStatus.FINAL)
        if uow.session.scalar(finals):
            return 0
        operators = [operator_view(o) for o in uow.session.scalars(select(Operator).order_by(Operator.id))]
        products = list(uow.session.scalars(select(Product).order_by(Product.id)))
        rmas = list(uow.session.scalars(select(Rma).order_by(Rma.id)))
        by_sku = {p.sku: p for p in products}
        rma_jobs = [(rma.rma_number, by_sku[line.sku], line.expected_serial)
                    for rma in rmas[: int(len(rmas) * RMA_SHARE_RECEIVED)] for line in rma.lines
                    if line.sku in by_sku]
        graders = [o for o in operators if o.role != "admin"] or operators
        return _grade_history(uow, settings, today, count, rng, stations, graders, rma_jobs, products, invent_rmas)


def _grade_history(uow: UnitOfWork, settings: Settings, today: date, count: int, rng: random.Random,
                   stations: tuple[str, ...], graders: list[OperatorView],
                   rma_jobs: list[tuple[str, Product, str | None]], products: list[Product],
                   invent_rmas: bool) -> int:
    """Every item in the caller's one transaction (a savepoint each): one commit for the whole history, not
    two per item, and the products and RMAs stay loaded in the session from one item to the next."""
    configuration = load_site_configuration(settings)  # the site's rules, as the station grades
    made = 0
    earlier = count - count * TODAY_SHARE // 100  # the rest is today's intake so far, for the board
    # One context per station (reading the printer routing takes a while); each item gets its own clock.
    contexts = {station: station_context(settings, station_id=station, configuration=configuration)
                for station in stations}
    for index in range(count):
        day, at = _graded_when(index, count, earlier, today, rng)
        ctx = replace(contexts[rng.choice(stations)], clock=FixedClock(at), local_today=_constant(day))
        job = _what_to_grade(uow, index, rma_jobs, products, day, rng, invent_rmas)
        try:
            with uow.session.begin_nested():
                _grade_one(uow, ctx, rng.choice(graders), job, rng)
            made += 1
        except DuplicateUnit:
            continue
    return made


def _what_to_grade(uow: UnitOfWork, index: int, rma_jobs: list[tuple[str, Product, str | None]],
                   products: list[Product], day: date, rng: random.Random,
                   invent_rmas: bool) -> tuple[str | None, Product, str | None]:
    """The RMA number (if any), product and serial of the `index`-th item of the history."""
    if index < len(rma_jobs):
        return rma_jobs[index]
    product = rng.choice(products)
    serial = f"SN{rng.randrange(16**8):08X}" if product.serialized else None
    rma_number = None
    if rng.random() < SHARE_WITH_RMA and invent_rmas:
        rma_number = _history_rma(uow, index, product, serial, day, rng)
    return rma_number, product, serial


def _graded_when(index: int, count: int, earlier: int, today: date, rng: random.Random) -> tuple[date, datetime]:
    """Earlier items over the last working days from 08:00; today's every 3 minutes up to a few minutes ago
    (never in the future, never before today's midnight)."""
    if index < earlier:
        day = today - timedelta(days=HISTORY_DAYS - index * HISTORY_DAYS // max(earlier, 1))
        return day, datetime(day.year, day.month, day.day, 8, tzinfo=UTC) + timedelta(
            seconds=(index % 80) * 290 + rng.randint(0, 120))
    midnight = datetime.combine(today, time(0)).astimezone(UTC)
    now = min(datetime.now(UTC), midnight + timedelta(days=1) - timedelta(minutes=1))
    if now <= midnight:  # a demo "today" later than the clock (tests): its working hours
        now = midnight + timedelta(hours=16)
    at = now - timedelta(minutes=3 * (count - index), seconds=rng.randint(0, 90))
    if at < midnight:  # early in the day: squeeze today's items into the minutes since midnight
        at = midnight + (now - midnight) * (index - earlier + 1) / (count - earlier + 1)
    return today, at


def _constant(day: date) -> Callable[[], date]:
    return lambda: day


def _history_rma(uow: UnitOfWork, index: int, product: Product, serial: str | None, day: date,
                 rng: random.Random) -> str:
    number = f"RMA{HISTORY_RMA_BASE + index + 1}"
    rma = Rma(rma_number=number, order_number=f"SO-H{index + 1:06d}", customer_ref=f"C{rng.randrange(10**6):06d}",
              order_date=day - timedelta(days=rng.randint(4, 34)), return_window_days=30)
    rma.lines.append(RmaLine(line_no=1, sku=product.sku, qty=1, expected_serial=serial,
                             claimed_reason=rng.choices(list(CLAIM_WEIGHTS), list(CLAIM_WEIGHTS.values()))[0]))
    uow.session.add(rma)
    return number


def _grade_one(uow: UnitOfWork, ctx: StationContext, operator: OperatorView,
               job: tuple[str | None, Product, str | None], rng: random.Random) -> None:
    rma_number, product, serial = job
    code = product.gtin or product.sku
    scan = Scan(code, ScanKind.PRODUCT, code, gtin=product.gtin)
    item = intake.start_intake(uow, ctx, operator, scan, rma_number)
    assert not isinstance(item, intake.UnknownProduct)
    # The session holds its objects weakly: keep the draft alive while it is graded, so each step finds it in
    # the session instead of reading it again (issue 12: `demo load` ≤ 5 s).
    draft = uow.session.get(ReturnItem, item.id)
    if serial:
        # One in twenty serials differs from the RMA's, as a fraud or a mix-up would.
        item = intake.set_serial(uow, ctx, item.id, serial if rng.random() > 0.05 else serial[::-1])
    template = intake.template_of(ctx, item)
    while (question := cl.next_question(template, item.answers)) is not None:
        item = intake.answer(uow, ctx, item.id, question.id, _plausible_answer(question, rng))
    fin.finalize(uow, ctx, operator, item.id)
    print_queue.settle_as_history(uow, item.id)  # printed and put in its tote back then (issue 4)
    del draft


def _plausible_answer(question: cl.Question, rng: random.Random) -> str:
    """Most returns are fine: favour the first (best) option, with a long tail of problems."""
    if question.kind == "number":
        low = question.minimum if question.minimum is not None else 0
        high = question.maximum if question.maximum is not None else 100
        return str(int(max(low, high - abs(rng.gauss(0, (high - low) / 6)))))
    if question.id == "sealed":  # about a third of returns come back unopened
        return "1" if rng.random() < 0.35 else "2"
    weights = [1 if _is_a_problem(option.effects) else 8 for option in question.options]
    return str(rng.choices(question.options, weights=weights)[0].key)


def _is_a_problem(effects: cl.Effects) -> bool:
    return bool(effects.penalty or effects.reasons or set(effects.flags) - {"sealed", "data_bearing"})
