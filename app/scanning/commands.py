"""Command barcodes: a worker with a scanner in a gloved hand scans a command instead of reaching for keys.

Printed on the command sheet (`returns-desk scanners sheet commands FILE.pdf`). Code 128, upper case, so
they survive any keyboard layout that types capitals and digits right.
"""

from __future__ import annotations

from enum import StrEnum


class Command(StrEnum):
    NEXT = "CMD-NEXT"  # Enter: confirm the result / continue
    BACK = "CMD-BACK"  # Backspace: back one question
    CANCEL = "CMD-CANCEL"  # Esc: cancel (twice for an item, like the key)
    VOID = "CMD-VOID"  # F8: void the item just finished
    SIGNOUT = "CMD-SIGNOUT"  # F12: sign out
    SETUP = "CMD-SETUP"  # F2: scanner setup wizard
    NOFAULT = "CMD-NOFAULT"  # 0: nothing else wrong (remaining inspection questions pass)
    FLAG = "CMD-FLAG"  # F7: flag the last item for a supervisor


COMMAND_LABELS = {
    Command.NEXT: "Next / confirm (Enter)",
    Command.BACK: "Back one question (Backspace)",
    Command.CANCEL: "Cancel (Esc)",
    Command.VOID: "Void the last item (F8)",
    Command.SIGNOUT: "Sign out (F12)",
    Command.SETUP: "Scanner setup (F2)",
    Command.NOFAULT: "Nothing else wrong (0)",
    Command.FLAG: "Flag the last item for a supervisor (F7)",
}


def command_of(text: str) -> Command | None:
    try:
        return Command(text.upper())
    except ValueError:
        return None
