"""Photograph-like JPEGs drawn with Pillow, so the demo has real pictures without downloads.

A seed key picks the scene and its light (see `scene_of`), so captions can describe what the
picture shows: a sky with light and clouds, layered land or a skyline with haze, a soft
vignette and film grain. Cloud shapes and grain come from Pillow's own noise and differ from
one drawing to the next. The grain matters: it gives the files the size and texture of real
photos, so renditions, srcset and upload limits are exercised as in production.
"""

import io
import random

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps

PHOTO_SIZE = (2000, 1333)
PORTRAIT_SIZE = (1200, 1200)

# (top of sky, horizon, land near, land far): dawn, noon, dusk, overcast, winter; captions in
# demo.writing.LIGHT_PHRASES follow the same order.
PALETTES = [
    ((38, 70, 125), (242, 178, 120), (52, 60, 48), (120, 112, 120)),
    ((62, 122, 196), (198, 222, 240), (70, 96, 52), (128, 152, 150)),
    ((44, 40, 92), (232, 120, 84), (40, 36, 44), (110, 82, 96)),
    ((118, 128, 140), (200, 204, 206), (74, 78, 70), (150, 154, 156)),
    ((96, 132, 170), (226, 232, 238), (210, 214, 220), (172, 182, 196)),
]
SCENES = ("fields", "city", "river", "village")


def _mix(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def _gradient(size, top, bottom):
    ramp = Image.linear_gradient("L").resize(size)
    return ImageOps.colorize(ramp, black=top, white=bottom)


def _fractal_noise(size, rng, *, cells=4, octaves=5, stretch=1.0):
    """Smooth cloud-like texture: noise at doubling resolutions, each layer fainter.

    `stretch` > 1 flattens features into horizontal bands, as clouds and fields look near a horizon.
    """
    width, height = size
    result = Image.new("L", size, 128)
    weight = 0.5
    for octave in range(octaves):
        columns = cells * 2**octave
        rows = max(2, round(columns * height / width * stretch))
        layer = Image.effect_noise((columns + 2, rows + 2), 60 + rng.random() * 20)
        layer = layer.crop((1, 1, columns + 1, rows + 1)).resize(size, Image.Resampling.BICUBIC)
        result = Image.blend(result, layer, weight)
        weight *= 0.55
    return ImageOps.autocontrast(result, cutoff=1)


def _sky(size, palette, rng):
    width, height = size
    sky = _gradient(size, palette[0], palette[1])
    glow = Image.radial_gradient("L").resize((width * 2 // 3, height * 2 // 3))
    glow = ImageOps.invert(glow).point(lambda v: max(0, v - 90) * 2)
    light = Image.new("L", size, 0)
    light.paste(
        glow, (rng.randint(-width // 4, width // 2), rng.randint(-height // 5, height // 6))
    )
    sky = Image.composite(
        Image.new("RGB", size, _mix(palette[1], (255, 246, 222), 0.6)), sky, light
    )
    cover = rng.uniform(0.35, 0.75)
    threshold = int(255 * (1 - cover))
    small = (width // 4, height // 4)
    clouds = _fractal_noise(small, rng, cells=3, stretch=2.5)
    clouds = clouds.point(lambda v: min(255, max(0, v - threshold) * 3)).resize(size)
    # Fewer clouds towards the horizon, where haze takes over.
    fade = ImageOps.invert(Image.linear_gradient("L").resize(size)).point(lambda v: min(255, v * 2))
    clouds = ImageChops.multiply(clouds, fade)
    cloud_colour = _mix(palette[1], (250, 250, 250), 0.55)
    return Image.composite(Image.new("RGB", size, cloud_colour), sky, clouds)


def _ridge(width, base, amplitude, rng, steps=24):
    points = [(0, base)]
    for step in range(steps + 1):
        x = width * step / steps
        points.append((x, base - amplitude * (0.4 + 0.6 * rng.random())))
    return [*points, (width, base + 2000), (0, base + 2000)]


def _land(image, palette, horizon, rng, scene):
    width, height = image.size
    draw = ImageDraw.Draw(image)
    layers = 4
    for layer in range(layers):
        depth = layer / (layers - 1)
        colour = _mix(palette[3], palette[2], depth)
        base = horizon + int((height - horizon) * 0.18 * depth)
        draw.polygon(_ridge(width, base, 40 + 60 * (1 - depth), rng), fill=colour)
        if scene == "city" and layer == 1:
            _skyline(draw, width, base, _mix(palette[3], palette[2], 0.45), rng)
        if scene == "village" and layer == 2:
            _houses(draw, width, base, colour, rng)
    if scene in {"fields", "village"}:
        _trees(draw, width, horizon + 20, palette, rng)
    if scene == "fields":
        _furrows(draw, width, height, horizon, palette, rng)
    _texture(image, horizon, rng)
    if scene == "river":
        _river(image, palette, horizon, rng)


def _texture(image, horizon, rng):
    """Uneven light and growth on the ground, so no surface is a flat fill."""
    width, height = image.size
    small = (width // 4, (height - horizon) // 4)
    texture = _fractal_noise(small, rng, cells=6, stretch=3.0).resize((width, height - horizon))
    texture = texture.point(lambda v: 96 + v // 4)
    ground = image.crop((0, horizon, width, height))
    image.paste(ImageChops.overlay(ground, Image.merge("RGB", [texture] * 3)), (0, horizon))


def _trees(draw, width, base, palette, rng):
    foliage = _mix(palette[2], (10, 30, 10), 0.45)
    x = rng.randint(0, 200)
    while x < width:
        if rng.random() < 0.55:
            for _ in range(rng.randint(3, 9)):
                r = rng.randint(18, 46)
                cx, cy = x + rng.randint(-40, 40), base - rng.randint(10, 70)
                draw.ellipse(
                    (cx - r, cy - r, cx + r, cy + r),
                    fill=_mix(foliage, palette[3], rng.random() * 0.3),
                )
        x += rng.randint(60, 260)


def _skyline(draw, width, base, colour, rng):
    x = rng.randint(-40, 40)
    while x < width:
        block = rng.randint(50, 160)
        top = base - rng.randint(90, 420)
        draw.rectangle(
            (x, top, x + block, base + 10), fill=_mix(colour, (0, 0, 0), rng.random() * 0.2)
        )
        window = _mix(colour, (255, 214, 150), 0.55)
        for wy in range(top + 14, base - 10, 22):
            for wx in range(x + 8, x + block - 10, 18):
                if rng.random() < 0.22:
                    draw.rectangle((wx, wy, wx + 7, wy + 10), fill=window)
        x += block + rng.randint(4, 30)


def _houses(draw, width, base, colour, rng):
    roof = _mix(colour, (120, 40, 30), 0.5)
    for _ in range(rng.randint(5, 11)):
        x = rng.randint(0, width - 160)
        w, h = rng.randint(90, 160), rng.randint(60, 100)
        wall = _mix(colour, (235, 228, 210), 0.6)
        draw.rectangle((x, base - h, x + w, base + 5), fill=wall)
        draw.polygon(
            [(x - 12, base - h), (x + w // 2, base - h - 55), (x + w + 12, base - h)], fill=roof
        )
        draw.rectangle(
            (x + w // 3, base - h // 2, x + w // 3 + 22, base - h // 2 + 24), fill=colour
        )


def _river(image, palette, horizon, rng):
    width, height = image.size
    top = horizon + (height - horizon) // 3
    water = image.crop((0, 0, width, height - top)).transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    water = water.resize((width, height - top)).filter(ImageFilter.GaussianBlur(6))
    water = Image.blend(
        water, Image.new("RGB", water.size, _mix(palette[0], (20, 40, 60), 0.4)), 0.35
    )
    draw = ImageDraw.Draw(water)
    for _ in range(140):
        y = int((rng.random() ** 1.6) * water.height)
        x = rng.randint(0, width)
        draw.line((x, y, x + rng.randint(30, 160), y), fill=_mix(palette[1], (255, 255, 255), 0.3))
    image.paste(water, (0, top))


def _furrows(draw, width, height, horizon, palette, rng):
    """Crop rows running to the horizon: alternating wedges, a shade apart."""
    crop = _mix(palette[2], rng.choice([(196, 164, 84), (104, 140, 60)]), 0.45)
    furrow = _mix(crop, (30, 26, 20), 0.18)
    top = horizon + int((height - horizon) * 0.3)
    vanish = width * rng.uniform(0.3, 0.7)
    rows = 28
    for i in range(-rows, rows):
        left, right = width / 2 + i * width / 9, width / 2 + (i + 1) * width / 9
        share_left = vanish + (left - vanish) * 0.06
        share_right = vanish + (right - vanish) * 0.06
        colour = crop if i % 2 else furrow
        draw.polygon(
            [(share_left, top), (share_right, top), (right, height), (left, height)], fill=colour
        )


def _finish(image, rng, grain):
    width, height = image.size
    vignette = Image.radial_gradient("L").resize((int(width * 1.5), int(height * 1.5)))
    vignette = vignette.crop((width // 4, height // 4, width // 4 + width, height // 4 + height))
    vignette = vignette.point(lambda v: max(0, v - 120))
    image = Image.composite(Image.new("RGB", image.size, (8, 8, 12)), image, vignette)
    # Grain a little coarser than one pixel, as film or a small sensor leaves it.
    noise = Image.effect_noise((width * 2 // 3, height * 2 // 3), grain).resize(image.size)
    return ImageChops.add(image, noise.convert("RGB"), scale=1.0, offset=-128)


def _choose(rng):
    return rng.randrange(len(PALETTES)), rng.choice(SCENES)


def scene_of(key):
    """(scene, palette index) that `draw_scene(key)` draws, for captions that match it."""
    palette_index, scene = _choose(random.Random(key))
    return scene, palette_index


def draw_scene(key, *, size=None):
    """A landscape photo for a story: the key decides the scene and the light."""
    size = size or PHOTO_SIZE
    rng = random.Random(key)
    palette_index, scene = _choose(rng)
    palette = PALETTES[palette_index]
    horizon = int(size[1] * rng.uniform(0.42, 0.6))
    image = _sky(size, palette, rng)
    _land(image, palette, horizon, rng, scene)
    # A touch of softness, like a real lens: hard polygon edges are what give drawings away.
    image = image.filter(ImageFilter.GaussianBlur(1.6))
    return _finish(image, rng, grain=rng.randint(7, 10))


def draw_portrait(key, *, size=None):
    """A head-and-shoulders silhouette against out-of-focus lights, for an author photo."""
    size = size or PORTRAIT_SIZE
    rng = random.Random(key)
    width, height = size
    palette = rng.choice(PALETTES)
    image = _gradient(size, palette[3], palette[0])
    bokeh = Image.new("RGB", size, (0, 0, 0))
    draw = ImageDraw.Draw(bokeh)
    for _ in range(28):
        x, y, r = rng.randint(0, width), rng.randint(0, height), rng.randint(30, 110)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=_mix(palette[1], (255, 255, 255), 0.2))
    image = ImageChops.screen(
        image, bokeh.filter(ImageFilter.GaussianBlur(40)).point(lambda v: v // 2)
    )
    person = ImageDraw.Draw(image)
    skin = rng.choice([(224, 184, 152), (198, 150, 118), (236, 200, 170), (170, 120, 90)])
    coat = rng.choice([(34, 38, 52), (92, 40, 40), (60, 70, 60), (140, 130, 120)])
    hair = rng.choice([(40, 30, 24), (120, 84, 50), (200, 170, 120), (70, 70, 72)])
    cx = width // 2 + rng.randint(-60, 60)
    person.ellipse((cx - 420, int(height * 0.7), cx + 420, int(height * 1.3)), fill=coat)
    person.rectangle((cx - 85, int(height * 0.56), cx + 85, int(height * 0.76)), fill=skin)
    person.ellipse((cx - 175, int(height * 0.24), cx + 175, int(height * 0.66)), fill=skin)
    person.chord((cx - 190, int(height * 0.19), cx + 190, int(height * 0.56)), 180, 360, fill=hair)
    person.polygon(
        [(cx - 95, int(height * 0.74)), (cx, int(height * 0.86)), (cx + 95, int(height * 0.74))],
        fill=_mix(coat, (240, 240, 240), 0.8),
    )
    image = image.filter(ImageFilter.GaussianBlur(2.2))
    return _finish(image, rng, grain=9)


def jpeg_bytes(image, *, quality=82):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()
