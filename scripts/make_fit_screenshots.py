"""Save every station screen at 1024×768 and 1920×1080 as docs/screenshots/fit/<screen>-<size>.png (offscreen).

The screens are reached and measured by tests/ui/test_screen_fit.py (the real window on a real SQLite file
with the demo data); this runs that test with FIT_SCREENSHOTS set, so a picture and the fit check always show
the same screen. Run: `.venv/bin/python scripts/make_fit_screenshots.py`; it says which screens do not fit.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots" / "fit"


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["FIT_SCREENSHOTS"] = str(OUT)
    OUT.mkdir(parents=True, exist_ok=True)
    os.chdir(ROOT)  # the project's pytest settings (pyproject.toml)
    code = pytest.main(["-q", "-p", "no:cacheprovider", "tests/ui/test_screen_fit.py",
                        "-k", "test_screen_fits_without_cutting_text"])
    print(f"screenshots written to {OUT}")
    return int(code)


if __name__ == "__main__":
    sys.exit(main())
