"""What else happens when a story moves between statuses, told by the apps that care.

articles.services moves stories (publish, withdraw, save_story, ...) and calls `announce`
after each move; the app above that keeps the desk's records (editorial: the StatusChange
row, the audit entry, the email to the editors when a story goes to review, the end of a
withdrawn story's preview links) registers in its ready(), as live registers the News Feed
(articles.news_feed):

    from articles.status_changes import on_status_change
    on_status_change(review.story_moved)

Listeners run inside the service's transaction, in the order they registered.
"""

_listeners = []


def on_status_change(listener) -> None:
    """`listener(article, *, from_status, by, note)`: `by` is the staff user or None."""
    if listener not in _listeners:
        _listeners.append(listener)


def announce(article, *, from_status: str, by, note: str = "") -> None:
    """Tell every listener that `article` moved from `from_status` to its status now."""
    if from_status == article.status:
        return
    for listener in list(_listeners):
        listener(article, from_status=from_status or "", by=by, note=note[:300])
