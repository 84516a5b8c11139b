"""Shared fixtures: where ../shared is, databases (in memory, temporary), one crawled demo archive, the browser.

Things are built once and handed out: the demo web is crawled once per test run
(`demo_archive`; under pytest-xdist once for all workers, behind a file lock) and
each test module that changes it gets a copy (`demo_archive_copy`); the Datasette
on the fixture archive starts once per worker, Chromium once per browser test module.
"""

from __future__ import annotations

import fcntl
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import CHROMIUM, LAUNCH_ARGS, ROOT, SHARED, free_port, run_demo, served_datasette

__all__ = ["ROOT", "SHARED"]  # test modules of the extractor read these two from here


# The longest test files, started first (then the other slow ones, then the quick ones): with
# `make test`'s two workers (--dist loadfile) the last long file does not start near the end.
LONGEST_FIRST = ("test_hostile_crawl.py", "test_crash.py", "test_e2e_demo.py", "test_deploy.py",
                 "test_concurrent_writers.py", "test_fleet.py")


def pytest_collection_modifyitems(config, items) -> None:
    def rank(item) -> int:
        name = item.path.name
        if name in LONGEST_FIRST:
            return LONGEST_FIRST.index(name)
        return len(LONGEST_FIRST) + (0 if item.get_closest_marker("slow") else 1)

    items.sort(key=rank)  # stable: within a file, the written order


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the project: real reports are read from there, never copied in."""
    if not (SHARED / "REPORT_SCHEMA.md").exists():
        pytest.fail(f"{SHARED} is missing: the real reports are read from ../shared at test time")
    return SHARED


@pytest.fixture(scope="session")
def seed_path(shared_dir: Path) -> Path:
    return next((shared_dir / "seeds").glob("*.txt"))


# -- databases ---------------------------------------------------------------------------------

@pytest.fixture
def memory_db():
    """An empty archive in memory, with the schema (no file, no WAL)."""
    from crawler.record.store import open_db

    db = open_db(":memory:")
    yield db
    db.conn.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where a fresh archive.db goes (its archive/ of WARC files beside it); nothing is there yet."""
    return tmp_path / "archive.db"


@pytest.fixture
def tmp_db(db_path: Path):
    """An empty archive.db on disk (WAL, the schema), as the crawl and ingest open it."""
    from crawler.record.store import open_db

    db = open_db(db_path)
    yield db
    db.conn.close()


# -- the demo web, crawled once ----------------------------------------------------------------

@dataclass(frozen=True)
class DemoArchive:
    """The demo web crawled by `nianbao demo --no-serve` (its first run): where, on which port, what it said."""

    path: Path  # archive.db; its WARC files are in path.parent / "archive"
    port: int  # the demo web's port: the stored URLs carry it, a second run must use it again
    stdout: str
    corpus: object  # crawler.demo.generator.DemoCorpus, the gold

    def hosts(self) -> dict[str, str]:
        """Each site's base URL as stored (slug → http://127.0.0.N:port)."""
        return {s.slug: f"http://127.0.0.{11 + i}:{self.port}" for i, s in enumerate(self.corpus.sites)}

    def copy_to(self, folder: Path) -> Path:
        """A copy of archive.db and its WARC files in `folder` (to be changed freely); returns the db path."""
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(self.path, folder / "archive.db")
        shutil.copytree(self.path.parent / "archive", folder / "archive")
        return folder / "archive.db"


def _run_root(tmp_path_factory, worker_id: str) -> Path:
    """A folder every xdist worker of this run sees (the run's base temp), or this session's own."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if worker_id != "master" else base


@pytest.fixture(scope="session")
def worker_id(request) -> str:
    """pytest-xdist's worker name ("gw0", ...), or "master" when the tests run in one process."""
    workerinput = getattr(request.config, "workerinput", None)
    return workerinput["workerid"] if workerinput else "master"


@pytest.fixture(scope="session")
def demo_archive(tmp_path_factory, shared_dir: Path, worker_id: str) -> DemoArchive:
    """The demo web crawled once for the whole run (read only: take `demo_archive_copy` to change it)."""
    from crawler.demo.generator import build_demo_web
    from crawler.demo.server import addresses

    corpus = build_demo_web(seed_dir=shared_dir / "seeds")
    root = _run_root(tmp_path_factory, worker_id) / "demo-archive"
    root.mkdir(exist_ok=True)
    done = root / "crawled.json"
    with open(root / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another worker may be crawling: wait for its archive
        if not done.exists():
            port = free_port(addresses(corpus))  # the sites' and the portals' loopback addresses
            out = run_demo(root / "archive.db", port)
            assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
            done.write_text(json.dumps({"port": port, "stdout": out.stdout}), encoding="utf-8")
    info = json.loads(done.read_text(encoding="utf-8"))
    return DemoArchive(root / "archive.db", info["port"], info["stdout"], corpus)


@pytest.fixture(scope="module")
def demo_archive_copy(demo_archive: DemoArchive, tmp_path_factory) -> Path:
    """A module's own copy of the crawled demo archive (db and WARC files): its path."""
    return demo_archive.copy_to(tmp_path_factory.mktemp("demo-copy"))


# -- the browser tests -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright, for one test module.

    Not for the session: Playwright's sync API keeps an asyncio loop running in this thread
    while it is open, and later tests run event loops of their own (tests.helpers.read_feed).
    """
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail("chromium is missing: run `make system-deps`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def base_url(tmp_path_factory) -> Iterator[str]:
    """A real `datasette serve` on the fixture archive (crawler/publish/fixtures.py), for the whole session.

    test_browser_reporter overrides it with a Datasette on the crawled demo archive.
    """
    from crawler.publish.fixtures import build_fixture_db

    db = build_fixture_db(tmp_path_factory.mktemp("browser") / "archive.db")
    with served_datasette(db, tmp_path_factory.getbasetemp() / "datasette.log") as url:
        yield url


@pytest.fixture
def page(browser, base_url):
    """A fresh page that records dialogs, JavaScript errors and any request that leaves the machine."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    pg = context.new_page()
    pg.dialogs = []
    pg.outside = []
    pg.js_errors = []
    pg.on("pageerror", lambda e: pg.js_errors.append(str(e)))
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.on("request", lambda r: r.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:"))
          or pg.outside.append(r.url))
    yield pg
    assert pg.outside == [], f"requests left the machine: {pg.outside}"
    assert pg.js_errors == [], f"JavaScript errors: {pg.js_errors}"
    context.close()
