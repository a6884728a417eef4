"""The newsroom's permission policy, declared once: role × model × object state × action.

What it guarantees: every admin page, endpoint and bulk action has a row here saying which
roles may use it, and for objects tied to a story, in which of the story's states. The code
that enforces it is spread over the model admins, articles.permissions and the services; the
test tests/security/test_policy_matrix.py walks every admin URL pattern and action for every
role against an object in every state and compares the answer with this table, and checks
that every refusal changed nothing. A new admin view without a row here fails that test.
docs/security.md ("Permission policy") prints the table `markdown()` renders, and a test
keeps the two identical.

The table is data only: it imports no model and no app. The rows of this app and the ones
below it are written here; each app above it (live, comments, popularity, pages,
subscriptions, newsletters) writes its own in its `policy.py` and registers them from its
ready() with `register()`, so no app here names one above it (tests/architecture).
"""

REPORTER = "reporter"
EDITOR = "editor"
AUDIENCE = "audience"
# A staff account given only the view_* permissions of story, subscriber and newsletter
# models (VIEWER_PERMISSIONS): someone who may read, not act.
VIEWER = "viewer"
ANONYMOUS = "anonymous"
ROLES = (REPORTER, EDITOR, AUDIENCE, VIEWER, ANONYMOUS)
STAFF = frozenset({REPORTER, EDITOR, AUDIENCE, VIEWER})

VIEWER_PERMISSIONS = [
    "articles.view_article",
    "articles.view_section",
    "articles.view_author",
    "photos.view_photo",
    "articles.view_byline",
    "articles.view_relatedembed",
]  # and what the apps above register (`register(viewer_permissions=...)`)

# A story's states as the policy sees them. The own draft is the reporter's; every other
# state is a story someone else filed.
OWN_DRAFT = "own draft"
OTHERS_DRAFT = "someone else's draft"
IN_REVIEW = "in review"
SCHEDULED = "scheduled"
PUBLISHED = "published"
WITHDRAWN = "withdrawn"
STORY_STATES = (OWN_DRAFT, OTHERS_DRAFT, IN_REVIEW, SCHEDULED, PUBLISHED, WITHDRAWN)
# Objects with no story state (and actions on a model, such as add) have this one state.
ANY = "any"

ALL_STATES = frozenset(STORY_STATES)
PUBLIC = frozenset({SCHEDULED, PUBLISHED})
NOT_PUBLIC = ALL_STATES - PUBLIC
# What a user without change_any_article sees of stories: their own and the public ones.
REPORTER_VISIBLE = frozenset({OWN_DRAFT}) | PUBLIC

# Models whose objects take the state of a story: the story itself, and what belongs to one
# (its lead photo, its preview links, old addresses, live updates, comments, read counts).
# Apps above this one add theirs (`register(story_models=...)`) before their rows.
STORY_MODELS = {
    "articles.article",
    "photos.photo",
    "editorial.previewlink",
    "articles.articleslughistory",
}

_YES = frozenset({ANY})


def _rule(model: str, **roles) -> dict:
    """role -> states it is allowed in; True means every state, an omitted role nothing."""
    states = ALL_STATES if model in STORY_MODELS else _YES
    return {
        role: (states if allowed is True else frozenset(allowed))
        for role, allowed in roles.items()
        if allowed
    }


def _model_rule(**roles) -> dict:
    """An action on the model as a whole (the list, "add"): no object, so no state."""
    return {role: _YES for role, allowed in roles.items() if allowed}


def _crud(model, *, view=(), add=(), change=(), delete=(), **extra):
    """The standard admin actions of one model; `view` etc. are {role: states-or-True}."""
    rows = {
        (model, "view list"): _model_rule(**{role: True for role in dict(view)}),
        (model, "view"): _rule(model, **dict(view)),
        (model, "add"): _model_rule(**{role: True for role in dict(add)}),
        (model, "change"): _rule(model, **dict(change)),
        (model, "delete"): _rule(model, **dict(delete)),
    }
    for action, roles in extra.items():
        rows[(model, action)] = _rule(model, **dict(roles))
    return rows


def _nobody(model, *actions):
    return _crud(model, **{action: {} for action in actions})


_STAFF = {REPORTER: True, EDITOR: True, AUDIENCE: True, VIEWER: True}
_AUDIENCE = {AUDIENCE: True}
_AUDIENCE_VIEW = {AUDIENCE: True, VIEWER: True}
_EDITORS = {EDITOR: True}
_STORY_VIEW = {REPORTER: REPORTER_VISIBLE, EDITOR: True, VIEWER: PUBLIC}
_STORY_CHANGE = {REPORTER: {OWN_DRAFT}, EDITOR: True}

POLICY = {
    # --- the admin site itself ---
    ("admin", "sign in"): _model_rule(**_STAFF, anonymous=True),
    ("admin", "index"): _model_rule(**_STAFF),
    ("admin", "own password"): _model_rule(**_STAFF),
    ("admin", "sign out"): _model_rule(**_STAFF),
    ("admin", "translations"): _model_rule(**_STAFF),
    ("admin", "unknown address"): {},
    # <app>/<model>/<id>/ only redirects to <id>/change/, which is judged on its own.
    ("admin", "old change address"): _model_rule(**_STAFF),
    ("admin", "app photos"): _model_rule(reporter=True, editor=True, viewer=True),
    ("admin", "app articles"): _model_rule(reporter=True, editor=True, viewer=True),
    ("admin", "app taggit"): _model_rule(reporter=True, editor=True),
    ("admin", "app editorial"): _model_rule(editor=True),
    **{
        ("admin", f"app {label}"): {}
        for label in (
            "auth",
            "axes",
            "django_tasks_database",
            "core",
            "otp_totp",
            "otp_static",
        )
    },
    # --- stories ---
    **_crud(
        "articles.article",
        view=_STORY_VIEW,
        add={REPORTER: True, EDITOR: True},
        change=_STORY_CHANGE,
        delete=_STORY_CHANGE,
        # Who else has the story open: answered only to those who may see the story.
        presence=_STORY_VIEW,
        autosave=_STORY_CHANGE,
        **{"discard autosave": _STORY_CHANGE},
        revisions=_STORY_CHANGE,
        **{"compare revisions": _STORY_CHANGE, "restore revision": _STORY_CHANGE},
        preview={REPORTER: {OWN_DRAFT}, EDITOR: True},
        **{"make preview link": _EDITORS},
        publish=_EDITORS,
        # Django's "delete selected" checks the model permission only: editors alone have it.
        **{"bulk delete": _EDITORS},
        **{"set curation flags": _EDITORS},
        withdraw=_EDITORS,
    ),
    ("articles.article", "tag suggestions"): _model_rule(reporter=True, editor=True),
    # The body editor's pickers (editorial/admin/pickers.py): stories for those who write
    # them (each sees only what visible_stories() lets them), photos for all who view them.
    ("articles.article", "story picker"): _model_rule(reporter=True, editor=True),
    ("articles.article", "photo picker"): _model_rule(reporter=True, editor=True, viewer=True),
    # A photo in public use (the lead photo of a scheduled or published story, an author's
    # portrait, an image in a public story's embed) changes only with the stories around it.
    **_crud(
        "photos.photo",
        view={REPORTER: True, EDITOR: True, VIEWER: True},
        add={REPORTER: True, EDITOR: True},
        change={REPORTER: NOT_PUBLIC, EDITOR: True},
        delete=_EDITORS,
        thumbnail={REPORTER: True, EDITOR: True, VIEWER: True},
    ),
    **_crud(
        "articles.section",
        view={REPORTER: True, EDITOR: True, VIEWER: True},
        add=_EDITORS,
        change=_EDITORS,
        delete=_EDITORS,
    ),
    **_crud(
        "articles.author",
        view={REPORTER: True, EDITOR: True, VIEWER: True},
        add=_EDITORS,
        change=_EDITORS,
        delete=_EDITORS,
    ),
    # A preview link is a credential to read a story: editors only.
    **_crud(
        "editorial.previewlink",
        view=_EDITORS,
        add=_EDITORS,
        change=_EDITORS,
        delete=_EDITORS,
        revoke=_EDITORS,
    ),
    **_crud("articles.articleslughistory", view=_EDITORS, delete=_EDITORS),
    **_crud(
        "taggit.tag",
        view={REPORTER: True, EDITOR: True},
        add={REPORTER: True, EDITOR: True},
        change=_EDITORS,
        delete=_EDITORS,
        merge=_EDITORS,
    ),
    # --- nobody but a superuser ---
    **_nobody("auth.user", "view", "change", "delete"),
    ("auth.user", "set password"): {},
    # Inviting a journalist makes a staff account in a role: for those who may add users.
    ("auth.user", "invite"): {},
    **_nobody("auth.group", "view", "change", "delete"),
    **_nobody("axes.accessattempt", "view", "change", "delete"),
    **_nobody("axes.accesslog", "view", "change", "delete"),
    **_nobody("axes.accessfailurelog", "view", "change", "delete"),
    **_nobody("django_tasks_database.dbtaskresult", "view", "change", "delete"),
    # Second factors: a superuser may list and remove someone's (a lost phone); nobody sees
    # a secret (OTP_ADMIN_HIDE_SENSITIVE_DATA), so the authenticator's QR code and settings
    # pages refuse everyone.
    **_nobody("otp_totp.totpdevice", "view", "change", "delete"),
    **_nobody("otp_static.staticdevice", "view", "change", "delete"),
    # The audit log: superusers read it; nobody adds, changes or deletes an entry.
    **_nobody("core.auditentry", "view", "change", "delete"),
}

# Actions on a story model as a whole (no object, so no state).
MODEL_ACTIONS = frozenset({"view list", "add", "tag suggestions", "story picker", "photo picker"})

# Admin URL names beyond a ModelAdmin's standard five, each with the actions a GET and a POST
# perform (None: that method does nothing there, so it is refused to everyone).
VIEWS = {
    "login": ("admin", "sign in", "sign in"),
    "index": ("admin", "index", "index"),
    "logout": ("admin", None, "sign out"),
    "password_change": ("admin", "own password", "own password"),
    "password_change_done": ("admin", "own password", None),
    "jsi18n": ("admin", "translations", None),
    "articles_article_tag_suggestions": ("articles.article", "tag suggestions", "tag suggestions"),
    "articles_article_story_picker": ("articles.article", "story picker", None),
    "articles_article_photo_picker": ("articles.article", "photo picker", None),
    "articles_article_autosave": ("articles.article", None, "autosave"),
    "articles_article_autosave_discard": ("articles.article", None, "discard autosave"),
    "articles_article_presence": ("articles.article", None, "presence"),
    "articles_article_revisions": ("articles.article", "revisions", "revisions"),
    "articles_article_revision_compare": (
        "articles.article",
        "compare revisions",
        "compare revisions",
    ),
    "articles_article_revision_restore": (
        "articles.article",
        "restore revision",
        "restore revision",
    ),
    "articles_article_preview": ("articles.article", "preview", None),
    "articles_article_preview_link": (
        "articles.article",
        "make preview link",
        "make preview link",
    ),
    "photos_photo_thumbnail": ("photos.photo", "thumbnail", "thumbnail"),
    "taggit_tag_merge_tags": ("taggit.tag", "merge", "merge"),
    "auth_user_password_change": ("auth.user", "set password", "set password"),
    "auth_user_invite": ("auth.user", "invite", "invite"),
    "otp_totp_totpdevice_config": ("otp_totp.totpdevice", None, None),
    "otp_totp_totpdevice_qrcode": ("otp_totp.totpdevice", None, None),
}

# Bulk actions on a model's list, by the name the ModelAdmin gives them ((model, name) first).
ACTIONS = {
    ("articles.article", "delete_selected"): "bulk delete",
    "delete_selected": "delete",
    "cleanup_expired_attempts": "delete",
    "publish_now": "publish",
    "add_to_news_feed": "set curation flags",
    "remove_from_news_feed": "set curation flags",
    "mark_featured": "set curation flags",
    "unmark_featured": "set curation flags",
    "mark_editors_pick": "set curation flags",
    "unmark_editors_pick": "set curation flags",
    "withdraw_stories": "withdraw",
    "revoke": "revoke",
    "render_tag_form": "merge",
}


def allowed(role: str, model: str, action: str | None, state: str = ANY) -> bool:
    """Whether `role` may do `action` to an object of `model` in `state` (the table says so).

    An action missing from the table is refused: the policy fails closed.
    """
    if action is None:
        return False
    return state in POLICY.get((model, action), {}).get(role, frozenset())


def states_of(model: str, action: str) -> tuple[str, ...]:
    """The states an action is judged in: a story's states for an object tied to a story."""
    if model in STORY_MODELS and action not in MODEL_ACTIONS:
        return STORY_STATES
    return (ANY,)


def _cell(states: frozenset, model: str, action: str) -> str:
    if not states:
        return "no"
    if states == frozenset(states_of(model, action)):
        return "yes"
    if len(states) * 2 > len(STORY_STATES):
        return "all but " + ", ".join(s for s in STORY_STATES if s not in states)
    return ", ".join(s for s in STORY_STATES if s in states)


def markdown() -> str:
    """The table as docs/security.md prints it: one row per model and action."""
    header = "| model | action | " + " | ".join(ROLES) + " |"
    lines = [header, "|" + " --- |" * (len(ROLES) + 2)]
    for (model, action), rule in POLICY.items():
        cells = [_cell(rule.get(role, frozenset()), model, action) for role in ROLES]
        lines.append(f"| {model} | {action} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


# --- What the apps above register ---------------------------------------------------------

# The helpers their rows are written with.
crud = _crud
model_rule = _model_rule
nobody = _nobody
STAFF_ROLES = _STAFF
AUDIENCE_ONLY = _AUDIENCE
AUDIENCE_VIEW = _AUDIENCE_VIEW
EDITORS = _EDITORS


def register(
    *, rows=None, views=None, actions=None, story_models=(), viewer_permissions=()
) -> None:
    """Add an app's part of the policy (from its ready()): its `rows` ((model, action) ->
    rule), admin `views` and bulk `actions` as above, the models whose objects take a
    story's state (register these in a call of their own, before the rows: `crud`
    reads them), and the view_* permissions of the
    viewer role. A row that is already there is refused: one row, one owner."""
    STORY_MODELS.update(story_models)
    for permission in viewer_permissions:
        if permission not in VIEWER_PERMISSIONS:
            VIEWER_PERMISSIONS.append(permission)
    for table, new in ((POLICY, rows or {}), (VIEWS, views or {}), (ACTIONS, actions or {})):
        clash = [key for key in new if key in table and table[key] != new[key]]
        if clash:
            raise ValueError(f"Policy rows registered twice: {clash}")
        table.update(new)
