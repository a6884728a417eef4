"""Media embeds from an allow-list of providers, without any network call.

`parse_media_url(url)` turns a pasted URL into `MediaEmbed` data, or returns None when the URL
is not a post or video of an allowed provider. Only the ID is taken from the URL (checked
against a strict pattern), and the embed address is rebuilt from it, so nothing a user typed
reaches an iframe `src` except that ID.

- YouTube (watch?v=, youtu.be/, /shorts/, /embed/) → iframe on the privacy-enhanced
  www.youtube-nocookie.com
- Vimeo (vimeo.com/ID, player.vimeo.com/video/ID, optional unlisted hash) → player iframe
- Telegram public channel post (t.me/channel/123) → the post's own `?embed=1` iframe
- X / Twitter post (x.com or twitter.com /user/status/ID) → a static quote card with a link;
  X's widget script is never loaded.
"""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

ALLOWED_PROVIDERS = "YouTube, Vimeo, Telegram (public channel post) or X/Twitter (a post)"

YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
VIMEO_ID = re.compile(r"[0-9]{1,12}")
VIMEO_HASH = re.compile(r"[0-9a-f]{6,20}")
TELEGRAM_CHANNEL = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
TELEGRAM_POST = re.compile(r"[0-9]{1,10}")
X_USER = re.compile(r"[A-Za-z0-9_]{1,15}")
X_STATUS = re.compile(r"[0-9]{1,20}")

YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtube-nocookie.com",
                 "www.youtube-nocookie.com"}  # fmt: skip
VIMEO_HOSTS = {"vimeo.com", "www.vimeo.com"}
TELEGRAM_HOSTS = {"t.me", "telegram.me", "www.t.me"}
X_HOSTS = {"x.com", "www.x.com", "twitter.com", "www.twitter.com", "mobile.twitter.com",
           "mobile.x.com"}  # fmt: skip
# Paths on t.me that are not channels.
TELEGRAM_RESERVED = {"s", "c", "joinchat", "addstickers", "share", "proxy", "socks", "iv"}


@dataclass(frozen=True)
class MediaEmbed:
    provider: str  # "youtube" | "vimeo" | "telegram" | "x"
    provider_name: str
    url: str  # canonical public address of the post or video
    iframe_src: str = ""  # empty for quote cards
    handle: str = ""  # the X account or Telegram channel

    @property
    def is_iframe(self):
        return bool(self.iframe_src)

    @property
    def is_video(self):
        return self.provider in {"youtube", "vimeo"}


def _full(pattern, value):
    return value if value and pattern.fullmatch(value) else None


def _split(url):
    """Parts of an http(s) URL with a plain host, or None for anything unusual."""
    if not isinstance(url, str) or len(url) > 500 or any(c in url for c in "\\\r\n\t <>\"'"):
        return None
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"} or parts.username or parts.password or port:
        return None
    host = (parts.hostname or "").lower()
    segments = [segment for segment in parts.path.split("/") if segment]
    return host, segments, parts.query


def _youtube(host, segments, query):
    if host == "youtu.be":
        video_id = segments[0] if len(segments) == 1 else None
    elif host in YOUTUBE_HOSTS:
        if segments == ["watch"]:
            values = parse_qs(query).get("v", [])
            video_id = values[0] if len(values) == 1 else None
        elif len(segments) == 2 and segments[0] in {"shorts", "embed", "live"}:
            video_id = segments[1]
        else:
            video_id = None
    else:
        return None
    video_id = _full(YOUTUBE_ID, video_id)
    if not video_id:
        return None
    return MediaEmbed(
        provider="youtube",
        provider_name="YouTube",
        url=f"https://www.youtube.com/watch?v={video_id}",
        iframe_src=f"https://www.youtube-nocookie.com/embed/{video_id}",
    )


def _vimeo(host, segments, query):
    if host in VIMEO_HOSTS and len(segments) in {1, 2}:
        video_id, unlisted_hash = segments[0], segments[1] if len(segments) == 2 else None
    elif host == "player.vimeo.com" and len(segments) == 2 and segments[0] == "video":
        video_id, unlisted_hash = segments[1], (parse_qs(query).get("h") or [None])[0]
    else:
        return None
    video_id = _full(VIMEO_ID, video_id)
    if not video_id or (unlisted_hash is not None and not _full(VIMEO_HASH, unlisted_hash)):
        return None
    suffix = f"?h={unlisted_hash}" if unlisted_hash else ""
    public = f"https://vimeo.com/{video_id}" + (f"/{unlisted_hash}" if unlisted_hash else "")
    return MediaEmbed(
        provider="vimeo",
        provider_name="Vimeo",
        url=public,
        iframe_src=f"https://player.vimeo.com/video/{video_id}{suffix}",
    )


def _telegram(host, segments, query):
    if host not in TELEGRAM_HOSTS:
        return None
    if len(segments) == 3 and segments[0] == "s":
        segments = segments[1:]
    if len(segments) != 2 or segments[0].lower() in TELEGRAM_RESERVED:
        return None
    channel, post = _full(TELEGRAM_CHANNEL, segments[0]), _full(TELEGRAM_POST, segments[1])
    if not channel or not post:
        return None
    return MediaEmbed(
        provider="telegram",
        provider_name="Telegram",
        url=f"https://t.me/{channel}/{post}",
        iframe_src=f"https://t.me/{channel}/{post}?embed=1",
        handle=channel,
    )


def _x(host, segments, query):
    if host not in X_HOSTS or len(segments) != 3 or segments[1] != "status":
        return None
    user, status = _full(X_USER, segments[0]), _full(X_STATUS, segments[2])
    if not user or not status:
        return None
    return MediaEmbed(provider="x", provider_name="X", url=f"https://x.com/{user}/status/{status}",
                      handle=user)  # fmt: skip


PARSERS = (_youtube, _vimeo, _telegram, _x)


def parse_media_url(url):
    """Embed data for an allowed provider's URL, or None for every other URL."""
    parts = _split(url)
    if parts is None:
        return None
    for parser in PARSERS:
        embed = parser(*parts)
        if embed is not None:
            return embed
    return None


def is_allowed_media_url(url):
    return parse_media_url(url) is not None
