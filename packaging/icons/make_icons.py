"""Draws the application icon (a parcel with a return arrow) as SVG, PNG (256 px) and ICO (Windows).

Run once after changing the drawing: `.venv/bin/python packaging/icons/make_icons.py`; the files are kept in
git so a package build needs no drawing step.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).parent
BLUE, PARCEL, TAPE, WHITE = "#1f4e79", "#d9a25f", "#b07a3c", "#ffffff"
# Shapes on a 256-unit square, shared by the SVG and the raster drawing.
BACKGROUND = (8, 8, 248, 248, 40)  # x0, y0, x1, y1, corner radius
BOX = (56, 92, 200, 212)
TAPE_STRIP = (116, 92, 140, 212)
ARROW = [(36, 62), (92, 22), (92, 46), (176, 46), (176, 78), (92, 78), (92, 102)]

SVG = f"""<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">
  <rect x="8" y="8" width="240" height="240" rx="40" fill="{BLUE}"/>
  <rect x="56" y="92" width="144" height="120" fill="{PARCEL}"/>
  <rect x="116" y="92" width="24" height="120" fill="{TAPE}"/>
  <polygon points="{" ".join(f"{x},{y}" for x, y in ARROW)}" fill="{WHITE}"/>
</svg>
"""


def draw(size: int) -> Image.Image:
    scale = 4  # draw large and shrink for smooth edges
    image = Image.new("RGBA", (256 * scale, 256 * scale), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    x0, y0, x1, y1, radius = BACKGROUND
    pen.rounded_rectangle([v * scale for v in (x0, y0, x1, y1)], radius * scale, fill=BLUE)
    pen.rectangle([v * scale for v in BOX], fill=PARCEL)
    pen.rectangle([v * scale for v in TAPE_STRIP], fill=TAPE)
    pen.polygon([(x * scale, y * scale) for x, y in ARROW], fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    (HERE / "returns-desk.svg").write_text(SVG, encoding="utf-8")
    draw(256).save(HERE / "returns-desk.png")
    draw(256).save(HERE / "returns-desk.ico", sizes=[(16, 16), (32, 32), (48, 48), (64, 64), (256, 256)])


if __name__ == "__main__":
    main()
