"""Image thumbnails, made in the background."""

import io
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageOps

from .models import EvidenceRevision

THUMBNAIL_SIZE = (480, 480)
# Pillow's own guard (it raises above twice this); ours below refuses earlier, undecoded.
Image.MAX_IMAGE_PIXELS = 80_000_000
logger = logging.getLogger(__name__)


def thumbnail_make(revision_id):
    """Make a JPEG thumbnail of an image revision, upright as the camera meant it
    (EXIF orientation). Returns True when one was made."""
    revision = EvidenceRevision.objects.filter(pk=revision_id).first()
    if revision is None or revision.thumbnail or not revision.is_image or not revision.file:
        return False
    with revision.file.open("rb") as fh, Image.open(fh) as image:
        width, height = image.size  # from the header: nothing is decoded yet
        if width * height > settings.EVIDENCE_MAX_IMAGE_MEGAPIXELS * 1_000_000:
            # Slipped past the upload check (stored before it, or the limit was lowered): no thumbnail.
            logger.warning("no thumbnail for revision %s: %s x %s pixels", revision.pk, width, height)
            return False
        image = ImageOps.exif_transpose(image)
        image.thumbnail(THUMBNAIL_SIZE)
        out = io.BytesIO()
        image.convert("RGB").save(out, "JPEG", quality=82)
    revision.thumbnail.save("thumb.jpg", ContentFile(out.getvalue()), save=False)
    # Only this column: a concurrent run that saved first wins, harmlessly.
    EvidenceRevision.objects.filter(pk=revision.pk, thumbnail="").update(thumbnail=revision.thumbnail.name)
    return True
