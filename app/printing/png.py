"""PNG preview at the printer's resolution: the same elements, bars on whole dots, and text in the same fonts
and runs as the PDF, for the screen."""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from app.printing.fonts import BASELINE, EM, STROKE, Run, font_file, runs
from app.printing.layout import Bars, Page, Rule, Text

_PAGE_GAP = 24  # dots of grey between the pages of a multi-page slip


@lru_cache(maxsize=64)
def _font(file: str, size: int) -> ImageFont.FreeTypeFont:
    # BASIC layout: the runs are already in display order and joined; raqm would reorder them a second time.
    return ImageFont.truetype(str(font_file(file)), size, layout_engine=ImageFont.Layout.BASIC)


def _draw_text(draw: ImageDraw.ImageDraw, element: Text) -> None:
    size = max(6, round(element.height * EM))
    x, baseline = float(element.x), element.y + element.height * BASELINE
    for run in runs(element.text, element.bold):
        font = _font(run.cut.file, size)
        draw.text((x, baseline), run.text, fill=0, font=font, anchor="ls", stroke_width=_stroke(run, size),
                  stroke_fill=0)
        x += font.getlength(run.text)


def _stroke(run: Run, size: int) -> int:
    return max(1, round(size * STROKE / 2)) if run.cut.stroke else 0


def render_image(page: Page) -> Image.Image:
    stock = page.stock
    image = Image.new("L", (stock.width, stock.height), 255)
    draw = ImageDraw.Draw(image)
    for element in page.elements:
        if isinstance(element, Text):
            _draw_text(draw, element)
        elif isinstance(element, Bars):
            for x, width in element.runs():
                draw.rectangle((x, element.y, x + width - 1, element.y + element.height - 1), fill=0)
        elif isinstance(element, Rule):
            draw.rectangle((element.x, element.y, element.x + element.width - 1,
                            element.y + element.thickness - 1), fill=0)
    return image


def render_images(*pages: Page) -> Image.Image:
    """All pages one under the other (a slip whose why continues), for one preview."""
    images = [render_image(page) for page in pages]
    if len(images) == 1:
        return images[0]
    sheet = Image.new("L", (max(i.width for i in images),
                            sum(i.height for i in images) + _PAGE_GAP * (len(images) - 1)), 160)
    y = 0
    for image in images:
        sheet.paste(image, (0, y))
        y += image.height + _PAGE_GAP
    return sheet


def render_png(*pages: Page) -> bytes:
    buffer = io.BytesIO()
    dpi = pages[0].stock.dpi
    render_images(*pages).save(buffer, format="PNG", dpi=(dpi, dpi))
    return buffer.getvalue()
