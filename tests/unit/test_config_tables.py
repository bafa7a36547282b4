"""`printers` and `serial_scanners` as TOML tables: the same setup as the string forms, which keep working."""

from __future__ import annotations

import tomllib

import pytest

from app.config import Settings, load_settings
from app.errors import ConfigError
from app.printing.setup import print_setup_from
from app.scanning.ports import SerialSpec, parse_specs

PRINTERS_STRING = "dock=tcp://10.0.0.5:9100?timeout=5&status=no, office=pdf+lp://Office_Laser, files=file:/tmp/rd"
PRINTERS_TABLES = """
label_printer = "dock"
slip_printer = "office"

[printers.dock]
address = "tcp://10.0.0.5:9100"
timeout = 5
status = false

[printers.office]
address = "lp://Office_Laser"
format = "pdf"

[printers]
files = "file:/tmp/rd"
"""


def load(tmp_path, text: str) -> Settings:
    path = tmp_path / "station.toml"
    path.write_text(text, encoding="utf-8")
    return load_settings(env={}, system_file=path, user_file=tmp_path / "none.toml")


def test_printers_as_tables_give_the_same_printers_as_the_string(tmp_path):
    # [printers] after [printers.dock] is not valid TOML; the flat one goes inline instead.
    text = PRINTERS_TABLES.replace('[printers]\nfiles = "file:/tmp/rd"\n', "").replace(
        "[printers.dock]", '[printers]\nfiles = "file:/tmp/rd"\n\n[printers.dock]')
    from_tables = print_setup_from(load(tmp_path, text)).printers
    from_string = print_setup_from(Settings().with_overrides(
        {"printers": PRINTERS_STRING, "label_printer": "dock", "slip_printer": "office"}, "test")).printers
    assert from_tables == from_string
    assert from_tables["dock"].timeout_s == 5 and from_tables["dock"].status_check is False
    assert from_tables["office"].scheme == "lp" and from_tables["office"].format == "pdf"


def test_an_inline_table_of_printers(tmp_path):
    settings = load(tmp_path, 'label_printer = "a"\nslip_printer = "a"\n'
                    'printers = { a = "tcp://printer-a", b = { address = "file:/tmp/b", format = "zpl" } }\n')
    printers = print_setup_from(settings).printers
    assert (printers["a"].target, printers["a"].port) == ("printer-a", 9100)
    assert (printers["b"].scheme, printers["b"].format) == ("file", "zpl")


@pytest.mark.parametrize(("table", "words"), [
    ('{ a = { host = "x" } }', "give its address"),
    ('{ a = { address = "tcp://x", speed = 3 } }', "'speed' is not understood"),
    ('{ a = { address = "lp://Q", timeout = 5 } }', "for tcp:// printers only"),
    ('{ a = { address = "tcp://x", format = "png" } }', "must be zpl or pdf"),
    ('{ a = "tcp://x, b=tcp://y" }', "cannot contain ','"),
    ('{ a = "ftp://x" }', "is not a printer address"),
    ('["tcp://x"]', "write a table of name = address"),
])
def test_a_wrong_printer_table_says_what_to_write(tmp_path, table, words):
    with pytest.raises(ConfigError, match=words) as caught:
        load(tmp_path, f"printers = {table}\n")
    assert "station.toml" in str(caught.value)


def test_serial_scanners_as_a_list_of_tables_or_named_tables(tmp_path):
    as_list = load(tmp_path, 'serial_scanners = [{ port = "usb:0c2e:0b61", baud = 115200, name = "Left" },'
                             ' { port = "/dev/ttyACM0", parity = "E", term = "CRLF" }, "COM3,baud=19200"]\n')
    specs = parse_specs(as_list.serial_scanners)
    assert specs == [SerialSpec(vid=0x0C2E, pid=0x0B61, baud=115200, name="Left"),
                     SerialSpec(path="/dev/ttyACM0", parity="E", terminator="CRLF"),
                     SerialSpec(path="COM3", baud=19200)]
    named = load(tmp_path, '[serial_scanners.Left]\nport = "usb:0c2e:0b61"\nbaud = 115200\n')
    assert parse_specs(named.serial_scanners) == [specs[0]]


def test_the_string_forms_keep_working(tmp_path):
    settings = load(tmp_path, 'serial_scanners = "usb:0c2e:0b61,baud=115200,name=Left"\n'
                              'printers = "dock=tcp://10.0.0.5:9100"\nlabel_printer = "dock"\nslip_printer = "dock"\n')
    assert parse_specs(settings.serial_scanners)[0].baud == 115200
    assert print_setup_from(settings).printers["dock"].target == "10.0.0.5"


@pytest.mark.parametrize(("value", "words"), [
    ('[{ baud = 9600 }]', "with a port"),
    ('[{ port = "COM3", speed = 1 }]', "'speed' is not understood"),
    ('[{ port = "COM3", baud = 12 }]', "baud=12' is not understood"),
    ('[{ port = "COM3", name = "a;b" }]', "cannot contain"),
    ('[{ port = "COM3" }, { port = "COM3" }]', "same name or port"),
])
def test_a_wrong_scanner_table_says_what_to_write(tmp_path, value, words):
    with pytest.raises(ConfigError, match=words):
        load(tmp_path, f"serial_scanners = {value}\n")


def test_other_settings_refuse_a_table(tmp_path):
    with pytest.raises(ConfigError, match="sound.*not a table"):
        load(tmp_path, "sound = { on = true }\n")


def test_min_version_and_fleet_minutes_are_checked():
    assert Settings().with_overrides({"min_version": "1.4.2"}, "t").min_version == "1.4.2"
    with pytest.raises(ConfigError, match="min_version 'new' must be a version like 1.4"):
        Settings().with_overrides({"min_version": "new"}, "t")
    with pytest.raises(ConfigError, match="at least 1 minute"):
        Settings().with_overrides({"fleet_offline_min": 0}, "t")
    assert tomllib.loads('min_version = "2"')  # the file form
