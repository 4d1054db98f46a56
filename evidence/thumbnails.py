"""Image thumbnails, made in the background."""

import io

from django.core.files.base import ContentFile
from PIL import Image, ImageOps

from .models import EvidenceRevision

THUMBNAIL_SIZE = (480, 480)
# Refuse decompression bombs: a photo from a phone is far below this.
Image.MAX_IMAGE_PIXELS = 80_000_000


def thumbnail_make(revision_id):
    """Make a JPEG thumbnail of an image revision, upright as the camera meant it
    (EXIF orientation). Returns True when one was made."""
    revision = EvidenceRevision.objects.filter(pk=revision_id).first()
    if revision is None or revision.thumbnail or not revision.is_image or not revision.file:
        return False
    with revision.file.open("rb") as fh, Image.open(fh) as image:
        image = ImageOps.exif_transpose(image)
        image.thumbnail(THUMBNAIL_SIZE)
        out = io.BytesIO()
        image.convert("RGB").save(out, "JPEG", quality=82)
    revision.thumbnail.save("thumb.jpg", ContentFile(out.getvalue()), save=False)
    # Only this column: a concurrent run that saved first wins, harmlessly.
    EvidenceRevision.objects.filter(pk=revision.pk, thumbnail="").update(thumbnail=revision.thumbnail.name)
    return True
