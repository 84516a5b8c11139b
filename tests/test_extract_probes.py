"""Probe documents in shapes the renderings do not make (tests/probes.py): the cells each owes, and none wrong."""

from __future__ import annotations

import math

import pytest

from crawler.extract import extract_bytes
from tests.probes import Probe, probes


def _same(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), abs_tol=1e-6)  # type: ignore[arg-type]


def score(probe: Probe) -> tuple[int, int, list[str]]:
    """(owed cells read right, owed cells, problems): a wrong cell anywhere, a missing owed one, wrong metadata."""
    report = extract_bytes(probe.text.encode("utf-8"), filename=probe.filename)
    problems = []
    right = 0
    for key, want in {**probe.checked, **probe.owed}.items():
        got = report.cells.get(key)
        if key in report.cells and not _same(got, want):
            problems.append(f"wrong {key}: {got!r} != {want!r}")
        elif key in probe.owed:
            if key in report.cells or want is None:
                right += 1
            else:
                problems.append(f"missing {key} ({want!r})")
    for name in ("agency", "title", "published"):
        want = getattr(probe, name)
        if want is not None and getattr(report, name) != want:
            problems.append(f"wrong {name}: {getattr(report, name)!r} != {want!r}")
    return right, len(probe.owed), problems


@pytest.mark.parametrize("probe", probes(), ids=lambda p: p.name)
def test_probe(probe: Probe) -> None:
    right, owed, problems = score(probe)
    assert not [p for p in problems if p.startswith("wrong")], problems
    assert right == owed, problems
