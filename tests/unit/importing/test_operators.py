"""Operator import: PINs are hashed (never stored or shown in clear), roles checked, re-import is a no-op."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.db.models import Operator
from app.db.uow import Database
from app.errors import ImportRowError
from app.importing import import_operators
from app.security import hash_pin, verify_pin
from tests.unit.importing.import_helpers import WriteCsv, count

HEADER = ["badge", "name", "role", "pin"]


def operators(db: Database) -> dict[str, dict[str, object]]:
    with db.unit_of_work() as uow:
        return {
            o.badge: {c.name: getattr(o, c.name) for c in Operator.__table__.columns}
            for o in uow.session.scalars(select(Operator))
        }


def test_plain_pins_are_hashed_hashes_kept_empty_means_none(idb: Database, write_csv: WriteCsv) -> None:
    given_hash = hash_pin("4321")
    rows = [
        ["B1001", "Dana Worker", "worker", "1111"],
        ["B2001", "Sam Supervisor", "Supervisor", given_hash],
        ["B3001", "New Starter", "worker", ""],
    ]
    report = import_operators(idb, write_csv("operators.csv", HEADER, rows))
    assert report.inserted == 3
    ops = operators(idb)
    dana = ops["B1001"]
    assert dana["pin_hash"] != "1111" and "1111" not in str(dana["pin_hash"])
    assert verify_pin("1111", str(dana["pin_hash"])) and not verify_pin("1112", str(dana["pin_hash"]))
    assert dana["role"] == "worker" and dana["active"] is True
    assert ops["B2001"]["pin_hash"] == given_hash and ops["B2001"]["role"] == "supervisor"
    assert ops["B3001"]["pin_hash"] is None


def test_reimport_does_not_rehash_and_empty_pin_keeps_the_current_one(
    idb: Database, write_csv: WriteCsv
) -> None:
    path = write_csv("operators.csv", HEADER, [["B1001", "Dana Worker", "worker", "1111"]])
    import_operators(idb, path)
    before = operators(idb)
    report = import_operators(idb, path)
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, 1)
    assert operators(idb) == before
    report = import_operators(idb, write_csv("o2.csv", HEADER, [["B1001", "Dana Worker", "worker", ""]]))
    assert report.unchanged == 1 and operators(idb) == before


def test_changed_pin_and_name_update_the_row(idb: Database, write_csv: WriteCsv) -> None:
    import_operators(idb, write_csv("a.csv", HEADER, [["B1001", "Dana Worker", "worker", "1111"]]))
    report = import_operators(idb, write_csv("b.csv", HEADER, [["B1001", "Dana W.", "worker", "5555"]]))
    assert report.updated == 1
    dana = operators(idb)["B1001"]
    assert dana["name"] == "Dana W." and verify_pin("5555", str(dana["pin_hash"]))


@pytest.mark.parametrize("pin", ["12", "123456789", "12a4", "hunter22"])
def test_bad_pin_is_never_shown(idb: Database, write_csv: WriteCsv, pin: str) -> None:
    path = write_csv(
        "operators.csv", HEADER, [["B1001", "Dana", "worker", "1111"], ["B1002", "Lee", "worker", pin]]
    )
    with pytest.raises(ImportRowError) as info:
        import_operators(idb, path)
    assert (info.value.row, info.value.column) == (3, "pin")
    assert pin not in str(info.value) and "1111" not in str(info.value)
    assert count(idb, Operator) == 0


def test_unknown_role_and_duplicate_badge(idb: Database, write_csv: WriteCsv) -> None:
    rows = [
        ["B1001", "Dana", "worker", ""],
        ["B1002", "Lee", "manager", ""],
        ["B1001", "Dana 2", "worker", ""],
    ]
    report = import_operators(idb, write_csv("operators.csv", HEADER, rows), skip_bad=True)
    assert [(e.row, e.column) for e in report.skipped] == [(3, "role"), (4, "badge")]
    assert "use one of worker, supervisor, admin" in report.skipped[0].problem
    assert set(operators(idb)) == {"B1001"}


def test_active_column(idb: Database, write_csv: WriteCsv) -> None:
    path = write_csv("o.csv", [*HEADER, "active"], [["B1001", "Dana", "worker", "", "no"]])
    import_operators(idb, path)
    assert operators(idb)["B1001"]["active"] is False
