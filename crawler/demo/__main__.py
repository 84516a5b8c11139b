"""Run the demo web in the foreground: ``python -m crawler.demo [--port N] [--registry PATH]``."""

from __future__ import annotations

import argparse
import logging
import threading
from pathlib import Path

from crawler.demo.registry import registry_yaml
from crawler.demo.server import DemoWeb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.demo", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="one port for every site (default: ephemeral)")
    parser.add_argument("--seed-dir", type=Path, default=None, help="folder of seed reports (default ../shared/seeds)")
    parser.add_argument("--registry", type=Path, default=None,
                        help="write the {base}/{host} registry (sites/demo.yaml) and exit")
    parser.add_argument("--live-registry", type=Path, default=None, help="write the registry with live URLs")
    parser.add_argument("--portals", type=Path, default=None,
                        help="write the live portal list (for `nianbao sites discover --portals PATH --all`)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    web = DemoWeb(seed_dir=args.seed_dir, port=args.port)
    if args.registry:
        args.registry.write_text(registry_yaml(web.corpus), encoding="utf-8")
        print(f"wrote {args.registry}")
        return 0
    with web:
        for site in web.corpus.sites:
            reports = len(web.corpus.reports_of(site.slug))
            print(f"{site.slug:8} {site.family:8} {web.bases[site.slug]}/  {site.name}  ({reports} reports)")
            print(f"         portal     {web.portals[site.slug]}")
            for col in site.columns:
                print(f"         {col.body_level:10} {web.bases[site.slug]}{col.path}  {col.name}")
        if args.live_registry:
            web.write_registry(args.live_registry)
            print(f"registry with live URLs: {args.live_registry}")
        if args.portals:
            web.write_portals(args.portals)
            print(f"portal list: {args.portals}")
        print("Ctrl-C to stop.", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
