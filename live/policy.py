"""Who may post and change live updates: this app's rows of the newsroom's permission
policy (editorial/policy.py), registered from live.apps' ready(). The policy matrix test
(tests/security) checks every admin page of this app against them."""

from editorial import policy


def register():
    # First: the rows below are judged in a story's states only once the model is known.
    policy.register(story_models=["live.liveupdate"])
    policy.register(
        rows={
            ("admin", "app live"): policy.model_rule(editor=True),
            **policy.crud(
                "live.liveupdate",
                view=policy.EDITORS,
                add=policy.EDITORS,
                change=policy.EDITORS,
                delete=policy.EDITORS,
                **{"break out": policy.EDITORS},
            ),
        },
        actions={"break_out_updates": "break out"},
    )
