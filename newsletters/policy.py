"""The audience desk's issues and deliveries: this app's rows of the newsroom's permission
policy (editorial/policy.py), registered from newsletters.apps' ready(). The policy matrix test
(tests/security) checks every admin page of this app against them."""

from editorial import policy


def register():
    policy.register(
        viewer_permissions=[
            "newsletters.view_newsletterissue",
            "newsletters.view_issuestory",
            "newsletters.view_delivery",
        ],
        rows={
            ("admin", "app newsletters"): policy.model_rule(audience=True, viewer=True),
            **policy.crud(
                "newsletters.newsletterissue",
                view=policy.AUDIENCE_VIEW,
                add=policy.AUDIENCE_ONLY,
                change=policy.AUDIENCE_ONLY,
                delete=policy.AUDIENCE_ONLY,
                preview=policy.AUDIENCE_VIEW,
                progress=policy.AUDIENCE_VIEW,
                # A test send mails the issue: it needs the send permission, like a real send.
                **{"test send": policy.AUDIENCE_ONLY},
                fill=policy.AUDIENCE_ONLY,
                send=policy.AUDIENCE_ONLY,
                **{"settle uncertain": policy.AUDIENCE_ONLY},
            ),
            **policy.crud("newsletters.delivery", view=policy.AUDIENCE_VIEW),
        },
        views={
            "newsletters_issue_preview": ("newsletters.newsletterissue", "preview", "preview"),
            "newsletters_issue_preview_html": ("newsletters.newsletterissue", "preview", "preview"),
            "newsletters_issue_preview_text": ("newsletters.newsletterissue", "preview", "preview"),
            "newsletters_issue_test": ("newsletters.newsletterissue", None, "test send"),
            "newsletters_issue_send": ("newsletters.newsletterissue", "send", "send"),
            "newsletters_issue_unschedule": ("newsletters.newsletterissue", None, "send"),
            "newsletters_issue_resume": ("newsletters.newsletterissue", None, "send"),
            "newsletters_issue_uncertain": (
                "newsletters.newsletterissue",
                None,
                "settle uncertain",
            ),
            "newsletters_issue_fill": ("newsletters.newsletterissue", None, "fill"),
            "newsletters_issue_progress": ("newsletters.newsletterissue", "progress", "progress"),
        },
    )
