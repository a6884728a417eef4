"""Who may moderate comments: this app's rows of the newsroom's permission
policy (editorial/policy.py), registered from comments.apps' ready(). The policy matrix test
(tests/security) checks every admin page of this app against them."""

from editorial import policy


def register():
    # First: the rows below are judged in a story's states only once the model is known.
    policy.register(story_models=["comments.comment"])
    policy.register(
        rows={
            ("admin", "app comments"): policy.model_rule(editor=True),
            **policy.crud(
                "comments.comment",
                view=policy.EDITORS,
                change=policy.EDITORS,
                delete=policy.EDITORS,
                approve=policy.EDITORS,
                remove=policy.EDITORS,
            ),
        },
        actions={"approve_comments": "approve", "remove_comments": "remove"},
    )
