"""The command line: `nianbao` (main.py) and its command groups, one module each."""

from crawler.cli.main import main

__all__ = ["main"]
