"""The newsroom's staff roles as Django groups, and what each may do.

`sync_roles()` makes every group hold exactly the permissions listed here (creating missing
permissions first), so running it again is harmless and a change to this file reaches the
database on the next `migrate` (articles.apps connects it to post_migrate; the data migration
0006 runs it on a fresh database). What a role may do to *which* story (a Reporter only their
own drafts) is decided in articles.permissions; these lists are the coarse layer under it.
"""

REPORTER = "Reporter"
EDITOR = "Editor"
AUDIENCE = "Audience"

_ARTICLE_PARTS = ["byline", "relatedembed"]


def _crud(app, model, actions=("add", "change", "delete", "view")):
    return [f"{app}.{action}_{model}" for action in actions]


ROLE_PERMISSIONS = {
    REPORTER: [
        *_crud("articles", "article", ("add", "change", "delete", "view")),
        "articles.preview_article",
        *[perm for part in _ARTICLE_PARTS for perm in _crud("articles", part)],
        *_crud("photos", "photo", ("add", "change", "view")),
        "articles.view_section",
        "articles.view_author",
        "articles.view_statuschange",
        "articles.view_correction",
        "taggit.view_tag",
        "taggit.add_tag",
    ],
    EDITOR: [
        *_crud("articles", "article"),
        "articles.publish_article",
        "articles.withdraw_article",
        "articles.change_any_article",
        "articles.preview_article",
        *[perm for part in _ARTICLE_PARTS for perm in _crud("articles", part)],
        *_crud("photos", "photo"),
        *_crud("articles", "section"),
        *_crud("articles", "author"),
        *_crud("articles", "correction"),
        *_crud("articles", "previewlink"),
        *_crud("articles", "articleslughistory", ("view", "delete")),
        "articles.view_statuschange",
        "articles.view_articleslughistory",
        *_crud("taggit", "tag"),
        *_crud("live", "liveupdate"),
        *_crud("comments", "comment", ("change", "delete", "view")),
    ],
    AUDIENCE: [
        *_crud("subscriptions", "subscriber"),
        *_crud("subscriptions", "subscription"),
        "subscriptions.view_consentevent",
        *_crud("subscriptions", "suppression"),
        *_crud("subscriptions", "newsletter"),
        *_crud("newsletters", "newsletterissue"),
        *_crud("newsletters", "issuestory"),
        "newsletters.view_delivery",
        "newsletters.send_newsletterissue",
    ],
}


def _ensure_permissions(apps):
    from django.contrib.auth.management import create_permissions
    from django.contrib.contenttypes.management import create_contenttypes

    for app_config in apps.get_app_configs():
        # Historical app configs have no models module; create_* skip apps without one.
        had_module = getattr(app_config, "models_module", None)
        app_config.models_module = had_module or True
        create_contenttypes(app_config, apps=apps, verbosity=0)
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = had_module


def sync_roles(apps=None, schema_editor=None, *, create=True):
    """Create the three groups and give each exactly its permissions (idempotent)."""
    if apps is None:
        from django.apps import apps
    if create:
        _ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLE_PERMISSIONS.items():
        wanted = {tuple(perm.split(".", 1)) for perm in perms}
        found = [
            perm
            for perm in Permission.objects.filter(
                codename__in={codename for _, codename in wanted}
            ).select_related("content_type")
            if (perm.content_type.app_label, perm.codename) in wanted
        ]
        # A model that has not been migrated yet (an app added later) is skipped here and
        # picked up by the post_migrate run that follows its migration.
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(found)


def sync_roles_after_migrate(sender, app_config=None, using="default", apps=None, **kwargs):
    """post_migrate: keep the groups in step (also after a test database flush)."""
    if sender.label != "articles" or apps is None:
        return
    # By label: the migration state's apps name their configs by label only, so
    # is_installed("django.contrib.auth") is False there and the sync never ran after migrate.
    try:
        apps.get_app_config("auth")
    except LookupError:
        return
    sync_roles(apps)
