from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup_site folder into this site's (empty) database and media storage, "
        "then check the row counts against the backup's manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="A folder written by backup_site.")

    def handle(self, *args, folder, **options):
        try:
            manifest = restore(Path(folder))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored {manifest['counts']} and {manifest['restored_media_files']} media files "
            f"from the backup of {manifest['created_at']}."
        )
