"""make backup / make restore: an empty database gets everything back, files included."""

import hashlib
import shutil

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from core.models import AuditEvent, User
from evidence.models import Evidence
from evidence.services import evidence_add
from org import permissions
from tests.evidence import samples

pytestmark = pytest.mark.django_db(transaction=True)


def test_backup_restores_into_an_empty_database_and_finds_every_file(world, tmp_path, settings):
    evidence_add(
        assignment=world.shares.a_soon,
        kind="document",
        title="通知",
        upload=SimpleUploadedFile("通知.pdf", samples.pdf("b")),
        by=world.liaison_a,
    )
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", "-o", str(archive))
    counts = {"users": User.objects.count(), "evidence": Evidence.objects.count(), "audit": AuditEvent.objects.count()}
    call_command("flush", "--noinput")
    shutil.rmtree(settings.MEDIA_ROOT)
    call_command("migrate", "-v0")  # recreate the permissions flush removed
    call_command("restore", str(archive))
    assert {
        "users": User.objects.count(),
        "evidence": Evidence.objects.count(),
        "audit": AuditEvent.objects.count(),
    } == counts
    call_command("verify_audit")  # the restored trail still verifies (its hash chain came back whole)
    revision = Evidence.objects.get().current_revision
    with revision.file.open("rb") as fh:
        assert hashlib.sha256(fh.read()).hexdigest() == revision.sha256
    liaison = User.objects.get(username="liaison-a")
    assert permissions.can(liaison, permissions.CONTRIBUTE_UNIT_WORK, Evidence.objects.get())


def test_restore_refuses_a_database_that_is_not_empty(world, tmp_path):
    from django.core.management import CommandError

    archive = tmp_path / "backup.tar.gz"
    call_command("backup", "-o", str(archive))
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive))
