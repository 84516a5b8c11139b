"""The demo web on loopback: each site its own origin (127.0.0.11, .12, …) on an ephemeral port.

Standard-library ThreadingHTTPServer, one per site, each in a daemon
thread; ``start``/``stop`` are idempotent and can run many times in one
process (tests do). Static pages are served as stored; dynamic endpoints
(jpage dataproxy, gkmlpt API) are handlers. Unknown paths are 404.
"""

from __future__ import annotations

import logging
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

from crawler.demo.families import BASE_TOKEN
from crawler.demo.model import DemoCorpus, DemoSite, Page, Request
from crawler.demo.registry import registry_yaml
from crawler.exceptions import NianbaoError

if TYPE_CHECKING:
    from crawler.demo.faults import FaultPlan

log = logging.getLogger(__name__)

FIRST_HOST = 11  # site N listens on 127.0.0.(11 + N)
_NOT_FOUND = Page(404, {"Content-Type": "text/html; charset=utf-8"},
                  "<html><head><title>404</title></head><body><h1>404 页面不存在</h1></body></html>".encode())

_SERVER_ERROR = Page(500, {"Content-Type": "text/plain; charset=utf-8"}, b"internal server error")


def host_for(index: int) -> str:
    return f"127.0.0.{FIRST_HOST + index}"


def portal_host_for(sites: int, k: int) -> str:
    """The address of the k-th portal that has a host of its own (after the sites' addresses)."""
    return f"127.0.0.{FIRST_HOST + sites + k}"


def addresses(corpus: DemoCorpus) -> tuple[str, ...]:
    """Every loopback address a DemoWeb of ``corpus`` binds: one per site, then one per portal host."""
    portals = sum(1 for s in corpus.sites if s.portal_pages)
    return tuple(host_for(i) for i in range(len(corpus.sites))) + tuple(
        portal_host_for(len(corpus.sites), k) for k in range(portals))


def resolve(site: DemoSite, method: str, target: str, body: bytes = b"", base: str = "") -> Page:
    """The page a site answers for a request: static pages by path (query first), else a handler."""
    parts = urlsplit(target)
    path = parts.path or "/"
    entry = site.pages.get(f"{path}?{parts.query}") if parts.query else None
    if entry is None:
        entry = site.pages.get(path)
    if entry is None:
        return _NOT_FOUND
    if isinstance(entry, Page):
        page = entry
        if method not in ("GET", "HEAD"):
            return Page(405, {"Content-Type": "text/plain; charset=utf-8", "Allow": "GET, HEAD"}, b"method not allowed")
    else:
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        if body:
            params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        page = entry(Request(method, path, params, body))
    if base and BASE_TOKEN.encode() in page.body:
        page = Page(page.status, page.headers, page.body.replace(BASE_TOKEN.encode(), base.encode()))
    return page


def _handler_for(site: DemoSite, base_ref: list[str], web: DemoWeb | None = None) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "nianbao-demo/1.0"
        protocol_version = "HTTP/1.1"
        timeout = 20  # idle keep-alive connections end, so no thread outlives a stopped server for long

        def _answer(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            try:
                page = resolve(site, method, self.path, body, base_ref[0])
            except Exception:  # a bug in a demo endpoint: answer 500 and keep serving
                log.exception("demo site %s failed on %s %s", site.slug, method, self.path)
                page = _SERVER_ERROR
            if web is not None and web.faults is not None and web.faults.serve(self, site, method, page):
                return  # crawler/demo/faults.py answered (a fault, or a 304)
            self.send_response(page.status)
            for name, value in page.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(page.body)))
            self.end_headers()
            if method != "HEAD":
                self.wfile.write(page.body)

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            self._answer("GET")

        def do_HEAD(self) -> None:  # noqa: N802
            self._answer("HEAD")

        def do_POST(self) -> None:  # noqa: N802
            self._answer("POST")

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            log.debug("%s %s", site.slug, format % args)

    return Handler


def _bind(host: str, port: int, handler: type[BaseHTTPRequestHandler]) -> _Server:
    """A demo server on host:port; a taken port is a NianbaoError naming it, not an OSError traceback."""
    try:
        return _Server((host, port), handler)
    except OSError as e:
        raise NianbaoError(f"demo web: cannot listen on {host}:{port} ({e.strerror or e}); "
                           f"another demo running? choose another port with --web-port") from e


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up (a killed crawl, a cancelled download) is not worth a traceback."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            log.debug("client %s hung up", client_address)
            return
        super().handle_error(request, client_address)


class DemoWeb:
    """Serves a DemoCorpus; use as ``with DemoWeb() as web: web.bases[...]``."""

    def __init__(self, corpus: DemoCorpus | None = None, seed_dir: Path | None = None, port: int = 0,
                 faults: FaultPlan | None = None):
        if corpus is None:
            from crawler.demo.generator import build_demo_web

            corpus = build_demo_web(seed_dir)
        self.corpus = corpus
        self.port = port  # 0: an ephemeral port per site
        self.faults = faults  # a crawler.demo.faults.FaultPlan; may be swapped between crawls
        self._servers: list[tuple[_Server, threading.Thread]] = []
        self.bases: dict[str, str] = {}
        self.portals: dict[str, str] = {}  # slug → the portal's homepage URL (where discovery starts)

    def start(self) -> DemoWeb:
        """Bind every site (and portal host); a port already taken raises DemoWebError naming it."""
        if self._servers:
            return self
        try:
            for i, site in enumerate(self.corpus.sites):
                base_ref = [""]
                server = _bind(host_for(i), self.port, _handler_for(site, base_ref, self))
                host, port = server.server_address[:2]
                base_ref[0] = f"http://{host}:{port}"
                thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                          name=f"demo-{site.slug}", daemon=True)
                thread.start()
                self._servers.append((server, thread))
                self.bases[site.slug] = base_ref[0]
                self.portals[site.slug] = base_ref[0] + "/"
            self._start_portal_hosts()
        except BaseException:
            self.stop()
            raise
        return self

    def _start_portal_hosts(self) -> None:
        """Portals on hosts of their own (127.0.0.(11 + sites + k)); {{base}} in them is their site's base."""
        extra = [s for s in self.corpus.sites if s.portal_pages]
        for k, site in enumerate(extra):
            www = DemoSite(site.slug, site.name, site.code, site.level, site.family, pages=dict(site.portal_pages))
            server = _bind(portal_host_for(len(self.corpus.sites), k), self.port,
                           _handler_for(www, [self.bases[site.slug]]))
            host, port = server.server_address[:2]
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                      name=f"demo-www-{site.slug}", daemon=True)
            thread.start()
            self._servers.append((server, thread))
            self.portals[site.slug] = f"http://{host}:{port}/"

    def stop(self) -> None:
        for server, thread in self._servers:
            server.shutdown()
            server.server_close()
            thread.join(timeout=5)
        self._servers.clear()
        self.bases = {}
        self.portals = {}

    def __enter__(self) -> DemoWeb:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def url(self, slug: str, path: str) -> str:
        return self.bases[slug] + path

    def write_portals(self, path: Path | str) -> Path:
        """The live portal list (slug, name, code, level, portal) that `nianbao sites discover --portals` reads."""
        import yaml

        if not self.portals:
            raise RuntimeError("DemoWeb.write_portals needs a started server")
        rows = [{"slug": s.slug, "name": s.name, "code": s.code, "level": s.level, "portal": self.portals[s.slug],
                 "source": "demo web"} for s in self.corpus.sites]
        out = Path(path)
        out.write_text("# The demo web's portals as served now (python -m crawler.demo --portals).\n"
                       + yaml.safe_dump({"sites": rows}, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return out

    def registry_text(self) -> str:
        return registry_yaml(self.corpus, self.bases)

    def write_registry(self, path: Path | str) -> Path:
        """The demo registry with this run's real URLs in place of {base}/{host}."""
        if not self.bases:
            raise RuntimeError("DemoWeb.write_registry needs a started server")
        out = Path(path)
        out.write_text(self.registry_text(), encoding="utf-8")
        return out
