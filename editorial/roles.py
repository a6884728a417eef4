"""The newsroom's staff roles as Django groups, and what each may do.

`sync_roles()` makes every group hold exactly the permissions listed here (creating missing
permissions first), so running it again is harmless and a change to this file reaches the
database on the next `migrate` (editorial.apps connects it to post_migrate; articles' data
migration 0006 runs it on a fresh database). Apps above this one add what a role may do with
their models by `grant()` in their ready(). What a role may do to *which* story (a Reporter
only their own drafts) is decided in articles.permissions; these lists are the coarse layer
under it.
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
        "editorial.view_statuschange",
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
        *_crud("editorial", "previewlink"),
        *_crud("articles", "articleslughistory", ("view", "delete")),
        "editorial.view_statuschange",
        "articles.view_articleslughistory",
        *_crud("taggit", "tag"),
    ],
    # The audience desk's permissions are all of apps above this one: they grant them.
    AUDIENCE: [],
}


def grant(role: str, permissions: list[str]) -> None:
    """What an app above this one lets `role` do with its models ("app.codename"), called
    from its ready(): live lets editors post updates, subscriptions lets the audience desk
    run its lists. The next `migrate` (or `sync_roles()`) gives the group exactly these."""
    if role not in ROLE_PERMISSIONS:
        raise ValueError(f"Unknown role {role!r}: the roles are {', '.join(ROLE_PERMISSIONS)}.")
    held = ROLE_PERMISSIONS[role]
    held += [perm for perm in permissions if perm not in held]


def crud(app, model, actions=("add", "change", "delete", "view")):
    """["app.add_model", "app.change_model", ...]: the standard permissions of one model."""
    return _crud(app, model, actions)


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
    if sender.label != "editorial" or apps is None:
        return
    # By label: the migration state's apps name their configs by label only, so
    # is_installed("django.contrib.auth") is False there and the sync never ran after migrate.
    try:
        apps.get_app_config("auth")
    except LookupError:
        return
    sync_roles(apps)
