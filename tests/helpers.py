"""Helpers shared by the end-to-end tests: free ports, a served archive, database snapshots."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port(hosts: tuple[str, ...] = ("127.0.0.1",)) -> int:
    """A port free on every given loopback address (the demo binds one port on several)."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        ok = True
        for host in hosts:
            with socket.socket() as s:
                try:
                    s.bind((host, port))
                except OSError:
                    ok = False
                    break
        if ok:
            return port
    raise RuntimeError("no free port")


def snapshot(db_path: Path) -> dict[str, set]:
    con = sqlite3.connect(db_path)
    try:
        return {
            "reports": set(con.execute("select url, title, agency, year, template, published, cells_count, "
                                       "findings_count, text from reports")),
            "cells": set(con.execute("select r.url, c.key, c.value, c.raw, c.method from cells c "
                                     "join reports r on r.id = c.report_id")),
            "findings": set(con.execute("select r.url, f.rule, f.key, f.detail from findings f "
                                        "join reports r on r.id = f.report_id")),
            "documents": set(con.execute("select url, sha256 from documents where status = 200")),
        }
    finally:
        con.close()


@contextmanager
def served_datasette(db_path: Path, log_path: Path | None = None, timeout: float = 60) -> Iterator[str]:
    """A real `datasette serve` on the archive, as `nianbao serve` starts it: its base URL while it runs."""
    from crawler.publish.serve import serve_command_args

    port = free_port()
    log = log_path.open("w") if log_path else subprocess.DEVNULL
    proc = subprocess.Popen(serve_command_args(db_path, "127.0.0.1", port), stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(url + "/-/versions.json", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"datasette did not start on {db_path} (log: {log_path})") from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log_path:
            log.close()
