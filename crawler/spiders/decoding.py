"""A response as text by the extractor's one decoding rule (crawler.extract.decode).

A spider must read a page as the extractor will: a page that declares one
charset and is written in another would otherwise list titles the extractor
never sees.
"""

from __future__ import annotations

from scrapy.http import Response, TextResponse

from crawler.exceptions import ExtractError


def response_text(response: Response, encoding: str | None = None) -> str:
    """The response as text; ``encoding`` (a site setting) wins, GB names read as gb18030."""
    from crawler.extract.decode import codec_name, decode_bytes  # the extractor loads slowly: when needed

    if encoding:
        return response.body.decode(codec_name(encoding) or encoding, errors="replace")
    if isinstance(response, TextResponse):
        try:
            return decode_bytes(response.body, response.url)
        except ExtractError:  # binary behind a text content type: Scrapy's reading
            return response.text
    return response.body.decode("utf-8", errors="replace")
