"""Serial scanner specs, port resolution by VID/PID, and cutting a byte stream into scans."""

from __future__ import annotations

import pytest

from app.config import Settings
from app.errors import ConfigError
from app.scanning.ports import PortInfo, SerialSpec, parse_spec, parse_specs, resolve
from app.scanning.serial_reader import LineSplitter

PORTS = [
    PortInfo("/dev/ttyACM0", 0x0C2E, 0x0B61, "A1", "Honeywell 1902", "Honeywell"),
    PortInfo("/dev/ttyACM1", 0x0C2E, 0x0B61, "B2", "Honeywell 1902", "Honeywell"),
    PortInfo("/dev/ttyS0", None, None, None, "n/a", None),
]


def test_specs_by_usb_ids_and_by_path():
    spec = parse_spec("usb:0c2e:0b61:B2,baud=115200,parity=e,term=crlf,name=Right")
    assert spec == SerialSpec(vid=0x0C2E, pid=0x0B61, serial_number="B2", baud=115200, parity="E",
                              terminator="CRLF", name="Right")
    assert resolve(spec, PORTS) == "/dev/ttyACM1"
    assert resolve(parse_spec("usb:0c2e:0b61"), PORTS) == "/dev/ttyACM0"
    assert resolve(parse_spec("usb:05e0:1200"), PORTS) is None  # unplugged
    assert parse_spec("COM3").path == "COM3"
    assert PORTS[1].spec_text() == "usb:0c2e:0b61:B2"


@pytest.mark.parametrize(("text", "words"), [
    ("usb:0c2e:0b61,speed=9600", "'speed=9600' is not understood"),
    (",baud=9600", "say which port"),
    ("usb:0c2e:0b61;usb:0c2e:0b61", "same name or port"),
    ("/dev/ttyACM0,parity=X", "not understood"),
])
def test_bad_specs_say_what_to_write(text, words):
    with pytest.raises(ConfigError) as info:
        parse_specs(text)
    assert words in str(info.value)


def test_settings_refuse_a_bad_spec_naming_the_source():
    with pytest.raises(ConfigError) as info:
        Settings().with_overrides({"serial_scanners": "usb:zz"}, "station.toml")
    assert str(info.value).startswith("station.toml: serial_scanners")


def test_splitter_never_splits_or_merges_however_bytes_are_chunked():
    stream = b"4006381333931\r\n]C1010400638133393110LOT42\x1d21SN\r\nRMA100001\r"
    for size in (1, 2, 3, 7, 64):
        splitter = LineSplitter("ANY")
        lines = [line for i in range(0, len(stream), size) for line in splitter.feed(stream[i:i + size])]
        assert lines == ["4006381333931", "]C1010400638133393110LOT42\x1d21SN", "RMA100001"]
        assert splitter.pending == b""
    etx = LineSplitter("ETX")
    assert etx.feed(b"AB\x03C") == ["AB"] and etx.take_pending() == "C"
    assert LineSplitter("CR").feed(b"\xe0\xe0\r") == ["àà"]  # not UTF-8: read as Latin-1, never dropped
