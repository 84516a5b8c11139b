"""The four arithmetic rules (crawler.extract.checks.RULES) by name, so a reader never has to decode "规则 3"."""

from __future__ import annotations

from crawler.extract import checks

RULE_NAMES = {
    "1": "申请收支相抵",
    "2": "各行总计等于分项之和",
    "3": "办理结果总计等于各项之和",
    "4": "复议诉讼总计等于各结果之和",
}
assert set(RULE_NAMES) == set(checks.RULES), "every rule has a name"


def rule_title(rule: str) -> str:
    """规则名（规则 n）: the name first, the number only as a reference."""
    name = RULE_NAMES.get(str(rule))
    return f"{name}（规则{rule}）" if name else f"规则{rule}"


def rule_rows() -> list[tuple[str, str, str]]:
    """(rule, name, description) for the `rules` reference table."""
    return [(r, RULE_NAMES[r], d) for r, d in checks.RULES.items()]
