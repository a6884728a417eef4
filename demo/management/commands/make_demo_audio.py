from django.core.management.base import BaseCommand, CommandError

from demo import audio, writing


class Command(BaseCommand):
    help = (
        "Record the demo's audio clips into demo/data/audio/ with espeak-ng and lame (Debian "
        "packages). Run once and commit the files; load_demo only copies them."
    )

    def handle(self, *args, **options):
        seeds = {seed.slug: seed for seed in writing.story_seeds()}
        audio.AUDIO_DATA_DIR.mkdir(exist_ok=True)
        for slug in audio.AUDIO_SLUGS:
            path = audio.clip_path(slug)
            try:
                audio.record(seeds[slug], path)
            except RuntimeError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"{path.name}: {path.stat().st_size // 1024} KB")
