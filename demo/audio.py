"""Demo audio versions: a few stories read aloud by a synthetic voice, so the demo shows the
player, the transcript page and the AI-assistance line readers are given.

The clips are made once by `python manage.py make_demo_audio` with espeak-ng (speech) and
LAME (MP3), both Debian packages, and committed under demo/data/audio/: the loader only
copies them into storage, so `make run` needs neither tool. Each clip reads the story's
headline, standfirst and first paragraph, and that text is stored as its transcript.
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from .writing import DATA_DIR

AUDIO_DATA_DIR = DATA_DIR / "audio"
AUDIO_STORAGE_DIR = "audio/demo"
# Stories near the top of the home page, one each from news, a human story and culture.
AUDIO_SLUGS = (
    "evacuation-trains-resume-from-zelenobrid-after-three-day-pause",
    "the-kitchen-that-feeds-forty-displaced-families-every-sunday",
    "a-theatre-in-a-bomb-shelter-sells-out-every-night",
)
# espeak-ng's British English voice at a calm reading pace; a mono 32 kbit/s MP3 is about
# 4 KB a second, so a half-minute clip stays near 100 KB.
VOICE = ["-v", "en-gb", "-s", "150"]
MP3 = ["--quiet", "-m", "m", "-b", "32", "--resample", "22.05"]


def script(seed) -> str:
    """What the clip says, which is also its transcript."""
    return "\n\n".join((seed.headline + ".", seed.dek, seed.lead))


def clip_path(slug: str) -> Path:
    return AUDIO_DATA_DIR / f"{slug}.mp3"


def record(seed, destination: Path) -> None:
    """Speak the story's script into an MP3 at `destination` (needs espeak-ng and lame)."""
    missing = [tool for tool in ("espeak-ng", "lame") if shutil.which(tool) is None]
    if missing:
        raise RuntimeError(
            f"Install {' and '.join(missing)} first (apt-get install espeak-ng lame)."
        )
    with tempfile.TemporaryDirectory() as folder:
        wav = Path(folder) / "speech.wav"
        subprocess.run(["espeak-ng", *VOICE, "-w", str(wav), script(seed)], check=True)
        subprocess.run(["lame", *MP3, str(wav), str(destination)], check=True)


def attach_audio(created, seeds):
    """Give the stories of AUDIO_SLUGS created in this run their clip, marked as made with
    AI assistance, with the spoken text as transcript. Returns how many got one."""
    by_slug = {seed.slug: seed for seed in seeds}
    attached = 0
    for slug in AUDIO_SLUGS:
        if slug not in created:
            continue
        article, _ = created[slug]
        name = f"{AUDIO_STORAGE_DIR}/{slug}.mp3"
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(clip_path(slug).read_bytes()))
        article.audio = name
        article.audio_ai_assisted = True
        article.audio_transcript = script(by_slug[slug])
        article.save(update_fields=["audio", "audio_ai_assisted", "audio_transcript"])
        attached += 1
    return attached
