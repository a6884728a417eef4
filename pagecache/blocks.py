"""Shared blocks: HTML that many pages show, rendered once per generation and set of values.

    render_block("story-signup-box", "blocks/story-signup-box.html", request=request,
                 section_id=article.section_id)

    {% load pagecache_tags %}
    {% shared_block "story-signup-box" section_id=article.section_id %}   (blocks/<name>.html)

A block renders from its own template with a context holding its key values and nothing
else: no request, user, perms, csrf_token or messages, no context processor, only the site
settings in SITE_SETTINGS. So whatever a block shows is named by its key and can be served to
every reader: a value that differs per request (a path, a token) cannot reach a shared copy,
because the template has no way to read it. With TEMPLATE_STRICT_VARIABLES on (the test
suite), looking up any other name raises UnknownVariable, even inside `{% if %}`.

Values count by their keys (rows by pk, feed entries by `key`, lists item by item), anything
else by its text; any change to the rows' content retires the generation. The HTML is kept
like any value on the generation (pagecache.store), under Django's template-fragment key of
the name and values. A block reads what it shows but was not given (the navigation, the
offered newsletters) through a tag inside its template: that runs only when the block is
rendered, once per generation.
"""

import functools

from django.conf import settings
from django.core.cache.utils import make_template_fragment_key
from django.core.signals import setting_changed
from django.template import Context, Engine
from django.template.backends.django import get_installed_libraries
from django.utils.safestring import mark_safe

from .store import kept
from .strict import RaisingMissing, UnknownVariable

# Site-wide constants a block may show; never anything per request.
SITE_SETTINGS = ("SITE_NAME", "SITE_DESCRIPTION", "SITE_URL")


class BlockContext(Context):
    """The key values alone. Strict: a name not there raises (an `{% if %}` too, which
    string_if_invalid never sees), so a test shows at once what a block tried to read."""

    strict = False

    def __getitem__(self, key):
        try:
            return super().__getitem__(key)
        except KeyError:
            if self.strict:
                raise UnknownVariable(
                    f"Block templates may use only their key values, not {key!r}."
                ) from None
            raise


@functools.cache
def block_engine():
    """The project's template settings (dirs, app templates, tag libraries) without context
    processors; strict about unknown names when TEMPLATE_STRICT_VARIABLES is on."""
    options = dict(settings.TEMPLATES[0].get("OPTIONS", {}))
    options.pop("context_processors", None)
    options.pop("string_if_invalid", None)
    libraries = {**get_installed_libraries(), **options.pop("libraries", {})}
    return Engine(
        dirs=[str(path) for path in settings.TEMPLATES[0].get("DIRS", [])],
        app_dirs=settings.TEMPLATES[0].get("APP_DIRS", False),
        libraries=libraries,
        string_if_invalid=RaisingMissing() if settings.TEMPLATE_STRICT_VARIABLES else "",
        debug=settings.DEBUG,
        **options,
    )


def _forget_engine(setting, **kwargs):
    if setting in {"TEMPLATES", "TEMPLATE_STRICT_VARIABLES", "DEBUG"}:
        block_engine.cache_clear()


setting_changed.connect(_forget_engine, dispatch_uid="pagecache.blocks.forget_engine")


def identity(value):
    """What a key value counts as: rows by pk, feed entries by `key`, lists item by item."""
    if isinstance(value, list | tuple) or hasattr(value, "__iter__") and not isinstance(value, str):
        return "[" + ",".join(identity(item) for item in value) + "]"
    for attribute in ("pk", "key"):
        if hasattr(value, attribute):
            return f"{type(value).__name__}:{getattr(value, attribute)}"
    return repr(value)


def render_block(name, template_name, *, request=None, **values):
    """The block's HTML, rendered from `template_name` with `values` alone (and
    SITE_SETTINGS) once per generation and set of values. The request only lends the
    generation it read and says whether it is private; the template never sees it."""

    def build():
        context = BlockContext(
            {**{setting: getattr(settings, setting) for setting in SITE_SETTINGS}, **values}
        )
        context.strict = settings.TEMPLATE_STRICT_VARIABLES
        return mark_safe(block_engine().get_template(template_name).render(context))  # noqa: S308

    key = make_template_fragment_key(
        name, [template_name] + [f"{key}={identity(values[key])}" for key in sorted(values)]
    )
    return kept("block", key, build, request)
