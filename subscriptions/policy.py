"""The audience desk's subscribers, lists and suppressions: this app's rows of the permission
policy (editorial/policy.py), registered from subscriptions.apps' ready(). The policy matrix test
(tests/security) checks every admin page of this app against them."""

from editorial import policy


def register():
    policy.register(
        viewer_permissions=[
            "subscriptions.view_subscriber",
            "subscriptions.view_subscription",
            "subscriptions.view_consentevent",
            "subscriptions.view_suppression",
            "subscriptions.view_newsletter",
        ],
        rows={
            ("admin", "app subscriptions"): policy.model_rule(audience=True, viewer=True),
            **policy.crud(
                "subscriptions.subscriber",
                view=policy.AUDIENCE_VIEW,
                change=policy.AUDIENCE_ONLY,
                unsubscribe=policy.AUDIENCE_ONLY,
                **{
                    "resend confirmation": policy.AUDIENCE_ONLY,
                    "erase personal data": policy.AUDIENCE_ONLY,
                },
                **{"export personal data": policy.AUDIENCE_VIEW},
            ),
            ("subscriptions.subscriber", "import"): policy.model_rule(audience=True),
            ("subscriptions.subscriber", "dashboard"): policy.model_rule(
                audience=True, viewer=True
            ),
            ("subscriptions.subscriber", "purge pending"): policy.model_rule(audience=True),
            ("subscriptions.subscriber", "export list"): policy.model_rule(
                audience=True, viewer=True
            ),
            **policy.crud(
                "subscriptions.suppression", view=policy.AUDIENCE_VIEW, delete=policy.AUDIENCE_ONLY
            ),
            **policy.crud(
                "subscriptions.newsletter",
                view=policy.AUDIENCE_VIEW,
                add=policy.AUDIENCE_ONLY,
                change=policy.AUDIENCE_ONLY,
                delete=policy.AUDIENCE_ONLY,
            ),
        },
        views={
            "subscriptions_import": ("subscriptions.subscriber", "import", "import"),
            "subscriptions_import_run": ("subscriptions.subscriber", "import", "import"),
            "subscriptions_dashboard": ("subscriptions.subscriber", "dashboard", "purge pending"),
            "subscriptions_newsletter_dashboard": (
                "subscriptions.subscriber",
                "dashboard",
                "dashboard",
            ),
            "subscriptions_export": ("subscriptions.subscriber", "export list", "export list"),
            "subscriptions_export_page": ("subscriptions.subscriber", "export list", "export list"),
            "subscriptions_subscriber_unsubscribe_from": (
                "subscriptions.subscriber",
                "unsubscribe",
                "unsubscribe",
            ),
        },
        actions={
            "unsubscribe_selected": "unsubscribe",
            "resend_confirmation": "resend confirmation",
            "erase_selected": "erase personal data",
            "export_personal_data": "export personal data",
        },
    )
