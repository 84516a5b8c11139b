"""DOC, WPS and XLS → DOCX/XLSX with LibreOffice headless, one private profile per call.

LibreOffice refuses to run twice on one profile directory, and a stuck
conversion must not hang a crawl, so each call gets its own temporary
profile and process group, and is killed on timeout.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from crawler.extract.files.limits import CONVERT_TIMEOUT, fail


def soffice() -> str | None:
    """The LibreOffice binary, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(data: bytes, suffix: str, target: str, name: str | None = None,
            timeout: float = CONVERT_TIMEOUT) -> bytes:
    """Convert ``data`` (a file ending in ``suffix``) to ``target`` ('docx', 'xlsx', 'pdf', 'doc') and return it."""
    binary = soffice()
    if binary is None:
        raise fail(name, f"LibreOffice (soffice) is needed to read {suffix} files and is not installed")
    with tempfile.TemporaryDirectory(prefix="nianbao-lo-") as tmp:
        work = Path(tmp)
        src = work / f"in{suffix}"
        src.write_bytes(data)
        out_dir = work / "out"
        profile = (work / "profile").as_uri()
        cmd = [binary, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nolockcheck",
               "--convert-to", target, "--outdir", str(out_dir), str(src)]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                                env={**os.environ, "HOME": tmp})
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise fail(name, f"LibreOffice took longer than {timeout:g} s converting {suffix} to {target}") from None
        outs = list(out_dir.glob(f"*.{target.split(':')[0]}")) if out_dir.exists() else []
        if proc.returncode != 0 or not outs:
            msg = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
            raise fail(name, f"LibreOffice could not convert {suffix} to {target}: {msg[0]}")
        return outs[0].read_bytes()
