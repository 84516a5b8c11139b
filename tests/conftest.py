"""Shared fixtures: where ../shared is, fresh databases."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__import__("os").environ.get("NIANBAO_SHARED", ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the project: real reports are read from there, never copied in."""
    if not (SHARED / "REPORT_SCHEMA.md").exists():
        pytest.fail(f"{SHARED} is missing: the real reports are read from ../shared at test time")
    return SHARED


@pytest.fixture(scope="session")
def seed_path(shared_dir: Path) -> Path:
    return next((shared_dir / "seeds").glob("*.txt"))
