"""The supervisor's facade: reads are refused to a worker in the core, whatever the screen shows; the board
counts what the queue lists; a second supervisor approves an override above the site's value."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.config import Settings
from app.errors import PermissionDenied, SignInError
from app.review.desk import ReviewDesk
from app.review.search import ItemFilter
from tests.print_helpers import finish_item
from tests.unit.review.exceptions_helpers import graded, product_by_value, unknown_item


@pytest.fixture
def review(desk, db):
    facade = ReviewDesk(db, desk.ctx, Settings(station_id="D01", db=db.url, sound=False))
    yield facade
    facade.close()


def test_a_worker_cannot_read_the_board_or_search(review, worker):
    with pytest.raises(PermissionDenied, match="supervisor"):
        review.start(worker)
    for read in (review.board, lambda: review.find_items(ItemFilter()), review.exceptions, review.operators):
        with pytest.raises(PermissionDenied):
            read()


def test_the_board_counts_what_the_queue_lists(review, desk, worker, supervisor):
    finish_item(desk, worker)
    unknown_item(desk, worker)
    review.start(supervisor)
    figures = review.board().value
    queue = review.exceptions().value
    assert figures.graded_today == 2 and len(queue) >= 1
    assert figures.open_exceptions_total == len(queue)
    by_cause = {cause: sum(r.cause == cause for r in queue) for cause in {r.cause for r in queue}}
    assert figures.open_exceptions == by_cause


def test_an_override_above_the_value_needs_a_second_supervisor_badge_and_pin(review, desk, worker, supervisor, db):
    valuable = product_by_value(db, above_cents=20_000)
    policy = review.override_policy()
    review.override_policy = lambda: replace(policy, approval_above_cents=valuable.unit_value_cents - 1)
    item = graded(desk, worker, valuable)
    review.start(supervisor)
    with pytest.raises(PermissionDenied, match="second supervisor"):
        review.override(supervisor, item.id, "D01", None, "liquidate", "other", "water damage inside")
    with pytest.raises(PermissionDenied, match="different supervisor"):
        review.override(supervisor, item.id, "D01", None, "liquidate", "other", "water damage", ("B2001", "2222"))
    with pytest.raises(SignInError, match="PIN"):
        review.override(supervisor, item.id, "D01", None, "liquidate", "other", "water damage", ("B9001", "0000"))
    done = review.override(supervisor, item.id, "D01", None, "liquidate", "other", "water damage", ("B9001", "9999"))
    assert done.disposition == "liquidate"
