"""LibreOffice for the tests: real office files, as 信创 desktops write them.

soffice is required in CI (a missing one fails, as a missing Chromium fails the browser
journeys); elsewhere the tests that need it are skipped with the install line.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SOFFICE = os.environ.get("SOFFICE_PATH") or shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice():
    if SOFFICE and Path(SOFFICE).exists():
        return
    message = (
        "LibreOffice (soffice) not found: install libreoffice-writer-nogui and libreoffice-calc-nogui "
        "(scripts/sysdeps.sh test)."
    )
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def convert(source, target, outdir, infilter=None, fonts=None):
    """One conversion (a few seconds: start-up dominates) into `outdir`; returns the new file's
    bytes. A profile of its own: another soffice on the machine holds the default one's lock.
    `fonts`: a fontconfig file (FONTCONFIG_FILE) mapping the fonts a document names to installed ones."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    args = [SOFFICE, f"-env:UserInstallation={(outdir / 'profile').as_uri()}", "--headless", "--norestore"]
    if infilter:
        args.append(f"--infilter={infilter}")
    subprocess.run(
        [*args, "--convert-to", target, "--outdir", str(outdir), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
        env={**os.environ, "HOME": str(outdir), **({"FONTCONFIG_FILE": str(fonts)} if fonts else {})},
    )
    produced = [p for p in outdir.iterdir() if p.is_file() and p.stem == Path(source).stem]
    assert produced, f"soffice wrote nothing for {target}"
    return produced[0].read_bytes()
