from django.core.management.base import BaseCommand

from photos.models import Photo
from photos.renditions import ensure_renditions, has_renditions


class Command(BaseCommand):
    help = "Make the resized WebP/JPEG renditions of every photo that is missing them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Rewrite the renditions of every photo."
        )

    def handle(self, *args, force=False, **options):
        made = 0
        for photo in Photo.objects.exclude(image="").order_by("pk").iterator(chunk_size=200):
            # ensure_renditions also checks the files; skipping recorded ones here keeps a
            # re-run over thousands of photos from touching storage for each of them.
            if not force and has_renditions(photo) and "crops" in photo.renditions:
                continue
            try:
                ensure_renditions(photo, force=force)
            except OSError as error:
                self.stderr.write(f"Photo {photo.pk}: cannot read {photo.image.name}: {error}")
                continue
            made += 1
        self.stdout.write(self.style.SUCCESS(f"Made renditions for {made} photo(s)."))
