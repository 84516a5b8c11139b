"""Extraction in child processes, each document bounded in time and memory.

A hostile or broken document (a PDF page of 5 m square, a six-million-cell
sheet, 20,000 nested tables) must cost one document, not the night: the
extractor runs in a small pool of worker processes. A worker that takes
longer than ``Limits.seconds`` on a document, or whose resident memory
passes ``Limits.memory_bytes``, is killed and replaced; its document becomes
an ExtractError naming it and the reason. Each worker also sets RLIMIT_AS,
so an allocation far past the bound fails inside it (MemoryError) rather
than taking the machine's memory.

``shared_pool().extract`` reads one document (the crawl, through
crawler/crawl/offloop.py, and the fleet's workers); ``ExtractorPool.map`` reads many
in parallel (reextract, ingest of a directory); ``extract_bounded`` is the
one-off call for a script or a benchmark. All are blocking and thread-safe: a
Scrapy pipeline calls them through ``deferToThread`` so the reactor keeps
serving the other sites.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import pickle
import resource
import select
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from crawler.exceptions import ExtractError
from crawler.extract.model import Report

POLL_SECONDS = 0.02
STARTUP_SECONDS = 60.0  # loading the extractor in a new worker (not counted against a document)
_ROOT = str(Path(__file__).resolve().parents[2])  # so `-m crawler.extract.bounded` finds the package


@dataclass(frozen=True)
class Limits:
    """What one document may cost."""

    seconds: float = 300.0  # wall-clock per document: the PDF reader's own budget (limits.PDF_TIME_BUDGET)
    memory_bytes: int = 1024 * 2**20  # resident memory of the worker while it reads the document
    address_space_bytes: int = 4096 * 2**20  # RLIMIT_AS of the worker: libraries reserve more than they use
    workers: int = 1  # worker processes of the shared pool (the machine's cores are shared with the crawl)
    # a worker left holding more than this after a document (OCR models, a large PDF's pages) is replaced,
    # so the memory one scan needed is not kept for the hundreds of pages that follow
    recycle_bytes: int = 300 * 2**20


@dataclass(frozen=True)
class Document:
    """One document to extract, as `extract_bytes` takes it."""

    data: bytes
    filename: str | None = None
    content_type: str | None = None
    url: str | None = None

    @property
    def name(self) -> str:
        return self.filename or self.url or "document"


def _send(fh, obj: object) -> None:
    blob = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    fh.write(struct.pack("!Q", len(blob)))
    fh.write(blob)
    fh.flush()


def _recv(fh) -> object:
    head = fh.read(8)
    if len(head) < 8:
        raise EOFError("the other end closed the pipe")
    (n,) = struct.unpack("!Q", head)
    blob = fh.read(n)
    if len(blob) < n:
        raise EOFError("the other end closed the pipe mid-message")
    return pickle.loads(blob)


def serve(address_space: int) -> None:
    """A worker: documents in on stdin, ('ok', Report, peak KB) or ('error', message, peak KB) out on stdout.

    Whatever a library prints goes to stderr: stdout carries only the answers.
    """
    try:
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
    except (ValueError, OSError):
        pass
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    inp = sys.stdin.buffer
    from crawler.extract import extract_bytes

    _send(out, ("ready",))  # imports done: a document's time starts now
    while True:
        try:
            job = _recv(inp)
        except EOFError:
            return
        if job is None:
            return
        data, filename, content_type, url = job
        name = filename or url or "document"
        try:
            report = extract_bytes(data, filename=filename, content_type=content_type, url=url)
            answer: tuple = ("ok", report)
        except ExtractError as e:
            answer = ("error", str(e))
        except MemoryError:
            answer = ("error", f"{name}: ran out of memory (more than the extractor's bound)")
        except Exception as e:  # noqa: BLE001 - a bug on one document must not end the worker
            answer = ("error", f"{name}: extractor failed ({type(e).__name__}: {e})")
        del data, job
        try:
            _send(out, (*answer, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
        except OSError:
            return


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


class _Worker:
    """One `python -m crawler.extract.bounded` process (a fresh interpreter: nothing of the crawl's reactor)."""

    def __init__(self, limits: Limits):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "crawler.extract.bounded", str(limits.address_space_bytes)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=_ROOT, close_fds=True)
        self.pid = self.process.pid
        self.ready_for_work = False

    def wait_ready(self, timeout: float = STARTUP_SECONDS) -> bool:
        """True once the worker has loaded the extractor (its first answer)."""
        if not self.ready_for_work and self.ready(timeout):
            with contextlib.suppress(EOFError, OSError, pickle.UnpicklingError):
                self.ready_for_work = self.recv() == ("ready",)
        return self.ready_for_work

    def send(self, obj: object) -> None:
        assert self.process.stdin is not None
        _send(self.process.stdin, obj)

    def ready(self, timeout: float) -> bool:
        assert self.process.stdout is not None
        return bool(select.select([self.process.stdout], [], [], timeout)[0])

    def recv(self) -> object:
        return _recv(self.process.stdout)

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.alive():
            self.process.kill()
        self.process.wait(5)
        for fh in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                fh.close()

    def stop(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.send(None)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(2)
        self.kill()


class ExtractorPool:
    """A few extractor processes; `extract` one document or `map` many, each bounded by `limits`.

    Failures are counted in ``counts`` by reason (timeout, memory, died, error).
    """

    def __init__(self, limits: Limits | None = None):
        self.limits = limits or Limits()
        self._cond = threading.Condition()
        self._idle: list[_Worker] = []
        self._started = 0
        self._closed = False
        self.counts: dict[str, int] = {}
        self.last_peak_bytes = 0  # the highest resident memory a worker reached so far

    def _count(self, reason: str) -> None:
        with self._cond:
            self.counts[reason] = self.counts.get(reason, 0) + 1

    def _take(self) -> _Worker:
        with self._cond:
            while True:
                if self._closed:
                    raise ExtractError("the extractor pool is closed")
                if self._idle:
                    return self._idle.pop()
                if self._started < self.limits.workers:
                    self._started += 1
                    break
                self._cond.wait()
        try:
            return _Worker(self.limits)
        except BaseException:
            self._release(None)
            raise

    def _release(self, worker: _Worker | None) -> None:
        """An idle worker back to the pool; None: it was killed, and a new one may be started."""
        with self._cond:
            if worker is None:
                self._started -= 1
            elif self._closed:
                worker.stop()
            else:
                self._idle.append(worker)
            self._cond.notify()

    def extract(self, data: bytes, *, filename: str | None = None, content_type: str | None = None,
                url: str | None = None) -> Report:
        """Extract one document in a worker; ExtractError when it fails or passes a bound."""
        worker = self._take()
        try:
            report, worker = self._run(worker, Document(data, filename, content_type, url))
        except _Failure as f:
            self._release(self._recycled(f.worker))
            raise ExtractError(str(f)) from None
        except BaseException:
            worker.kill()
            self._release(None)
            raise
        self._release(self._recycled(worker))
        return report

    def _recycled(self, worker: _Worker | None) -> _Worker | None:
        """The worker back to the pool, or None (stopped) when a document left it larger than recycle_bytes."""
        if worker is not None and _rss_bytes(worker.pid) > self.limits.recycle_bytes:
            self._count("recycled")
            worker.stop()
            return None
        return worker

    def _run(self, worker: _Worker, doc: Document) -> tuple[Report, _Worker]:
        name, lim = doc.name, self.limits
        if not worker.wait_ready():
            worker.kill()
            self._count("died")
            raise _Failure(None, f"{name}: the extractor process did not start")
        try:
            worker.send((doc.data, doc.filename, doc.content_type, doc.url))
        except (OSError, ValueError):
            worker.kill()
            self._count("died")
            raise _Failure(None, f"{name}: the extractor process could not be reached") from None
        deadline = time.monotonic() + lim.seconds
        while not worker.ready(POLL_SECONDS):
            rss = _rss_bytes(worker.pid)
            self.last_peak_bytes = max(self.last_peak_bytes, rss)
            if rss > lim.memory_bytes:
                worker.kill()
                self._count("memory")
                raise _Failure(None, f"{name}: used more than {lim.memory_bytes // 2**20} MB of memory (stopped)")
            if time.monotonic() > deadline:
                worker.kill()
                self._count("timeout")
                raise _Failure(None, f"{name}: took longer than {lim.seconds:g} s to read (stopped)")
            if not worker.alive():
                break
        try:
            kind, value, peak_kb = worker.recv()
        except (EOFError, OSError, pickle.UnpicklingError):
            code = worker.process.poll()
            worker.kill()
            self._count("died")
            raise _Failure(None, f"{name}: the extractor process died (exit code {code})") from None
        self.last_peak_bytes = max(self.last_peak_bytes, peak_kb * 1024)
        if kind == "error":
            self._count("error")
            raise _Failure(worker, value)
        return value, worker

    def map(self, docs: Iterable[Document]) -> Iterator[Report | ExtractError]:
        """Each document's Report, or its ExtractError, in order; `limits.workers` at a time."""
        with ThreadPoolExecutor(max_workers=self.limits.workers, thread_name_prefix="nianbao-extract") as ex:
            futures = [ex.submit(self._safe, d) for d in docs]
            for f in futures:
                yield f.result()

    def _safe(self, doc: Document) -> Report | ExtractError:
        try:
            return self.extract(doc.data, filename=doc.filename, content_type=doc.content_type, url=doc.url)
        except ExtractError as e:
            return e

    def close(self) -> None:
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._cond.notify_all()
        for worker in idle:
            worker.stop()

    def __enter__(self) -> ExtractorPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _Failure(ExtractError):
    """An ExtractError that also hands back the worker (None when it was killed)."""

    def __init__(self, worker: _Worker | None, message: str):
        super().__init__(message)
        self.worker = worker


_shared: ExtractorPool | None = None
_shared_lock = threading.Lock()


def shared_pool(limits: Limits | None = None) -> ExtractorPool:
    """This process's pool (started on first use, closed at exit); `limits` apply when it is created."""
    global _shared
    with _shared_lock:
        if _shared is None or _shared._closed:
            _shared = ExtractorPool(limits)
            atexit.register(_shared.close)
        return _shared


def extract_bounded(data: bytes, *, filename: str | None = None, content_type: str | None = None,
                    url: str | None = None, limits: Limits | None = None) -> Report:
    """`extract_bytes` in a worker process, bounded by `limits` (the shared pool's when None).

    Returns the Report; raises ExtractError naming the document and why it
    failed or was stopped (too long, too much memory, the worker died).
    """
    if limits is not None and limits != shared_pool().limits:
        with ExtractorPool(limits) as pool:
            return pool.extract(data, filename=filename, content_type=content_type, url=url)
    return shared_pool().extract(data, filename=filename, content_type=content_type, url=url)


if __name__ == "__main__":
    serve(int(sys.argv[1]))
