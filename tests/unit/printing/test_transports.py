"""Printer addresses from the settings, the file printer, and the lp printer's clear errors."""

from __future__ import annotations

import pytest

from app.errors import ConfigError, PrintError
from app.printing.setup import load_routing, print_setup
from app.printing.transports import FileTransport, LpTransport, parse_printer, parse_printers
from tests.printer_server import zebra_status


def test_printer_specs():
    zebra = parse_printer("zebra", "tcp://10.0.0.5?timeout=2&status=no")
    assert (zebra.scheme, zebra.target, zebra.port, zebra.format, zebra.timeout_s, zebra.status_check) == (
        "tcp", "10.0.0.5", 9100, "zpl", 2.0, False)
    assert parse_printer("o", "lp://Office_Laser").format == "pdf"
    assert parse_printer("z", "zpl+lp://Zebra_Raw").format == "zpl"
    folder = parse_printer("f", "file:/tmp/labels")
    assert (folder.scheme, folder.target, folder.format) == ("file", "/tmp/labels", "pdf")
    assert set(parse_printers("a=tcp://h:9101, b=file:/x")) == {"a", "b"}


@pytest.mark.parametrize("bad", ["10.0.0.5", "http://x", "tcp://", "a=b=c"])
def test_bad_printer_spec_says_how_to_write_one(bad):
    with pytest.raises(ConfigError, match="tcp://HOST:9100"):
        parse_printers(f"zebra={bad}" if "=" not in bad else bad.replace("a=", "zebra="))


def test_station_printers_must_exist():
    with pytest.raises(ConfigError, match="label_printer 'zebra' is not one of the printers"):
        print_setup("files=file:/tmp/x", "zebra", "files")
    with pytest.raises(ConfigError, match="2x1 or 4x6"):
        print_setup("files=file:/tmp/x", "files", "files", label_size="3x2")


def test_stock_settings_are_checked_at_start_and_built_like_the_layout():
    """The setup checks the stock settings without the layout (start-up, issue 12); the names it accepts are the
    layout's, every bad one refused with the layout's own words, and the stock it builds is the layout's."""
    from app.printing import layout, setup

    assert set(setup.LABEL_SIZE_NAMES) == set(layout.LABEL_SIZES)
    assert set(setup.SLIP_FORMAT_NAMES) == set(layout.SLIP_SIZES)
    assert set(setup.STOCK_DPIS) == set(layout.DPIS)
    for size, dpi, fmt in (("3x2", 203, "4x6"), ("2x1", 600, "4x6"), ("2x1", 203, "A4")):
        with pytest.raises(ConfigError) as by_setup:
            print_setup("files=file:/tmp/x", "files", "files", label_size=size, label_dpi=dpi, slip_format=fmt)
        with pytest.raises(ConfigError) as by_layout:
            layout.label_stock(size, dpi)
            layout.slip_stock(fmt, dpi)
        assert str(by_setup.value) == str(by_layout.value)
    built = print_setup("files=file:/tmp/x", "files", "files", label_size="4x6", label_dpi=300, slip_format="A6",
                        zpl_unicode_font="E:TT0003M_.TTF")
    assert built.label == layout.label_stock("4x6", 300, "E:TT0003M_.TTF")
    assert built.slip == layout.slip_stock("A6", 300, "E:TT0003M_.TTF")
    assert built.label is built.label  # built once


def test_file_printer_writes_whole_files(tmp_path):
    FileTransport(parse_printer("f", f"zpl+file:{tmp_path}")).send(b"^XA^XZ", "label-LP-1")
    assert (tmp_path / "label-LP-1.zpl").read_bytes() == b"^XA^XZ"
    assert not list(tmp_path.glob("*.part"))


def test_lp_printer_without_cups_says_so(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)
    with pytest.raises(PrintError, match="CUPS"):
        LpTransport(parse_printer("o", "lp://Office")).send(b"%PDF", "slip")


def test_routing_table_covers_every_disposition_and_vendor_is_filled_in(tmp_path):
    from app.domain.vocab import Disposition

    routing = load_routing()
    assert set(routing) == {d.value for d in Disposition}
    assert routing["rtv"].where("Voltra Mobile") == "RTV cage - Voltra Mobile"
    bad = tmp_path / "routing.toml"
    bad.write_text('[restok]\nkind = "bay"\ndestination = "x"\n')
    with pytest.raises(ConfigError, match=r"\[restok\] is not a disposition"):
        load_routing(bad)


def test_zebra_status_flags_are_read():
    from app.errors import PrinterUnavailable
    from app.printing.transports import check_status

    check_status(zebra_status(), "zebra")
    with pytest.raises(PrinterUnavailable, match="out of paper"):
        check_status(zebra_status(paper_out=True), "zebra")
    with pytest.raises(PrinterUnavailable, match="head open"):
        check_status(zebra_status(head_open=True), "zebra")


def test_station_settings_build_the_print_setup(tmp_path):
    from app.config import Settings
    from app.printing.setup import print_setup_from

    setup = print_setup_from(Settings(printers=f"z=tcp://10.0.0.9, o=lp://Office, f=file:{tmp_path}",
                                      label_printer="z", slip_printer="o", label_size="4x6", label_dpi=300,
                                      slip_format="Letter"))
    assert (setup.label.width, setup.label.height) == (1200, 1800)
    assert setup.slip.name == "Letter" and setup.printer("o").scheme == "lp"
    with pytest.raises(ConfigError, match="slip_printer 'office'"):
        print_setup_from(Settings(printers="z=tcp://10.0.0.9", label_printer="z", slip_printer="office"))
