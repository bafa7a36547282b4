"""CSV imports of master data: the product catalog, RMAs, operators and recall notices (formats in docs/csv-formats.md).

Each file is imported in one unit of work: a bad row raises ImportRowError naming file, row and column and
nothing is written, unless `skip_bad=True`. Re-importing the same file changes nothing.
"""

from app.importing.catalog import CATALOG_FORMAT, import_catalog
from app.importing.csv_reader import ImportFileError, ImportReport
from app.importing.operators import OPERATORS_FORMAT, import_operators
from app.importing.recalls import RECALLS_FORMAT, import_recalls
from app.importing.rmas import RMA_FORMAT, import_rmas

__all__ = [
    "CATALOG_FORMAT",
    "OPERATORS_FORMAT",
    "RECALLS_FORMAT",
    "RMA_FORMAT",
    "ImportFileError",
    "ImportReport",
    "import_catalog",
    "import_operators",
    "import_recalls",
    "import_rmas",
]
