"""Draw the installable app's PNG icons (192, 512 and a maskable 512) into src/nasalis/web/static/.

Run once after changing the drawing: `python -m tools.app_icons`; the PNGs are committed."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

STATIC = Path(__file__).parents[1] / "src" / "nasalis" / "web" / "static"
BLUE = (11, 92, 173, 255)  # the accent of style.css and icon.svg
WHITE = (255, 255, 255, 255)


def draw(size: int, *, maskable: bool) -> Image.Image:
    """The drop of icon.svg on the accent blue; a maskable one keeps it inside the safe circle."""
    scale = 4  # drawn large and shrunk: smooth edges without an SVG renderer
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if maskable:
        pen.rectangle((0, 0, big, big), fill=BLUE)  # the launcher cuts its own shape
        inset = 0.2  # the drop within the central 80 % circle every mask keeps
    else:
        pen.rounded_rectangle((0, 0, big, big), radius=big * 6 // 32, fill=BLUE)
        inset = 0.0
    unit = big * (1 - 2 * inset) / 32
    offset = big * inset

    def at(x: float, y: float) -> tuple[float, float]:
        return offset + x * unit, offset + y * unit

    # icon.svg's drop: a point at (16, 6) widening to a circle of radius 6 about (16, 21).
    pen.polygon([at(16, 6), at(10.3, 19.2), at(21.7, 19.2)], fill=WHITE)
    pen.ellipse((*at(10, 15), *at(22, 27)), fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    """Write icon-192.png, icon-512.png and icon-maskable-512.png."""
    draw(192, maskable=False).save(STATIC / "icon-192.png", optimize=True)
    draw(512, maskable=False).save(STATIC / "icon-512.png", optimize=True)
    draw(512, maskable=True).save(STATIC / "icon-maskable-512.png", optimize=True)


if __name__ == "__main__":
    main()
