"""PNG preview at the printer's resolution: the same elements, bars on whole dots, for the screen."""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from app.printing.layout import Bars, Page, Rule, Text


@lru_cache(maxsize=32)
def _font(height: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=max(6, int(height * 0.9)))


def render_image(page: Page) -> Image.Image:
    stock = page.stock
    image = Image.new("L", (stock.width, stock.height), 255)
    draw = ImageDraw.Draw(image)
    for element in page.elements:
        if isinstance(element, Text):
            font = _font(element.height)
            draw.text((element.x, element.y), element.text, fill=0, font=font,
                      stroke_width=1 if element.bold else 0, stroke_fill=0)
        elif isinstance(element, Bars):
            for x, width in element.runs():
                draw.rectangle((x, element.y, x + width - 1, element.y + element.height - 1), fill=0)
        elif isinstance(element, Rule):
            draw.rectangle((element.x, element.y, element.x + element.width - 1,
                            element.y + element.thickness - 1), fill=0)
    return image


def render_png(page: Page) -> bytes:
    buffer = io.BytesIO()
    render_image(page).save(buffer, format="PNG", dpi=(page.stock.dpi, page.stock.dpi))
    return buffer.getvalue()
