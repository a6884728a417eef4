"""Which rows change public pages: each app says so for its own models, in its ready().

    from pagecache import shown_on_pages
    shown_on_pages(Section)                                   # site-wide: any change
    shown_on_pages(Byline, public=Q(article__status__in=...)) # only a row readers can see

Site-wide rows (the navigation, newsletters offered in signup boxes, the static pages) retire
every cached copy whenever one is saved or deleted. Any other row retires them only when it
was public before the change or is public after it, `public` being a filter on that model:
one indexed query by primary key before a save (skipped for a new row), one after it unless
the first already answered, one before a delete. So drafts, new uploads and pending comments
never empty the cache, while a withdrawal (public before, not after) does. A many-to-many
field of a registered model (a story's tags) counts like the row it belongs to.

Everything happens only while something is cached (pagecache.state.caching_enabled), and the
generation moves after the transaction commits (`invalidate_pages()`).
"""

from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save

from .state import caching_enabled, invalidate_pages

REMEMBERED = "_pagecache_was_public"
M2M_DONE = ("post_add", "post_remove", "post_clear")


def shown_on_pages(model, *, public=None):
    """Declare that rows of `model` show on public pages: everywhere (`public` None) or
    only those matching the Q object `public`."""
    label = model._meta.label_lower

    def shown(**lookups):
        rows = model._base_manager.filter(**lookups)
        return rows.filter(public).exists() if public is not None else rows.exists()

    def before_save(sender, instance, raw=False, **kwargs):
        if caching_enabled() and not raw and not instance._state.adding:
            setattr(instance, REMEMBERED, shown(pk=instance.pk))

    def after_save(sender, instance, raw=False, **kwargs):
        if not caching_enabled() or raw:
            return
        if public is None or getattr(instance, REMEMBERED, False) or shown(pk=instance.pk):
            invalidate_pages()

    def before_delete(sender, instance, **kwargs):
        if caching_enabled() and (public is None or shown(pk=instance.pk)):
            invalidate_pages()

    def relation_changed(sender, instance, action, reverse, pk_set, **kwargs):
        if not caching_enabled() or action not in M2M_DONE:
            return
        if public is None:
            invalidate_pages()
        elif not reverse and shown(pk=instance.pk):
            invalidate_pages()
        elif reverse and (pk_set is None or shown(pk__in=pk_set)):
            invalidate_pages()

    receivers = {"saved": (post_save, after_save), "deleting": (pre_delete, before_delete)}
    if public is not None:
        receivers["saving"] = (pre_save, before_save)
    for name, (signal, receiver) in receivers.items():
        signal.connect(receiver, sender=model, weak=False, dispatch_uid=f"pagecache.{label}.{name}")
    for field in model._meta.many_to_many:
        m2m_changed.connect(
            relation_changed,
            sender=field.remote_field.through,
            weak=False,
            dispatch_uid=f"pagecache.{label}.{field.name}",
        )
