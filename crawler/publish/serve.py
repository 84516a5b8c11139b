"""Serve archive.db with Datasette, read-only, with nianbao's metadata, plugins and templates.

`nianbao serve`, `make serve` and `nianbao demo` call `run_datasette`; the tests
and the benchmark start `serve_command_args(...)` as a subprocess.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from crawler.publish.metadata import write_metadata

HERE = Path(__file__).resolve().parent
PLUGINS_DIR = HERE / "plugins"
TEMPLATES_DIR = HERE / "templates"

# Settings that keep pages quick on a national archive and stop anything from being downloaded
# wholesale. The database is opened read-only but not immutable: archive.db is in WAL mode, so
# every page sees the last committed state while a crawl, ingest or reextract writes, and the
# new rows once it commits, with no restart.
SETTINGS = {
    "default_page_size": "50",
    "sql_time_limit_ms": "3000",
    "facet_time_limit_ms": "1000",
    "suggest_facets": "off",
    "truncate_cells_html": "300",
    "allow_download": "off",
    "default_cache_ttl": "60",
}


def metadata_path(db_path: str | Path, folder: str | Path | None = None) -> Path:
    """Where the generated metadata for this database is written: `folder`, else a fresh private one (0700).

    A fixed, guessable /tmp path could be created beforehand by another user
    and its metadata (canned queries, plugin settings) swapped in.
    """
    folder = Path(folder) if folder is not None else Path(tempfile.mkdtemp(prefix="nianbao-datasette-"))
    return folder / f"metadata-{Path(db_path).stem}.yml"


def serve_command_args(db_path: str | Path, host: str = "127.0.0.1", port: int = 8001,
                       metadata_dir: str | Path | None = None) -> list[str]:
    """The full `datasette serve` command line; writes the metadata file it names (in `metadata_dir`,
    else in a fresh private directory the caller removes)."""
    db_path = Path(db_path)
    meta = write_metadata(metadata_path(db_path, metadata_dir), db_name=db_path.stem)
    args = [
        sys.executable, "-m", "datasette", "serve", str(db_path),
        "--host", host, "--port", str(port),
        "--metadata", str(meta),
        "--plugins-dir", str(PLUGINS_DIR),
        "--template-dir", str(TEMPLATES_DIR),
    ]
    for name, value in SETTINGS.items():
        args += ["--setting", name, value]
    return args


def make_datasette(db_path: str | Path):
    """The same Datasette in-process (for JSON API tests): read-only db, metadata, plugins, templates."""
    from datasette.app import Datasette

    from crawler.publish.metadata import build_metadata

    db_path = Path(db_path)
    settings = {k: (v == "on" if v in ("on", "off") else int(v) if v.isdigit() else v)
                for k, v in SETTINGS.items()}
    return Datasette(files=[str(db_path)], metadata=build_metadata(db_path.stem),
                     plugins_dir=str(PLUGINS_DIR), template_dir=str(TEMPLATES_DIR), settings=settings)


def run_datasette(db_path: str | Path, host: str = "127.0.0.1", port: int = 8001) -> int:
    """Serve until interrupted (Ctrl-C or SIGTERM); returns Datasette's exit code, never leaves it running."""
    with tempfile.TemporaryDirectory(prefix="nianbao-datasette-") as metadata_dir:  # private (0700), removed after
        return _serve(serve_command_args(db_path, host, port, metadata_dir))


def _serve(args: list[str]) -> int:
    proc = subprocess.Popen(args)
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        return proc.wait()
    except (KeyboardInterrupt, SystemExit):
        return 0
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
