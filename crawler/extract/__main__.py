"""`python -m crawler.extract FILE`: the extraction as JSON, the same as `nianbao extract FILE`."""

from __future__ import annotations

import json
import sys

from crawler.exceptions import ExtractError
from crawler.extract import extract_path


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m crawler.extract FILE", file=sys.stderr)
        return 2
    try:
        report = extract_path(args[0])
    except ExtractError as e:
        print(f"Error: {e}", file=sys.stderr)
        return 1
    print(json.dumps(report.to_json(), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
