"""`python -m crawler.fleet`: worker, writer, demo (crawler/cli/fleet.py)."""

from crawler.cli.fleet import fleet_main

if __name__ == "__main__":
    fleet_main()
