"""How well does discovery find the demo web's 年报 columns from its portals, and at what cost?

Starts the demo web in this process, discovers every site from its portal
with the polite fetcher (robots.txt, the request budget; no pause between
requests on loopback unless --delay), and scores the result against the
columns the demo web really serves reports in:

* precision and recall over (site, column URL, body level);
* the family right for how many sites;
* distractor pages (统计公报, 预决算, 政府工作报告, …) taken;
* requests per site (median, max) against the 30-request budget.

    .venv/bin/python bench/discover.py [--delay 0] [--max-requests 30]

Exit status 1 unless precision and recall are 1.0, every family is right and no distractor is taken.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[0] = str(ROOT)  # not bench/: bench/incremental.py would shadow the incremental package

from crawler.demo.portals import DISTRACTOR_PATHS  # noqa: E402
from crawler.demo.server import DemoWeb  # noqa: E402
from crawler.sites.discover import PoliteFetcher, discover_site  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--delay", type=float, default=0.0, help="seconds between requests to one host")
    parser.add_argument("--max-requests", type=int, default=30, help="request budget per site")
    args = parser.parse_args(argv)
    seeds = ROOT.parent / "shared" / "seeds"
    with DemoWeb(seed_dir=seeds if seeds.is_dir() else None) as web:
        expected = {(s.slug, web.bases[s.slug] + c.path, c.body_level) for s in web.corpus.sites for c in s.columns}
        got, requests, families, distractors = set(), {}, {}, []
        started = time.perf_counter()
        for site in web.corpus.sites:
            found = discover_site(web.portals[site.slug],
                                  PoliteFetcher(delay=args.delay, max_requests=args.max_requests))
            got |= {(site.slug, c.url, c.body_level) for c in found.columns}
            requests[site.slug] = found.requests
            families[site.slug] = (found.family, site.family)
            distractors += [c.url for c in found.columns if any(f"/{d}/" in c.url for d in DISTRACTOR_PATHS)]
            print(f"{site.slug:<8} {found.family:<8} (is {site.family:<8}) {len(found.columns)} columns, "
                  f"{found.requests} requests, {'complete' if found.complete else 'budget spent'}")
        seconds = time.perf_counter() - started
    hits = len(got & expected)
    precision = hits / len(got) if got else 0.0
    recall = hits / len(expected)
    right = sum(1 for f, real in families.values() if f == real)
    print(f"columns: {len(expected)} served, {len(got)} found, {hits} right: precision {precision:.3f}, "
          f"recall {recall:.3f}")
    print(f"family right for {right}/{len(families)} sites; distractors taken: {len(distractors)}")
    print(f"requests per site: median {statistics.median(requests.values()):g}, max {max(requests.values())} "
          f"(budget {args.max_requests}); {seconds:.1f} s in all")
    ok = precision == recall == 1.0 and right == len(families) and not distractors
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
