"""Code 128 and GS1-128 symbols: one encoding (python-barcode's) for the ZPL, PDF and PNG outputs.

The symbol's code values are translated into ZPL subset invocation codes, so the printer draws exactly the
bars the PDF and the preview show, and the module width is a whole number of printer dots.
"""

from __future__ import annotations

from dataclasses import dataclass

from barcode.codex import Code128, Gs1_128

from app.errors import PrintError

QUIET_MODULES = 10  # Code 128 needs a quiet zone of ten modules on each side
MIN_MODULE_DOTS = 2  # narrower bars do not scan reliably off a thermal printer (~10 mil at 203 dpi)
MAX_MODULE_DOTS = 4

# Special code values (ISO/IEC 15417).
_START = {103: "A", 104: "B", 105: "C"}
_FNC1 = 102
_SWITCH = {"A": {99: "C", 100: "B"}, "B": {99: "C", 101: "A"}, "C": {100: "B", 101: "A"}}
_ZPL_START = {"A": ">9", "B": ">:", "C": ">;"}
_ZPL_SWITCH = {"C": ">5", "B": ">6", "A": ">7"}


@dataclass(frozen=True)
class Symbol:
    text: str  # the human-readable text, e.g. "LP-D01-0000042" or "(00)012345678901234560"
    modules: str  # "1" bar, "0" space: start to stop, without quiet zones
    zpl_data: str  # ^FD data with subset invocation codes (before ^FH escaping)

    @property
    def width_modules(self) -> int:
        return len(self.modules) + 2 * QUIET_MODULES


def code128(data: str) -> Symbol:
    if not data or any(not (32 <= ord(c) < 127) for c in data):
        raise PrintError(f"'{data}' cannot be printed as a Code 128 barcode (plain ASCII letters and digits only).")
    symbol = Code128(data)
    return Symbol(data, _modules(symbol), _zpl_data(symbol.encoded, data))


def gs1_128_sscc(sscc: str) -> Symbol:
    """GS1-128 with AI (00): an 18-digit SSCC for a tote or a pallet."""
    if len(sscc) != 18 or not sscc.isdigit() or sscc_check_digit(sscc[:17]) != sscc[17]:
        raise PrintError(f"'{sscc}' is not a valid SSCC (18 digits with a GS1 check digit).")
    symbol = Gs1_128("00" + sscc)
    return Symbol(f"(00){sscc}", _modules(symbol), _zpl_data(symbol.encoded, "00" + sscc))


def sscc_check_digit(first17: str) -> str:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(first17))
    return str((10 - total % 10) % 10)


def module_dots(symbol: Symbol, available_dots: int) -> int:
    """The widest whole-dot module that fits, at least 2 dots: a narrower barcode is refused, not printed."""
    dots = min(MAX_MODULE_DOTS, available_dots // symbol.width_modules)
    if dots < MIN_MODULE_DOTS:
        raise PrintError(
            f"The barcode {symbol.text} does not fit this label at a scannable size "
            f"({symbol.width_modules * MIN_MODULE_DOTS} dots needed, {available_dots} available). "
            "Use the larger label stock or the 300 dpi printer."
        )
    return dots


def _modules(symbol: Code128) -> str:
    return str(symbol.build()[0])


def _zpl_data(encoded: list[int], data: str) -> str:
    """Code values → ZPL ^BC data in subset-invocation form (mode N), reproducing the same symbol."""
    out: list[str] = []
    subset = _START[encoded[0]]
    out.append(_ZPL_START[subset])
    for value in encoded[1:]:
        if value == _FNC1:
            out.append(">8")
        elif value in _SWITCH[subset]:
            subset = _SWITCH[subset][value]
            out.append(_ZPL_SWITCH[subset])
        elif subset == "C":
            out.append(f"{value:02d}")
        elif subset == "B":
            char = chr(value + 32)
            out.append("><" if char == ">" else char)
        else:  # subset A: only used for control characters, which code128() refuses
            raise PrintError(f"'{data}' needs Code 128 subset A, which labels do not use.")
    return "".join(out)
