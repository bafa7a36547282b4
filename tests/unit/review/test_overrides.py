"""Overrides: reason code + note required, second supervisor above the threshold, audit before/after,
version up, original decision kept, relabel + slip reprinted (slip says OVERRIDE), tote moved."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db.models import AuditEvent, Container, ReturnItem
from app.domain.status import JobStatus
from app.errors import InvalidState, PermissionDenied, RulesError
from app.review.overrides import OverridePolicy, load_override_policy, override, override_reasons
from tests.unit.review.exceptions_helpers import graded, newest_docs, product_by_value

POLICY = OverridePolicy({"grading_error": "Grading error", "other": "Other"}, approval_above_cents=10_000)


def _override(desk, operator, item_id, **kwargs):
    with desk.db.unit_of_work() as uow:
        return override(uow, desk.ctx, operator, item_id, policy=kwargs.pop("policy", POLICY), **kwargs)


def _cheap_item(desk, worker):
    return graded(desk, worker, product_by_value(desk.db, below_cents=5_000))


def test_shipped_reasons_always_offer_other_and_a_site_file_replaces_them(desk, tmp_path):
    shipped = load_override_policy()
    assert "other" in shipped.reasons and shipped.approval_above_cents == 50_000
    assert override_reasons(desk.ctx) == shipped.reasons
    (tmp_path / "override_reasons.toml").write_text(
        'version = 1\n[approval]\nabove_cents = 2500\n[reasons]\nvendor_call = "Vendor asked for it"\n',
        encoding="utf-8")
    site = load_override_policy(tmp_path)
    assert site.reasons == {"vendor_call": "Vendor asked for it", "other": "Other (say what in the note)"}
    assert site.approval_above_cents == 2500
    (tmp_path / "override_reasons.toml").write_text('[reasons]\n"Bad Code" = "x"\n', encoding="utf-8")
    with pytest.raises(RulesError, match="reasons.Bad Code"):
        load_override_policy(tmp_path)


def test_a_worker_is_refused_in_the_core(desk, worker):
    item = _cheap_item(desk, worker)
    with pytest.raises(PermissionDenied, match="Only a supervisor can override"):
        _override(desk, worker, item.id, grade="D", reason="grading_error", note="screen cracked")


@pytest.mark.parametrize(("reason", "note", "words"), [
    ("", "a note", "Pick a reason code"),
    ("made_up", "a note", "'made_up' is not one of this site's override reasons"),
    ("grading_error", "   ", "Write a short note"),
])
def test_reason_code_and_note_are_required(desk, worker, supervisor, reason, note, words):
    item = _cheap_item(desk, worker)
    with pytest.raises(InvalidState, match=words):
        _override(desk, supervisor, item.id, grade="D", reason=reason, note=note)


def test_the_same_decision_or_unknown_codes_are_refused(desk, worker, supervisor):
    item = _cheap_item(desk, worker)
    with pytest.raises(InvalidState, match="already grade"):
        _override(desk, supervisor, item.id, grade=item.grade, reason="other", note="x")
    with pytest.raises(InvalidState, match="'Z' is not a grade"):
        _override(desk, supervisor, item.id, grade="Z", reason="other", note="x")
    with pytest.raises(InvalidState, match="'shelf' is not a disposition"):
        _override(desk, supervisor, item.id, disposition="shelf", reason="other", note="x")


def test_override_keeps_the_original_audits_reprints_and_moves_the_tote(desk, worker, supervisor, db):
    item = _cheap_item(desk, worker)
    new_disposition = "liquidate" if item.disposition != "liquidate" else "recycle"
    with db.unit_of_work() as uow:
        before = uow.session.get(ReturnItem, item.id)
        version, rules, tote_before = before.version, list(before.disposition_rules), before.container_id
    changed = _override(desk, supervisor, item.id, grade="D", disposition=new_disposition,
                        reason="grading_error", note="hinge cracked, missed at the dock")
    assert (changed.grade, changed.disposition) == ("D", new_disposition)
    with db.unit_of_work() as uow:
        row = uow.session.get(ReturnItem, item.id)
        assert row.version == version + 1
        assert [r["id"] for r in row.disposition_rules] == [r["id"] for r in rules]  # the rules' why stays
        assert row.override["original"] == {"grade": item.grade, "disposition": item.disposition}
        assert row.override["reason"] == "grading_error" and row.override["by"] == "B2001"
        assert row.override["approved_by"] is None
        tote = uow.session.get(Container, row.container_id)
        assert row.container_id != tote_before and tote.disposition == new_disposition
        assert row.tote_confirmed_at is None  # the worker scans the new tote
        event = uow.session.scalars(select(AuditEvent).where(AuditEvent.item_id == item.id,
                                                             AuditEvent.action == "overridden")).one()
        assert event.operator_id == supervisor.id
        assert event.before == {"grade": item.grade, "disposition": item.disposition}
        assert event.after["grade"] == "D" and event.after["reason"] == "grading_error"
        assert "hinge cracked" in event.detail
        tote_code = tote.code
    label, slip, jobs = newest_docs(db, item.id)
    assert label.headline.startswith("D · ")
    assert slip.disposition.endswith("OVERRIDE") and slip.reasons[0].startswith("OVERRIDE by Sam Supervisor")
    assert f"rules said {item.grade}" in slip.reasons[0] and slip.tote == tote_code
    reprinted = [j for j in jobs if j.reason and j.reason.startswith("Override")]
    assert sorted(j.kind for j in reprinted) == ["label", "slip"]
    # the first labels, not printed yet, must not print the old decision
    assert all(j.status == JobStatus.CANCELLED for j in jobs if not j.reason and j.kind in ("label", "slip"))


def test_a_second_override_keeps_the_rules_original(desk, worker, supervisor, db):
    item = _cheap_item(desk, worker)
    _override(desk, supervisor, item.id, grade="D", reason="grading_error", note="first look")
    _override(desk, supervisor, item.id, grade="C", reason="other", note="second look")
    with db.unit_of_work() as uow:
        row = uow.session.get(ReturnItem, item.id)
        assert row.override["original"]["grade"] == item.grade
        assert row.override["previous"]["grade"] == "D" and row.grade == "C"


def test_above_the_threshold_a_different_supervisor_approves(desk, worker, supervisor, db):
    item = graded(desk, worker, product_by_value(db, above_cents=10_000))
    admin = desk.sign_in("B9001", "9999")
    with pytest.raises(PermissionDenied, match="a second supervisor must approve"):
        _override(desk, supervisor, item.id, disposition="rtv", reason="other", note="vendor wants it")
    with pytest.raises(PermissionDenied, match="different supervisor"):
        _override(desk, supervisor, item.id, disposition="rtv", reason="other", note="x", approver=supervisor)
    with pytest.raises(PermissionDenied, match="Only a supervisor can approve"):
        _override(desk, supervisor, item.id, disposition="rtv", reason="other", note="x", approver=worker)
    _override(desk, supervisor, item.id, disposition="rtv", reason="other", note="vendor wants it", approver=admin)
    with db.unit_of_work() as uow:
        row = uow.session.get(ReturnItem, item.id)
        assert row.disposition == "rtv" and row.override["approved_by"] == "B9001"
        # it was held (no RMA, valuable): the supervisor's decision takes it out of the queue
        assert row.exception_cause == "no_rma_high_value" and row.exception_resolved_by == supervisor.id


def test_a_recalled_unit_is_never_overridden_to_resale(desk, worker, supervisor, db):
    item = _cheap_item(desk, worker)
    with db.unit_of_work() as uow:
        row = uow.session.get(ReturnItem, item.id)
        row.flags, row.disposition = ["recalled"], "quarantine"
    with pytest.raises(InvalidState, match="recalled unit"):
        _override(desk, supervisor, item.id, disposition="restock", reason="other", note="x")
    assert _override(desk, supervisor, item.id, disposition="destroy", reason="other", note="x").disposition \
        == "destroy"
