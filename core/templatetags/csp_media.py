"""{% media_with_nonce media %}: a form's media with this request's CSP nonce.

The rich-text editor (django-prose-editor) loads its modules through an inline import map,
which the Content-Security-Policy runs only with the request's nonce. Media from js_asset
(the editor's) can carry one; other media has no inline script and is printed as it is, and
no nonce is made, so pages without an editor keep a policy without one.

`{% load csp_media %}` in templates/admin/change_form.html, for every admin add and change
form.
"""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def media_with_nonce(context, media):
    nonce = getattr(context.get("request"), "csp_nonce", None)
    if media is None or nonce is None or not hasattr(media, "with_nonce"):
        return media
    return media.with_nonce(str(nonce))
