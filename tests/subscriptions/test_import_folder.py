"""Uploaded subscriber lists wait in a private folder: 0700, ours, files 0600, never reused.

The default folder sits in the shared system temp directory, where any local user may create
a folder of that name first (or a symlink to one they can read) and collect every upload.
"""

import os
import stat

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from subscriptions.models import ConsentEvent, Subscriber, Subscription

pytestmark = pytest.mark.django_db
UPLOAD = reverse("admin:subscriptions_import")
CSV = b"email,consent_date\nreader@example.org,2025-03-01\n"


@pytest.fixture
def permissive_umask():
    """The modes must not depend on the umask the server happens to start with."""
    previous = os.umask(0)
    yield
    os.umask(previous)


def upload(client, newsletter):
    return client.post(
        UPLOAD,
        {"file": SimpleUploadedFile("list.csv", CSV, "text/csv"), "newsletter": newsletter.pk},
    )


def mode(path):
    return stat.S_IMODE(os.lstat(path).st_mode)


def assert_nothing_stored(folder):
    assert not Subscriber.objects.exists()
    assert not Subscription.objects.exists()
    assert not ConsentEvent.objects.exists()
    if folder.is_dir() and not folder.is_symlink():
        assert not list(folder.iterdir())


def test_the_folder_is_created_private_and_uploads_are_0600(
    admin_client, newsletter, settings, tmp_path, permissive_umask
):
    settings.SUBSCRIBER_IMPORT_DIR = tmp_path / "imports"

    response = upload(admin_client, newsletter)

    assert response.status_code == 302
    assert mode(settings.SUBSCRIBER_IMPORT_DIR) == 0o700
    (stored,) = settings.SUBSCRIBER_IMPORT_DIR.iterdir()
    assert mode(stored) == 0o600
    assert os.lstat(stored).st_uid == os.geteuid()


@pytest.mark.parametrize("loose_mode", [0o755, 0o770, 0o701, 0o1777], ids=oct)
def test_a_folder_others_can_reach_is_refused(
    admin_client, newsletter, settings, tmp_path, loose_mode
):
    folder = tmp_path / "imports"
    folder.mkdir()
    folder.chmod(loose_mode)
    settings.SUBSCRIBER_IMPORT_DIR = folder

    response = upload(admin_client, newsletter)

    assert response.status_code == 200
    message = response.context["form"].non_field_errors()[0]
    assert str(folder) in message and "chmod 700" in message
    assert mode(folder) == loose_mode  # refused, not silently "fixed"
    assert_nothing_stored(folder)


def test_a_folder_owned_by_someone_else_is_refused(admin_client, newsletter, settings, tmp_path):
    folder = tmp_path / "imports"
    folder.mkdir(mode=0o700)
    try:
        os.chown(folder, 65534, 65534)  # nobody
    except PermissionError:
        pytest.skip("changing a folder's owner needs root")
    settings.SUBSCRIBER_IMPORT_DIR = folder

    response = upload(admin_client, newsletter)

    assert response.status_code == 200
    message = response.context["form"].non_field_errors()[0]
    assert str(folder) in message and "owned by" in message
    assert_nothing_stored(folder)


def test_a_symlinked_folder_is_refused(admin_client, newsletter, settings, tmp_path):
    elsewhere = tmp_path / "someone-elses"
    elsewhere.mkdir(mode=0o700)
    folder = tmp_path / "imports"
    folder.symlink_to(elsewhere)
    settings.SUBSCRIBER_IMPORT_DIR = folder

    response = upload(admin_client, newsletter)

    assert response.status_code == 200
    assert "symbolic link" in response.context["form"].non_field_errors()[0]
    assert not list(elsewhere.iterdir())
    assert_nothing_stored(folder)


def test_a_stored_upload_is_not_read_from_a_folder_that_became_unsafe(
    admin_client, newsletter, settings, tmp_path
):
    settings.SUBSCRIBER_IMPORT_DIR = tmp_path / "imports"
    run_url = upload(admin_client, newsletter)["Location"].split("?")[0]
    settings.SUBSCRIBER_IMPORT_DIR.chmod(0o777)

    response = admin_client.post(
        run_url, {"email": "email", "consent_date": "consent_date", "newsletter": newsletter.pk}
    )

    assert response.status_code == 302 and response["Location"] == UPLOAD
    assert not Subscriber.objects.exists()


def test_an_upload_never_replaces_or_follows_an_existing_name(settings, tmp_path):
    from subscriptions import import_files

    settings.SUBSCRIBER_IMPORT_DIR = tmp_path / "imports"
    folder = import_files.import_dir()
    target = tmp_path / "target.txt"
    target.write_text("keep me")
    planted = folder / "planted.csv"
    planted.symlink_to(target)
    existing = folder / "existing.csv"
    existing.write_text("first upload")

    for path in (planted, existing):
        with pytest.raises(FileExistsError):
            import_files.create_private_file(path)

    assert target.read_text() == "keep me"
    assert existing.read_text() == "first upload"


def test_check_deploy_reports_a_folder_others_can_reach(settings, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    folder = tmp_path / "imports"
    folder.mkdir()
    folder.chmod(0o755)
    settings.SUBSCRIBER_IMPORT_DIR = folder

    with pytest.raises(SystemCheckError, match="subscriptions.E001"):
        call_command("check", "--deploy", "--tag", "security", "--fail-level", "ERROR")

    folder.chmod(0o700)
    call_command("check", "--deploy", "--tag", "security", "--fail-level", "ERROR")
