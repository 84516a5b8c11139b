"""Helpers shared by the end-to-end tests: free ports, database snapshots."""

from __future__ import annotations

import socket
import sqlite3
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
