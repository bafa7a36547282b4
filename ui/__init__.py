"""The PySide6 station UI. Depends on `app`, never the reverse."""
