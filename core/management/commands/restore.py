import shutil
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from core.models import User


class Command(BaseCommand):
    help = "Restore a backup archive into an empty, migrated database and put the uploaded files back."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, path, **options):
        if User.objects.exists():
            raise CommandError("The database is not empty: restore only into a fresh, migrated database.")
        with tempfile.TemporaryDirectory() as work, tarfile.open(path, "r:gz") as tar:
            tar.extractall(work, filter="data")  # "data": no absolute paths, links or devices from the archive
            call_command(
                "loaddata", str(Path(work) / "database.json"), verbosity=0
            )  # loaddata is all or nothing itself
            source = Path(work) / "media"
            if source.is_dir():
                shutil.copytree(source, settings.MEDIA_ROOT, dirs_exist_ok=True)
        self.stdout.write(self.style.SUCCESS("Restored."))
