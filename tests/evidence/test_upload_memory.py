"""Uploads stream to disk: parsing a large multipart body keeps memory flat."""

import io
import tracemalloc

from django.core.files.uploadedfile import TemporaryUploadedFile
from django.http.multipartparser import MultiPartParser
from django.test import RequestFactory

from core.uploads import HashingUploadHandler

BOUNDARY = "----fazhiboundary"
SIZE = 40 * 1024 * 1024


class StreamedBody(io.RawIOBase):
    """A multipart body produced on the fly: never held in memory as a whole."""

    def __init__(self, size):
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="大文件.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        self.parts = [head, b"%PDF-1.4\n", None, tail]
        self.remaining = size
        self.total = len(head) + 9 + size + len(tail)

    def readable(self):
        return True

    def readinto(self, buffer):
        while self.parts:
            part = self.parts[0]
            if part is None:
                if self.remaining <= 0:
                    self.parts.pop(0)
                    continue
                n = min(len(buffer), self.remaining, 1 << 16)
                buffer[:n] = b"0" * n
                self.remaining -= n
                return n
            n = min(len(buffer), len(part))
            buffer[:n] = part[:n]
            self.parts[0] = part[n:]
            if not self.parts[0]:
                self.parts.pop(0)
            return n
        return 0


def test_large_upload_is_written_to_disk_not_memory(settings):
    settings.EVIDENCE_MAX_UPLOAD_MB = 100
    body = StreamedBody(SIZE)
    request = RequestFactory().post("/", content_type=f"multipart/form-data; boundary={BOUNDARY}")
    meta = {
        **request.META,
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "CONTENT_LENGTH": str(body.total),
    }
    handler = HashingUploadHandler(request)
    tracemalloc.start()
    try:
        _post, files = MultiPartParser(meta, io.BufferedReader(body, 1 << 16), [handler], "utf-8").parse()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    upload = files["files"]
    assert isinstance(upload, TemporaryUploadedFile)
    assert upload.size == SIZE + 9 and len(upload.sha256) == 64
    assert peak < 4 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB while parsing {SIZE / 1e6:.0f} MB"
    upload.close()
