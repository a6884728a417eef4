"""Read counts, for a superuser only: this app's rows of the newsroom's permission
policy (editorial/policy.py), registered from popularity.apps' ready(). The policy matrix test
(tests/security) checks every admin page of this app against them."""

from editorial import policy


def register():
    # First: the rows below are judged in a story's states only once the model is known.
    policy.register(story_models=["popularity.articledailyviews"])
    policy.register(
        rows={
            ("admin", "app popularity"): {},
            **policy.nobody("popularity.articledailyviews", "view", "change", "delete"),
        },
    )
