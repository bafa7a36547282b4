"""The fonts labels, slips and manifests are drawn with: TrueType files shipped in resources/fonts, chosen per
character from a fallback chain by what each font covers (its cmap), and text put in display order first
(right-to-left runs reversed, Arabic letters joined). The PDF embeds these fonts and the PNG preview draws
with the same files and the same runs, so the preview shows what prints.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from arabic_reshaper import ArabicReshaper
from arabic_reshaper.ligatures import LIGATURES
from bidi import get_display
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

# Font size as a share of a Text element's height, and the baseline's depth below its top: one value for the
# PDF and the PNG so both put every glyph on the same dots.
EM = 0.95
BASELINE = 0.8
# Outline stroke that emboldens a font without a bold cut, as a share of the font size.
STROKE = 0.04
MISSING = "\ufffd"  # drawn for a character no shipped font has: a visible "?" mark, never an empty box

_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
_RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


@dataclass(frozen=True)
class Cut:
    """One font file; `stroke` = this font has no bold cut, so bold text in it is drawn with a stroked outline."""

    file: str
    stroke: bool = False

    @property
    def name(self) -> str:
        return Path(self.file).stem


REGULAR = (Cut("DejaVuSans.ttf"), Cut("DroidSansFallback.ttf"))
BOLD = (Cut("DejaVuSans-Bold.ttf"), Cut("DejaVuSans.ttf", stroke=True), Cut("DroidSansFallback.ttf", stroke=True))


@dataclass(frozen=True)
class Run:
    """Characters in display order that one font draws."""

    text: str
    cut: Cut


def font_file(file: str) -> Path:
    return Path(str(resources.files("resources.fonts").joinpath(file)))


def chain(bold: bool) -> tuple[Cut, ...]:
    return BOLD if bold else REGULAR


@cache
def pdf_font(file: str) -> str:
    """Registers a shipped font with reportlab (once) and returns its name there."""
    name = Path(file).stem
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(font_file(file))))
    return name


@cache
def coverage(file: str) -> frozenset[int]:
    """The code points the font has a glyph for (its cmap)."""
    font = pdfmetrics.getFont(pdf_font(file))
    return frozenset(font.face.charToGlyph)


def covers(cut: Cut, char: str) -> bool:
    return ord(char) in coverage(cut.file)


@lru_cache(maxsize=1)
def _reshaper() -> ArabicReshaper:
    """Arabic joining with only the ligatures the primary font has a glyph for (lam-alef, not the rare ones)."""
    have = coverage(REGULAR[0].file)
    usable = {name: all(ord(c) in have for c in forms if c) for name, (_, forms) in LIGATURES}
    return ArabicReshaper({"delete_harakat": False, **usable})


def display_order(text: str) -> str:
    """Left-to-right drawing order: Arabic letters in their joined forms, right-to-left runs reversed (UAX #9)."""
    if text.isascii():
        return text
    if _ARABIC.search(text):
        text = _reshaper().reshape(text)
    if _RIGHT_TO_LEFT.search(text):
        text = get_display(text)
    return text


def _glyphs(char: str, fonts: tuple[Cut, ...], current: Cut | None) -> tuple[str, Cut]:
    """The font for one character: for a space, digit or punctuation the current run's if it has it (no
    needless font switch), else the first in the chain that has it; then its compatibility form (fullwidth,
    ligatures); else the missing-character mark."""
    if current is not None and not unicodedata.category(char).startswith("L") and covers(current, char):
        return char, current
    for cut in fonts:
        if covers(cut, char):
            return char, cut
    decomposed = unicodedata.normalize("NFKC", char)
    if decomposed != char and all(any(covers(cut, c) for cut in fonts) for c in decomposed):
        cut = next(cut for cut in fonts if all(covers(cut, c) for c in decomposed))  # one font for all of it
        return decomposed, cut
    return MISSING, fonts[0]


@lru_cache(maxsize=4096)
def runs(text: str, bold: bool = False) -> tuple[Run, ...]:
    """`text` split into runs of one font each, in display order."""
    fonts = chain(bold)
    out: list[Run] = []
    for char in display_order(text):
        category = unicodedata.category(char)
        if category == "Cf":  # zero-width and direction marks: no ink
            continue
        current = out[-1].cut if out else None
        if category == "Cc":  # a control character: a space keeps the words apart
            glyphs, cut = " ", current or fonts[0]
        else:
            glyphs, cut = _glyphs(char, fonts, current)
        if out and out[-1].cut == cut:
            out[-1] = Run(out[-1].text + glyphs, cut)
        else:
            out.append(Run(glyphs, cut))
    return tuple(out)


def run_width(run: Run, size: float) -> float:
    return pdfmetrics.stringWidth(run.text, pdf_font(run.cut.file), size)


def text_width(text: str, height: int, bold: bool = False) -> float:
    """Width in dots of `text` drawn as a Text element `height` dots high."""
    size = height * EM
    return sum(run_width(run, size) for run in runs(text, bold))
