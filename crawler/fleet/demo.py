"""A whole fleet on this machine, against the embedded demo web: `make demo-fleet`, tests, bench.

`HitLog` (crawler/demo/hits.py) counts the demo web's answers, so "no URL
fetched twice" is checked at the server. `LocalFleet` starts the writer and
workers as separate processes, as on real machines.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from crawler.demo.hits import HitLog
from crawler.settings.overrides import as_set_args

ROOT = Path(__file__).resolve().parents[2]

def write_registry(web, path: Path, slugs: list[str] | None = None) -> Path:
    """The demo registry with the live bases, optionally only some sites."""
    from crawler.demo.registry import registry_dict

    data = registry_dict(web.corpus, web.bases)
    if slugs:
        data["sites"] = [s for s in data["sites"] if s["slug"] in slugs]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


class LocalFleet:
    """The writer and workers as child processes (`python -m crawler.fleet …`)."""

    def __init__(self, redis_url: str, registry: Path, db: Path, workdir: Path, settings: dict | None = None,
                 prefix: str = "nianbao"):
        self.redis_url = redis_url
        self.registry = registry
        self.db = db
        self.workdir = Path(workdir)
        self.settings = settings or {}
        self.prefix = prefix
        self.procs: dict[str, subprocess.Popen] = {}

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        log = open(self.workdir / f"{name}.log", "wb")  # noqa: SIM115 - the child owns it
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        p = subprocess.Popen([sys.executable, "-m", "crawler.fleet", *args], cwd=ROOT, stdout=log,
                             stderr=subprocess.STDOUT, env=env)
        self.procs[name] = p
        return p

    def writer(self, name: str = "writer", consumer: str = "writer") -> subprocess.Popen:
        return self._spawn(name, ["writer", "--redis", self.redis_url, "--db", str(self.db), "--until-done",
                                  "--consumer", consumer, "--prefix", self.prefix])

    def worker(self, name: str, settings: dict | None = None) -> subprocess.Popen:
        return self._spawn(name, ["worker", "--redis", self.redis_url, "--sites", str(self.registry),
                                  "--db", str(self.db), "--prefix", self.prefix,
                                  "--json-out", str(self.workdir / f"{name}.json"),
                                  "--settings-module", "crawler.settings.fleet_demo",
                                  *as_set_args(self.settings | (settings or {}))])

    def wait(self, names: list[str] | None = None, timeout: float = 300) -> dict[str, int]:
        deadline = time.monotonic() + timeout
        out = {}
        for name in names or list(self.procs):
            p = self.procs[name]
            out[name] = p.wait(max(1.0, deadline - time.monotonic()))
        return out

    def output(self, name: str) -> str:
        return (self.workdir / f"{name}.log").read_text(errors="replace")

    def stop(self) -> None:
        for p in self.procs.values():
            if p.poll() is None:
                p.kill()
                p.wait()


def wait_primed(redis_url: str, timeout: float = 60, prefix: str = "nianbao") -> None:
    """Until the writer has loaded archive.db's known reports into Redis (a second night skips them)."""
    from crawler.fleet.keys import Keys, connect

    client, key = connect(redis_url), Keys(prefix).primed
    deadline = time.monotonic() + timeout
    while not client.exists(key) and time.monotonic() < deadline:
        time.sleep(0.1)


def run_demo_fleet(db: Path, *, workers: int = 2, web_port: int = 18090) -> None:
    """`make demo-fleet`: redis-server, demo web, a writer and N workers; prints what each did."""
    import sqlite3

    from crawler.demo.server import DemoWeb
    from crawler.fleet.redisproc import RedisServer

    workdir = Path(tempfile.mkdtemp(prefix="nianbao-fleet-"))
    hits = HitLog().install()
    web = DemoWeb(port=web_port).start()  # a stable port: a second run is incremental, as a second night
    t0 = time.monotonic()
    with RedisServer(workdir / "redis") as server:
        fleet = LocalFleet(server.url, write_registry(web, workdir / "demo-live.yaml"), db.resolve(), workdir)
        try:
            print(f"redis-server {server.url}; demo web: {len(web.bases)} sites; logs in {workdir}")
            fleet.writer()
            wait_primed(server.url, timeout=60)  # workers read the known reports the writer loads
            for i in range(workers):
                fleet.worker(f"worker-{i + 1}")
            codes = fleet.wait([f"worker-{i + 1}" for i in range(workers)], timeout=900)
            codes |= fleet.wait(["writer"], timeout=120)  # it exits once the run is recorded
        finally:
            fleet.stop()
            web.stop()
            hits.uninstall()
    for name, code in codes.items():
        lines = [ln for ln in fleet.output(name).splitlines() if ln.startswith(("worker", "writer"))]
        print(f"{name:<9} exit {code}: {lines[-1] if lines else '(no summary; see its log)'}")
    con = sqlite3.connect(db)
    docs, reports = (con.execute(f"select count(*) from {t}").fetchone()[0] for t in ("documents", "reports"))
    run = con.execute("select id, pages, reports_new, reports_unchanged, status from crawl_runs "
                      "order by id desc limit 1").fetchone()
    print(f"demo web answered {hits.pages()} URLs, {len(hits.twice())} of them more than once; "
          f"{db}: {docs} documents, {reports} reports; crawl_runs #{run[0]}: {run[1]} pages, {run[2]} new, "
          f"{run[3]} unchanged reports, {run[4]}; {time.monotonic() - t0:.1f}s")
