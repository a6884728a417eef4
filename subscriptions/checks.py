"""`manage.py check --deploy` errors for subscriber data: the bounce webhook's credentials and
the import folder kept outside the database."""

import os
from pathlib import Path

from django.conf import settings
from django.core import checks

from .email_webhooks import check_email_webhook
from .import_files import ImportFolderError, check_private_folder

checks.register(check_email_webhook, checks.Tags.security, deploy=True)


@checks.register(checks.Tags.security, deploy=True)
def check_import_folder(app_configs, **kwargs):
    # Only a folder that exists can be judged; a missing one is created private on first use.
    directory = Path(settings.SUBSCRIBER_IMPORT_DIR)
    if not os.path.lexists(directory):
        return []
    try:
        check_private_folder(directory)
    except ImportFolderError as problem:
        return [checks.Error(str(problem), id="subscriptions.E001")]
    return []
