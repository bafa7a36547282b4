"""The status words of records, print jobs and totes, as one enum each.

StrEnum members are the strings stored in the database (`ItemStatus.FINAL == "final"`), so rows read back as
plain strings compare equal to them, and JSON payloads carry the same words.
"""

from __future__ import annotations

from enum import StrEnum


class ItemStatus(StrEnum):
    """A return item: a draft while the checklist is open, final once confirmed, voided with a reason."""

    DRAFT = "draft"
    FINAL = "final"
    VOIDED = "voided"


class JobStatus(StrEnum):
    """A print job: queued, claimed by a print loop (printing), on its way to the printer (sending), waiting for a
    retry after a failure, unsure (the app stopped while sending: a person checks the printer), printed, or
    cancelled."""

    QUEUED = "queued"
    PRINTING = "printing"
    SENDING = "sending"
    WAITING = "waiting"
    UNSURE = "unsure"
    DONE = "done"
    CANCELLED = "cancelled"


class ContainerStatus(StrEnum):
    """A tote (the `container` table): open until closed with its manifest."""

    OPEN = "open"
    CLOSED = "closed"


# Items the central database receives: drafts stay on the station.
PUSHED_ITEM_STATUSES = frozenset({ItemStatus.FINAL, ItemStatus.VOIDED})
# Jobs not sent yet that the print loop may claim; a job being sent is PRINTING.
JOB_WAITING = (JobStatus.QUEUED, JobStatus.WAITING)
# Jobs not printed yet (the queue's "in progress"), and the ones that are history. An unsure job is pending
# until a person says whether it printed.
JOB_PENDING = (*JOB_WAITING, JobStatus.PRINTING, JobStatus.SENDING, JobStatus.UNSURE)
JOB_FINISHED = (JobStatus.DONE, JobStatus.CANCELLED)
