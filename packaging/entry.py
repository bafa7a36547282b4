"""Entry script of the bundle (PyInstaller): the same `returns-desk` command as the source install.

With RETURNS_DESK_EXIT_WHEN_READY=1 the window quits itself as soon as it is scan-ready and prints
`ready <unix time>` on stdout (ui/main.py `exit_when_ready`, the one probe for source and bundle): the artefact
smoke test and bench/bench_bundle.py start the real binary this way, as qutebrowser's release smoke test does.
"""

from __future__ import annotations

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
