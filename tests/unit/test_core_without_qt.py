"""The core never imports Qt (Anki's pylib/aqt split): checked in a clean interpreter."""

from __future__ import annotations

import subprocess
import sys

CORE_MODULES = ["app", "app.cli", "app.services.desk", "app.demo_history", "app.db.migrate",
                "app.scanning.wedge", "app.scanning.classify", "app.importing.catalog"]


def test_importing_the_core_loads_no_qt_module():
    code = (
        "import importlib, sys\n"
        f"for name in {CORE_MODULES!r}: importlib.import_module(name)\n"
        "qt = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(','.join(qt))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
