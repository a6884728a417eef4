from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, or SQLite's online backup) and every media file "
        "(local folder or S3 bucket) into a folder; restore it with restore_site."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="Where the backup goes (made if missing).")

    def handle(self, *args, folder, **options):
        target = Path(folder)
        if target.exists() and any(target.iterdir()):
            raise CommandError(f"{target} is not empty: back up into a new folder.")
        try:
            manifest = backup(target)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backed up {manifest['engine']} ({manifest['counts']}) and "
            f"{manifest['media_files']} media files into {target}."
        )
