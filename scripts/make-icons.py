"""Draw the site's raster icons from the shape of hsitp_site/static/img/favicon.svg (a teal
square, a pale curve like the river around the Loop, a gold dot), with Pillow:
    .venv/bin/python scripts/make-icons.py
writes hsitp_site/root/favicon.ico (16, 32, 48 px) and apple-touch-icon.png (180 px), which
WhiteNoise serves at the site's root (WHITENOISE_ROOT)."""

from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent / "hsitp_site" / "root"
TEAL, PALE, GOLD = (11, 110, 105), (227, 241, 239), (242, 184, 75)


def _curve(t: float) -> tuple[float, float]:
    """The SVG's path "M4 20c5-9 11 5 16-3 3-5 6-5 8-4" as two cubic Béziers, t in [0, 2]."""
    segments = [((4, 20), (9, 11), (15, 25), (20, 17)), ((20, 17), (23, 12), (26, 12), (28, 13))]
    p0, p1, p2, p3 = segments[min(int(t), 1)]
    u = t - min(int(t), 1)
    return tuple(
        (1 - u) ** 3 * a + 3 * (1 - u) ** 2 * u * b + 3 * (1 - u) * u**2 * c + u**3 * d
        for a, b, c, d in zip(p0, p1, p2, p3, strict=True)
    )


def icon(size: int, *, rounded: bool = True) -> Image.Image:
    """The icon at `size` px, drawn at 8x and scaled down (smooth edges)."""
    big = size * 8
    scale = big / 32
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=6 * scale if rounded else 0, fill=TEAL)
    radius = 1.5 * scale  # the stroke, 3 units wide with round caps: a disc moved along it
    for i in range(801):
        x, y = (v * scale for v in _curve(i / 400))
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=PALE)
    draw.ellipse((11 * scale, 10 * scale, 17 * scale, 16 * scale), fill=GOLD)
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    ROOT.mkdir(exist_ok=True)
    icon(48).save(ROOT / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    # iOS rounds the corners itself and shows transparency as black: a full square.
    icon(180, rounded=False).convert("RGB").save(ROOT / "apple-touch-icon.png", optimize=True)
    print(f"Wrote {ROOT / 'favicon.ico'} and {ROOT / 'apple-touch-icon.png'}")  # noqa: T201


if __name__ == "__main__":
    main()
