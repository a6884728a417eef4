"""A photo as a responsive <picture>: WebP and JPEG srcsets, width and height, lazy or eager.

Built with format_html rather than a template: story pages print one per card and photo
block, and an included template costs far more per call. Reads only `photo.renditions`: no
query, no file access.
"""

from django.utils.html import format_html
from django.utils.safestring import mark_safe

from . import renditions


def focal_class(photo):
    """Only when the editor moved the focal point: cropped cards keep it in view. Classes in
    10% steps (site.css), not a style attribute, which the CSP refuses."""
    if (photo.focal_x, photo.focal_y) == (0.5, 0.5):
        return ""
    return f"focus-x{round(photo.focal_x * 10)} focus-y{round(photo.focal_y * 10)}"


def picture_html(photo, *, sizes="100vw", eager=False, css_class="", alt=None):
    """The <picture> for `photo`, or "" when there is no photo or image. The lead photo of a
    page passes eager=True: it loads at once with fetchpriority=high; the rest lazily."""
    if not photo or not getattr(photo, "image", None):
        return ""
    default = renditions.default_rendition(photo)
    jpeg_srcset = renditions.srcset(photo, "jpeg") or f"{default.url} {default.width}w"
    webp_srcset = renditions.srcset(photo, "webp")
    focus = focal_class(photo)
    return format_html(
        '<picture{}>{}<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}"{}'
        ' decoding="async"{}></picture>',
        format_html(' class="{}"', css_class) if css_class else "",
        format_html('<source type="image/webp" srcset="{}" sizes="{}">', webp_srcset, sizes)
        if webp_srcset
        else "",
        default.url,
        jpeg_srcset,
        sizes,
        default.width,
        default.height,
        photo.alt_text if alt is None else alt,
        format_html(' class="{}"', focus) if focus else "",
        mark_safe(' loading="eager" fetchpriority="high"' if eager else ' loading="lazy"'),
    )
