"""Pages and appeals, for a superuser only: this app's rows of the newsroom's permission
policy (editorial/policy.py), registered from pages.apps' ready(). The policy matrix test
(tests/security) checks every admin page of this app against them."""

from editorial import policy


def register():
    policy.register(
        rows={
            ("admin", "app pages"): {},
            **policy.nobody("pages.page", "view", "change", "delete"),
            **policy.nobody("pages.supportappeal", "view", "change", "delete"),
        },
    )
