"""Generate the demo master data: resources/demo/{catalog,rmas,operators}.csv.

Deterministic (fixed seed, fixed anchor date): running it again writes the same files. Run from the
repository root: `.venv/bin/python scripts/make_demo_csvs.py` and commit the CSVs.
"""

from __future__ import annotations

import argparse
import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from app.importing.catalog import CATALOG_FORMAT
from app.importing.gtin import check_digit
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


def electronics(rng: random.Random) -> list[Item]:
    items: list[Item] = []

    def add(code: str, desc: str, price: float, vendor: str, weight: int, **flags: bool) -> None:
        sku = f"EL-{code}-{len(items) + 1:04d}"
        items.append(Item(sku, desc, "electronics", price, vendor, serialized=True, weight_g=weight, **flags))

    for model, base in (("X5", 699.0), ("X5 Pro", 949.0), ("Lite 4", 329.0)):
        for storage, extra in (("128GB", 0.0), ("256GB", 120.0)):
            for colour in ("Black", "Blue", "Silver"):
                add(
                    "PHN",
                    f"Voltra {model} smartphone {storage} {colour}",
                    base + extra,
                    "voltra",
                    188,
                    data_bearing=True,
                )
    for model, price, weight in (("Studio ANC", 299.0, 254), ("Buds 2", 129.0, 52), ("Sport", 79.0, 31)):
        for colour in ("Black", "White", "Sand"):
            add("HPH", f"Sonique {model} headphones {colour}", price, "sonique", weight)
    for model, base in (("Tab 10", 279.0), ("Tab 11 Pro", 549.0)):
        for storage, extra in (("64GB", 0.0), ("128GB", 60.0), ("256GB", 150.0)):
            for conn in ("Wi-Fi", "LTE"):
                add(
                    "TAB",
                    f"Tabula {model} tablet {storage} {conn}",
                    base + extra + (100 if conn == "LTE" else 0),
                    "tabula",
                    478,
                    data_bearing=True,
                )
    for model, base in (("Air 13", 899.0), ("14", 1099.0), ("15 Pro", 1599.0)):
        for spec, extra in (("16GB/512GB", 0.0), ("32GB/1TB", 400.0)):
            add("LAP", f"Northbook {model} laptop {spec}", base + extra, "northbook", 1450, data_bearing=True)
    for model, price in (("Reader 6", 119.0), ("Reader 7 Color", 199.0)):
        for colour in ("Black", "Sage"):
            add("ERD", f"Tabula {model} e-reader {colour}", price, "tabula", 190, data_bearing=True)
    for model, price in (("Home mini", 49.0), ("Home max", 199.0)):
        for colour in ("Charcoal", "Chalk"):
            add("SPK", f"Sonique {model} smart speaker {colour}", price, "sonique", 900)
    for model, price in (("Fit 3", 149.0), ("Watch S", 299.0)):
        for size in ("41mm", "45mm"):
            for colour in ("Graphite", "Rose"):
                add(
                    "WCH",
                    f"Pulse {model} smart watch {size} {colour}",
                    price + (30 if size == "45mm" else 0),
                    "pulse",
                    42,
                )
    for cap, price in (("10000mAh", 29.99), ("20000mAh", 49.99), ("26800mAh PD 100W", 89.99)):
        # Lithium: shipped and stored as dangerous goods; not serialized.
        items.append(
            Item(
                f"EL-PWB-{len(items) + 1:04d}",
                f"ChargeCo power bank {cap}",
                "electronics",
                price,
                "chargeco",
                hazmat=True,
                weight_g=380,
            )
        )
    for volt, price in (("36V 10.4Ah", 389.0), ("48V 13Ah", 529.0)):
        add("BAT", f"Zipline e-scooter replacement battery {volt}", price, "zipline", 3900, hazmat=True)
    add("SCO", "Zipline Urban e-scooter 25 km/h", 649.0, "zipline", 14200, hazmat=True)
    for desc, price in (
        ("USB-C cable 1m", 12.99),
        ("USB-C cable ^XA~JA 2m", 15.99),
        ("HDMI 2.1 cable 2m", 19.99),
    ):
        # The second description holds ZPL control text on purpose: labels must escape it.
        items.append(
            Item(f"EL-CBL-{len(items) + 1:04d}", desc, "electronics", price, "linkwire", weight_g=60)
        )
    return items


def apparel(rng: random.Random) -> list[Item]:
    items: list[Item] = []

    def add(code: str, desc: str, price: float, vendor: str, weight: int) -> None:
        items.append(Item(f"AP-{code}-{len(items) + 1:04d}", desc, "apparel", price, vendor, weight_g=weight))

    for model, price in (("Trail rain jacket", 189.0), ("Down jacket", 249.0), ("Fleece jacket", 79.0)):
        for colour in ("Navy", "Olive"):
            for size in ("S", "M", "L", "XL"):
                add("JKT", f"Fjellstad {model} {colour} size {size}", price, "fjellstad", 620)
    for fit in ("Slim", "Straight"):
        for wash in ("Dark", "Stone"):
            for waist, length in ((30, 32), (32, 32), (34, 32), (36, 34)):
                add("JNS", f"Indigo Mills {fit} jeans {wash} W{waist} L{length}", 89.95, "indigo", 650)
    for model, price in (
        ("Road running shoe", 139.0),
        ("Leather sneaker", 119.0),
        ("Trail hiking boot", 169.0),
    ):
        for size in range(39, 46):
            add("SHO", f"Stride {model} EU {size}", price, "stride", 780)
    return items


def small_appliances(rng: random.Random) -> list[Item]:
    items: list[Item] = []

    def add(code: str, desc: str, price: float, vendor: str, weight: int, serialized: bool) -> None:
        items.append(
            Item(
                f"SA-{code}-{len(items) + 1:04d}",
                desc,
                "small_appliances",
                price,
                vendor,
                serialized=serialized,
                weight_g=weight,
            )
        )

    for desc, price in (
        ("Kettle 1.7L stainless", 49.99),
        ("Kettle 1.7L glass variable temp", 69.99),
        ("Travel kettle 0.5L", 29.99),
    ):
        for colour in ("Black", "White"):
            add("KTL", f"Brewmaster {desc} {colour}", price, "brewmaster", 1100, False)
    for desc, price in (
        ("Drip coffee maker 10-cup", 79.99),
        ("Espresso machine 15 bar", 299.0),
        ("Bean-to-cup coffee machine", 649.0),
    ):
        add("COF", f"Brewmaster {desc}", price, "brewmaster", 5200, price > 100)
    for desc, price in (
        ("Personal blender 600W", 39.99),
        ("High-speed blender 1500W", 179.0),
        ("Hand blender set", 59.99),
    ):
        for colour in ("Black", "Red"):
            add("BLN", f"Kitcha {desc} {colour}", price, "kitcha", 2400, price > 100)
    for size, price in (("3.5L", 89.99), ("5.5L", 129.99), ("9L dual basket", 199.0)):
        for colour in ("Black", "Cream"):
            add("AFR", f"Kitcha air fryer {size} {colour}", price, "kitcha", 5600, price > 100)
    for desc, price in (("Toaster 2-slice", 39.99), ("Toaster 4-slice", 59.99)):
        for colour in ("Black", "Cream"):
            add("TST", f"Brewmaster {desc} {colour}", price, "brewmaster", 1900, False)
    for desc, price in (("Steam iron 2600W", 49.99), ("Garment steamer", 69.99)):
        add("IRN", f"Kitcha {desc}", price, "kitcha", 1400, False)
    for desc, price in (
        ("Cordless stick vacuum", 349.0),
        ("Robot vacuum with mop", 499.0),
        ("Bagless cylinder vacuum", 159.0),
        ("Handheld vacuum", 79.99),
    ):
        add("VAC", f"Cyclone {desc}", price, "cyclone", 3200, price > 100)
    return items


def general(rng: random.Random) -> list[Item]:
    items: list[Item] = []

    def add(code: str, desc: str, price: float, vendor: str, weight: int) -> None:
        items.append(Item(f"GM-{code}-{len(items) + 1:04d}", desc, "general", price, vendor, weight_g=weight))

    for desc, price in (
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
    ):
        add("TOY", f"Playfield {desc}", price, "playfield", 900)
    for desc, price in (
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
    ):
        add("KIT", f"Cookwell {desc}", price, "cookwell", 1500)
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
        add(
            "BK",
            f"Paperleaf book: {title} (paperback)",
            round(rng.uniform(9, 32), 0) - 0.01,
            "paperleaf",
            420,
        )
    for desc, price in (
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
    ):
        add("SPO", f"Summit {desc}", price, "summit", 1800)
    # A spreadsheet formula as a description on purpose: exports must not let it run.
    add("GFT", '=HYPERLINK("https://example.invalid","Gift box")', 9.99, "playfield", 200)
    return items


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
