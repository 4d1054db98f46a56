import io
import json
import os
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

# Rebuilt by migrate, or short-lived: not part of a backup.
EXCLUDE = [
    "contenttypes",
    "auth.permission",
    "sessions",
    "core.usersession",
    "axes",
    "admin.logentry",
    "django_celery_beat",
]


class Command(BaseCommand):
    help = "Write a backup archive: the database as portable JSON (natural keys) plus every uploaded file."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="archive path (default: var/backups/fazhi-YYYYmmdd-HHMMSS.tar.gz)")

    def handle(self, output=None, **options):
        target = Path(
            output or Path(settings.VAR_DIR) / "backups" / f"fazhi-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
        )
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w+", suffix=".json", delete=False, encoding="utf-8") as dump:
            excludes = [arg for app in EXCLUDE for arg in ("--exclude", app)]
            call_command("dumpdata", "--natural-foreign", "--natural-primary", *excludes, stdout=dump)
        media = Path(settings.MEDIA_ROOT)
        with tarfile.open(target, "w:gz") as tar:
            tar.add(dump.name, arcname="database.json")
            if media.is_dir():
                tar.add(media, arcname="media")
            info = json.dumps({"created": timezone.now().isoformat(), "format": 1}).encode()
            meta = tarfile.TarInfo("backup.json")
            meta.size = len(info)
            tar.addfile(meta, io.BytesIO(info))
        os.unlink(dump.name)
        self.stdout.write(str(target))
