"""`nianbao_body_name(text)` on every connection: a typed body name normalised as crawler/derive/bodies.py does.

The body questions (crawler/publish/body_questions.py) compare it with
`bodies.name`, so 洛阳市孟津区教育局 finds the body stored as 孟津区教育局.
"""

from __future__ import annotations

from datasette import hookimpl

from crawler.derive.bodies import normalize_name
from crawler.publish.body_questions import BODY_NAME_FUNCTION


def _body_name(text: str | None) -> str:
    return normalize_name(text or "")


@hookimpl
def prepare_connection(conn):
    conn.create_function(BODY_NAME_FUNCTION, 1, _body_name, deterministic=True)
