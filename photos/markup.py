"""A photo as a responsive <picture>, built in Python: a page of cards prints dozens, and a
template per picture cost more than everything else on a listing."""

from html import escape

from django.utils.safestring import mark_safe

from . import renditions


def picture_html(photo, sizes="100vw", eager=False, css_class="", alt=None, crop=None):
    """WebP and JPEG srcsets, width/height, lazy or eager loading ("" without an image).

    The lead photo of a page passes eager=True: it loads at once with fetchpriority=high;
    everything else loads lazily. A layout that crops passes `crop` ("wide", "card",
    "square": photos.crops) and gets the copies cut for it, where the focal point or the
    editor's override put them. Reads only `photo.renditions`: no query, no file access.
    """
    if not photo or not getattr(photo, "image", None):
        return ""
    default = renditions.default_rendition(photo, crop=crop)
    jpeg_srcset = renditions.srcset(photo, "jpeg", crop) or f"{default.url} {default.width}w"
    webp_srcset = renditions.srcset(photo, "webp", crop)
    sizes = escape(sizes)
    # Only when the editor moved the focal point: cropped cards keep it in view. Classes in
    # 10% steps (site.css), not a style attribute, which the CSP refuses.
    focal_x, focal_y = round(photo.focal_x * 10), round(photo.focal_y * 10)
    if crop:
        x, y = renditions.focal_point_in(photo, crop)
        focal_x, focal_y = round(x * 10), round(y * 10)
    focal = f' class="focus-x{focal_x} focus-y{focal_y}"' if (focal_x, focal_y) != (5, 5) else ""
    opening = f'<picture class="{escape(css_class)}">' if css_class else "<picture>"
    webp = (
        f'<source type="image/webp" srcset="{escape(webp_srcset)}" sizes="{sizes}">'
        if webp_srcset
        else ""
    )
    loading = ' loading="eager" fetchpriority="high">' if eager else ' loading="lazy">'
    return mark_safe(  # noqa: S308 - every value is escaped or a number
        f'{opening}{webp}<img src="{escape(default.url)}" srcset="{escape(jpeg_srcset)}" '
        f'sizes="{sizes}" width="{int(default.width)}" height="{int(default.height)}" '
        f'alt="{escape(photo.alt_text if alt is None else alt)}"{focal} decoding="async"'
        f"{loading}</picture>"
    )
