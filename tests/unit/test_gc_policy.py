"""app/gc_policy: start-up objects frozen, full passes left to idle moments (the print thread's housekeeping)."""

from __future__ import annotations

import gc
import sys

import pytest

from app import gc_policy


@pytest.fixture
def restore_gc():
    threshold, interval = gc.get_threshold(), sys.getswitchinterval()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)
    sys.setswitchinterval(interval)


def test_tune_runtime_freezes_start_up_and_makes_automatic_full_passes_rare(restore_gc):
    gc_policy.tune_runtime()
    assert gc.get_freeze_count() > 1000  # the modules and mappers loaded so far
    assert gc.get_threshold()[2] == gc_policy.GEN2_BACKSTOP
    assert sys.getswitchinterval() == pytest.approx(gc_policy.SWITCH_INTERVAL_S)


def test_a_full_pass_runs_at_an_idle_moment_only_when_due(restore_gc):
    gc_policy.tune_gc()
    gc.collect()
    assert not gc_policy.collect_if_due() and gc.get_count()[2] == 0
    for _ in range(gc_policy.GEN2_THRESHOLD):
        gc.collect(1)  # generation-1 passes, as a busy station makes them
    assert gc.get_count()[2] == gc_policy.GEN2_THRESHOLD
    assert gc_policy.collect_if_due()
    assert gc.get_count()[2] == 0  # the full pass ran


def test_the_print_pass_does_the_housekeeping(desk, restore_gc, monkeypatch):
    from app.services.print_loop import PrintQueue

    ran: list[bool] = []
    monkeypatch.setattr("app.services.print_loop.collect_if_due", lambda: ran.append(True) or True)
    PrintQueue(desk.db, desk.ctx).process_due(sender=lambda *_: None)
    assert ran == [True]
