"""Generate the demo master data: resources/demo/{catalog,rmas,operators}.csv.

Deterministic (fixed seed, fixed anchor date): running it again writes the same files. Run from the
repository root: `.venv/bin/python scripts/make_demo_csvs.py` and commit the CSVs.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from app.domain.codes import check_digit
from app.importing.catalog import CATALOG_FORMAT
from app.importing.rmas import RMA_FORMAT

SEED = 20261120
# Order dates are computed back from this day, so the demo looks the same whenever it is loaded.
ANCHOR = date(2026, 11, 20)

# The importers own the formats; the demo leaves out the optional `expected_lot` (no GS1 lots in the demo).
CATALOG_HEADER = list(CATALOG_FORMAT.columns)
RMA_HEADER = [column for column in RMA_FORMAT.columns if column != "expected_lot"]


@dataclass(frozen=True)
class Vendor:
    name: str
    company_prefix: str  # GS1 company prefix (7 digits) the vendor's GTIN-13s start with
    rtv: bool
    warranty_days: int


VENDORS = {
    "voltra": Vendor("Voltra Mobile", "4260731", True, 730),
    "sonique": Vendor("Sonique Audio", "5712406", True, 365),
    "tabula": Vendor("Tabula Devices", "4058172", True, 730),
    "northbook": Vendor("Northbook Computers", "8713294", True, 730),
    "pulse": Vendor("Pulse Wearables", "5060584", False, 365),
    "chargeco": Vendor("ChargeCo", "6971236", False, 365),
    "zipline": Vendor("Zipline Mobility", "4251802", True, 730),
    "linkwire": Vendor("Linkwire Accessories", "6923451", False, 0),
    "fjellstad": Vendor("Fjellstad Outdoor", "7045218", False, 0),
    "indigo": Vendor("Indigo Mills", "8054217", False, 0),
    "stride": Vendor("Stride Footwear", "5901764", False, 0),
    "brewmaster": Vendor("Brewmaster Home", "4009835", True, 730),
    "kitcha": Vendor("Kitcha Appliances", "8710103", True, 730),
    "cyclone": Vendor("Cyclone Clean", "5025232", True, 730),
    "playfield": Vendor("Playfield Toys", "5010993", False, 0),
    "cookwell": Vendor("Cookwell", "4006543", False, 0),
    "paperleaf": Vendor("Paperleaf Books", "9781406", False, 0),
    "summit": Vendor("Summit Sports", "8436032", False, 0),
}


@dataclass(frozen=True)
class Item:
    sku: str
    description: str
    category: str
    price: float
    vendor: str
    serialized: bool = False
    hazmat: bool = False
    data_bearing: bool = False
    weight_g: int = 0


# One axis of a product family: (label, price it adds). The labels fill the family's description template.
Options = Sequence[tuple[str, float]]


def plain(*labels: str) -> Options:
    """Options that do not change the price (colours, sizes)."""
    return tuple((label, 0.0) for label in labels)


@dataclass
class Shelf:
    """The items of one category; the SKU's last part numbers them in the order they are added."""

    prefix: str
    category: str
    serialized: bool = False  # the default for the category's items
    items: list[Item] = field(default_factory=list)

    def add(self, code: str, desc: str, price: float, vendor: str, weight: int, **flags: bool) -> None:
        flags.setdefault("serialized", self.serialized)
        sku = f"{self.prefix}-{code}-{len(self.items) + 1:04d}"
        self.items.append(Item(sku, desc, self.category, price, vendor, weight_g=weight, **flags))

    def family(
        self,
        code: str,
        template: str,
        vendor: str,
        weight: int,
        axes: Sequence[Options],
        *,
        serialized_above: float | None = None,
        **flags: bool,
    ) -> None:
        """One item per combination of options (the last axis varies fastest), priced at the sum of theirs.

        With `serialized_above`, units that cost more than that are serialized (appliances worth tracking).
        """
        for picks in itertools.product(*axes):
            price = sum(extra for _, extra in picks)
            if serialized_above is not None:
                flags["serialized"] = price > serialized_above
            self.add(code, template.format(*(label for label, _ in picks)), price, vendor, weight, **flags)


def electronics(rng: random.Random) -> list[Item]:
    shelf = Shelf("EL", "electronics", serialized=True)
    phones = (("X5", 699.0), ("X5 Pro", 949.0), ("Lite 4", 329.0))
    storage = (("128GB", 0.0), ("256GB", 120.0))
    shelf.family(
        "PHN", "Voltra {} smartphone {} {}", "voltra", 188,
        (phones, storage, plain("Black", "Blue", "Silver")), data_bearing=True,
    )
    for model, price, weight in (("Studio ANC", 299.0, 254), ("Buds 2", 129.0, 52), ("Sport", 79.0, 31)):
        shelf.family(
            "HPH", "Sonique {} headphones {}", "sonique", weight, (((model, price),), plain("Black", "White", "Sand"))
        )
    tablets = (("Tab 10", 279.0), ("Tab 11 Pro", 549.0))
    tablet_storage = (("64GB", 0.0), ("128GB", 60.0), ("256GB", 150.0))
    shelf.family(
        "TAB", "Tabula {} tablet {} {}", "tabula", 478,
        (tablets, tablet_storage, (("Wi-Fi", 0.0), ("LTE", 100.0))), data_bearing=True,
    )
    laptops = (("Air 13", 899.0), ("14", 1099.0), ("15 Pro", 1599.0))
    specs = (("16GB/512GB", 0.0), ("32GB/1TB", 400.0))
    shelf.family("LAP", "Northbook {} laptop {}", "northbook", 1450, (laptops, specs), data_bearing=True)
    readers = (("Reader 6", 119.0), ("Reader 7 Color", 199.0))
    shelf.family("ERD", "Tabula {} e-reader {}", "tabula", 190, (readers, plain("Black", "Sage")), data_bearing=True)
    speakers = (("Home mini", 49.0), ("Home max", 199.0))
    shelf.family("SPK", "Sonique {} smart speaker {}", "sonique", 900, (speakers, plain("Charcoal", "Chalk")))
    watches = (("Fit 3", 149.0), ("Watch S", 299.0))
    shelf.family(
        "WCH", "Pulse {} smart watch {} {}", "pulse", 42,
        (watches, (("41mm", 0.0), ("45mm", 30.0)), plain("Graphite", "Rose")),
    )
    # Lithium: shipped and stored as dangerous goods; power banks are not serialized.
    banks = (("10000mAh", 29.99), ("20000mAh", 49.99), ("26800mAh PD 100W", 89.99))
    shelf.family("PWB", "ChargeCo power bank {}", "chargeco", 380, (banks,), serialized=False, hazmat=True)
    batteries = (("36V 10.4Ah", 389.0), ("48V 13Ah", 529.0))
    shelf.family("BAT", "Zipline e-scooter replacement battery {}", "zipline", 3900, (batteries,), hazmat=True)
    shelf.add("SCO", "Zipline Urban e-scooter 25 km/h", 649.0, "zipline", 14200, hazmat=True)
    # The second description holds ZPL control text on purpose: labels must escape it.
    cables = (("USB-C cable 1m", 12.99), ("USB-C cable ^XA~JA 2m", 15.99), ("HDMI 2.1 cable 2m", 19.99))
    shelf.family("CBL", "{}", "linkwire", 60, (cables,), serialized=False)
    return shelf.items


def apparel(rng: random.Random) -> list[Item]:
    shelf = Shelf("AP", "apparel")
    jackets = (("Trail rain jacket", 189.0), ("Down jacket", 249.0), ("Fleece jacket", 79.0))
    shelf.family(
        "JKT", "Fjellstad {} {} size {}", "fjellstad", 620,
        (jackets, plain("Navy", "Olive"), plain("S", "M", "L", "XL")),
    )
    shelf.family(
        "JNS", "Indigo Mills {} jeans {} {}", "indigo", 650,
        ((("Slim", 89.95), ("Straight", 89.95)), plain("Dark", "Stone"),
         plain("W30 L32", "W32 L32", "W34 L32", "W36 L34")),
    )
    shoes = (("Road running shoe", 139.0), ("Leather sneaker", 119.0), ("Trail hiking boot", 169.0))
    shelf.family("SHO", "Stride {} EU {}", "stride", 780, (shoes, plain(*(str(size) for size in range(39, 46)))))
    return shelf.items


def small_appliances(rng: random.Random) -> list[Item]:
    shelf = Shelf("SA", "small_appliances")

    def family(code: str, template: str, vendor: str, weight: int, axes: Sequence[Options]) -> None:
        shelf.family(code, template, vendor, weight, axes, serialized_above=100)

    kettles = (
        ("Kettle 1.7L stainless", 49.99),
        ("Kettle 1.7L glass variable temp", 69.99),
        ("Travel kettle 0.5L", 29.99),
    )
    family("KTL", "Brewmaster {} {}", "brewmaster", 1100, (kettles, plain("Black", "White")))
    coffee = (
        ("Drip coffee maker 10-cup", 79.99),
        ("Espresso machine 15 bar", 299.0),
        ("Bean-to-cup coffee machine", 649.0),
    )
    family("COF", "Brewmaster {}", "brewmaster", 5200, (coffee,))
    blenders = (("Personal blender 600W", 39.99), ("High-speed blender 1500W", 179.0), ("Hand blender set", 59.99))
    family("BLN", "Kitcha {} {}", "kitcha", 2400, (blenders, plain("Black", "Red")))
    fryers = (("3.5L", 89.99), ("5.5L", 129.99), ("9L dual basket", 199.0))
    family("AFR", "Kitcha air fryer {} {}", "kitcha", 5600, (fryers, plain("Black", "Cream")))
    toasters = (("Toaster 2-slice", 39.99), ("Toaster 4-slice", 59.99))
    family("TST", "Brewmaster {} {}", "brewmaster", 1900, (toasters, plain("Black", "Cream")))
    family("IRN", "Kitcha {}", "kitcha", 1400, ((("Steam iron 2600W", 49.99), ("Garment steamer", 69.99)),))
    vacuums = (
        ("Cordless stick vacuum", 349.0),
        ("Robot vacuum with mop", 499.0),
        ("Bagless cylinder vacuum", 159.0),
        ("Handheld vacuum", 79.99),
    )
    family("VAC", "Cyclone {}", "cyclone", 3200, (vacuums,))
    return shelf.items


def general(rng: random.Random) -> list[Item]:
    shelf = Shelf("GM", "general")
    toys = (
        ("Wooden train set 40 pcs", 49.99),
        ("Building bricks starter box 500 pcs", 34.99),
        ('Puzzle "World Map", 1000 pcs', 19.99),
        ("Plush bear 30 cm", 14.99),
        ("RC off-road car 1:16", 59.99),
        ("Board game Harbour Masters", 39.99),
        ("Marble run 120 pcs", 44.99),
        ("Doll house with furniture", 89.99),
        ("Kids' art set 68 pcs", 24.99),
        ("Card game Fox & Hound", 12.99),
    )
    shelf.family("TOY", "Playfield {}", "playfield", 900, (toys,))
    kitchen = (
        ("Non-stick frying pan 28 cm", 39.99),
        ("Chef's knife 20 cm", 49.99),
        ("Cast iron casserole 4.7L", 129.0),
        ("Glass food containers set of 5", 29.99),
        ("Stainless steel saucepan set 3 pcs", 89.99),
        ("Silicone baking mat", 12.99),
        ("Digital kitchen scale", 19.99),
        ("Knife block set 6 pcs", 119.0),
        ("Cutting board bamboo large", 24.99),
        ("Stand mixer bowl 5L", 34.99),
    )
    shelf.family("KIT", "Cookwell {}", "cookwell", 1500, (kitchen,))
    titles = (
        "The Quiet Harbour",
        "Returns and Reverse Flows",
        "A Field Guide to Birds",
        "Cooking with Five Things",
        "The Night Train",
        "Learning Python the Steady Way",
        "Mountains of the North",
        "Stories for Small Ones",
        "The Lighthouse Keeper",
        "Bread Every Day",
        "Small Gardens",
        "A History of the Container",
        "The Long Shift",
        "Knots and Splices",
        "Weekend Walks",
        "The Tidy Warehouse",
    )
    for title in titles:
        price = round(rng.uniform(9, 32), 0) - 0.01
        shelf.add("BK", f"Paperleaf book: {title} (paperback)", price, "paperleaf", 420)
    sports = (
        ("Yoga mat 6 mm", 29.99),
        ("Adjustable dumbbells 2x 12 kg", 149.0),
        ("Tennis racket Pro Tour", 179.0),
        ("Football size 5", 24.99),
        ("Cycling helmet M", 69.99),
        ("Camping tent 2-person", 139.0),
        ("Sleeping bag -5 °C", 99.0),
        ("Trekking poles pair", 59.99),
        ("Basketball size 7", 29.99),
        ("Resistance bands set", 19.99),
    )
    shelf.family("SPO", "Summit {}", "summit", 1800, (sports,))
    # A spreadsheet formula as a description on purpose: exports must not let it run.
    shelf.add("GFT", '=HYPERLINK("https://example.invalid","Gift box")', 9.99, "playfield", 200)
    return shelf.items


def gtin13(prefix: str, item_ref: int) -> str:
    payload = f"{prefix}{item_ref:05d}"[:12]
    return payload + check_digit(payload)


def make_catalog(rng: random.Random) -> list[Item]:
    return electronics(rng) + apparel(rng) + small_appliances(rng) + general(rng)


def catalog_rows(items: list[Item], rng: random.Random) -> list[list[str]]:
    next_ref: dict[str, int] = {}
    rows = []
    for item in items:
        vendor = VENDORS[item.vendor]
        ref = next_ref.get(item.vendor, rng.randrange(100, 900) * 10)
        next_ref[item.vendor] = ref + rng.randrange(1, 7)
        # Paperleaf's prefix starts with 978: its GTINs are ISBN-13s, as on real books.
        gtin = gtin13(vendor.company_prefix, ref)
        rows.append(
            [
                item.sku,
                gtin if rng.random() > 0.03 else "",  # a few products have no barcode on file
                item.description,
                item.category,
                f"{item.price:.2f}",
                vendor.name,
                "yes" if vendor.rtv else "no",
                str(vendor.warranty_days),
                "yes" if item.serialized else "no",
                "yes" if item.hazmat else "no",
                "yes" if item.data_bearing else "no",
                str(item.weight_g) if item.weight_g else "",
            ]
        )
    return rows


CLAIMED_BY_CATEGORY = {
    "electronics": {
        "defective": 30,
        "changed_mind": 20,
        "not_as_described": 12,
        "arrived_damaged": 10,
        "better_price": 8,
        "missing_parts": 8,
        "wrong_item_sent": 6,
        "late_delivery": 6,
    },
    "apparel": {
        "wrong_size": 55,
        "changed_mind": 20,
        "not_as_described": 12,
        "defective": 5,
        "wrong_item_sent": 5,
        "late_delivery": 3,
    },
    "small_appliances": {
        "defective": 30,
        "changed_mind": 20,
        "arrived_damaged": 15,
        "missing_parts": 10,
        "not_as_described": 10,
        "better_price": 10,
        "wrong_item_sent": 5,
    },
    "general": {
        "changed_mind": 40,
        "arrived_damaged": 15,
        "not_as_described": 15,
        "missing_parts": 10,
        "wrong_item_sent": 10,
        "late_delivery": 10,
    },
}


def serial(rng: random.Random) -> str:
    return "SN" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(8))


def rma_rows(items: list[Item], rng: random.Random, count: int = 60) -> list[list[str]]:
    rows = []
    for n in range(count):
        # Most returns arrive inside the 30-day window; about one in six comes late.
        age = rng.randint(10, 28) if rng.random() < 0.83 else rng.randint(35, 60)
        order_date = ANCHOR - timedelta(days=age)
        header = [
            f"RMA{100001 + n}",
            f"SO-{rng.randrange(4_000_000, 4_999_999)}",
            f"C{rng.randrange(100000, 999999)}",
            order_date.isoformat(),
            "30",
        ]
        n_lines = rng.choices((1, 2, 3), weights=(70, 20, 10))[0]
        for line_no, item in enumerate(rng.sample(items, n_lines), start=1):
            reasons = CLAIMED_BY_CATEGORY[item.category]
            reason = rng.choices(list(reasons), weights=list(reasons.values()))[0]
            qty = 1 if item.serialized or rng.random() < 0.85 else 2
            rows.append(
                header + [str(line_no), item.sku, str(qty), serial(rng) if item.serialized else "", reason]
            )
    return rows


OPERATOR_ROWS = [
    # Plain PINs for the demo only; real files carry hashes (app.security.hash_pin). Hashed on import.
    ["B1001", "Dana Worker", "worker", "1111"],
    ["B2001", "Sam Supervisor", "supervisor", "2222"],
    ["B9001", "Alex Admin", "admin", "9999"],
]


def write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("resources/demo"), help="output folder")
    args = parser.parse_args()
    rng = random.Random(SEED)
    items = make_catalog(rng)
    write(args.out / "catalog.csv", CATALOG_HEADER, catalog_rows(items, rng))
    write(args.out / "rmas.csv", RMA_HEADER, rma_rows(items, rng))
    write(args.out / "operators.csv", ["badge", "name", "role", "pin"], OPERATOR_ROWS)
    print(f"wrote {len(items)} products, 60 RMAs, {len(OPERATOR_ROWS)} operators to {args.out}")


if __name__ == "__main__":
    main()
