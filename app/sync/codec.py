"""Rows as JSON (outbox payloads, conflict snapshots) and back, driven by the table's column types."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable, Mapping
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import Date, LargeBinary, Table, Uuid

from app.db.models import UTCDateTime

Convert = Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


def _encoders(table: Table) -> dict[str, Convert]:
    out: dict[str, Convert] = {}
    for column in table.columns:
        kind = column.type
        if isinstance(kind, (UTCDateTime, Date)):
            out[column.name] = lambda v: v.isoformat()
        elif isinstance(kind, Uuid):
            out[column.name] = str
        elif isinstance(kind, LargeBinary):
            out[column.name] = lambda v: base64.b64encode(v).decode("ascii")
        else:
            out[column.name] = _identity
    return out


@cache
def _decoders(table: Table) -> dict[str, Convert]:
    out: dict[str, Convert] = {}
    for column in table.columns:
        kind = column.type
        if isinstance(kind, UTCDateTime):
            out[column.name] = datetime.fromisoformat
        elif isinstance(kind, Date):
            out[column.name] = date.fromisoformat
        elif isinstance(kind, Uuid):
            out[column.name] = uuid.UUID
        elif isinstance(kind, LargeBinary):
            out[column.name] = base64.b64decode
        else:
            out[column.name] = _identity
    return out


_ENCODERS: dict[str, dict[str, Convert]] = {}


def to_json(table: Table, values: Mapping[str, Any], skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    encoders = _ENCODERS.get(table.name)
    if encoders is None:
        encoders = _ENCODERS[table.name] = _encoders(table)
    return {
        name: (None if values[name] is None else convert(values[name]))
        for name, convert in encoders.items()
        if name not in skip and name in values
    }


def from_json(table: Table, data: Mapping[str, Any]) -> dict[str, Any]:
    """Column values for SQLAlchemy from a payload; keys that are not columns are left out."""
    decoders = _decoders(table)
    return {
        name: (None if value is None else decoders[name](value))
        for name, value in data.items()
        if name in decoders
    }


def is_binary(table: Table, name: str) -> bool:
    return isinstance(table.columns[name].type, LargeBinary)
