"""The article body of a report page: six sections of prose around the three tables.

Returns HTML for the article container (the family module adds the page
chrome) and the gold cells read from the tables. Legacy (2018) reports are
prose only, with their numbers inside sentences, as they were written.
"""

from __future__ import annotations

import html
import random

from crawler.demo.style import PrintStyle
from crawler.demo.tables import render_tables

_FOCUS = ("优化营商环境", "乡村振兴", "民生保障", "安全生产", "生态环境保护", "重大建设项目", "教育医疗", "社会救助")
_PLATFORMS = ("政府门户网站", "政务新媒体", "政务公开专区", "政务服务大厅", "村（社区）公开栏")


def _p(text: str) -> str:
    return f'<p style="text-indent:2em">{html.escape(text)}</p>'


def _h(text: str, tag: str) -> str:
    return f"<{tag}>{html.escape(text)}</{tag}>" if tag != "p" else f'<p><strong>{html.escape(text)}</strong></p>'


def _intro(agency: str, year: int) -> str:
    return _p(f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《国务院办公厅政府信息公开办公室关于印发"
              f"〈中华人民共和国政府信息公开工作年度报告格式〉的通知》要求，由{agency}编制。本报告中所列数据的统计期限自"
              f"{year}年1月1日起至{year}年12月31日止。如对本报告有疑问，请与{agency}政务公开工作人员联系。")


def _overview(rng: random.Random, agency: str, year: int, cells: dict, stated: dict | None = None) -> list[str]:
    """``stated``: counts the text states instead of the table's (planted contradictions)."""
    stated = stated or {}
    focus = "、".join(rng.sample(_FOCUS, 3))
    platforms = "、".join(rng.sample(_PLATFORMS, 2))
    new = stated.get("requests.new_received.total", cells.get("requests.new_received.total", 0))
    review = ([_p(f"全年因政府信息公开申请引发行政复议{stated['appeals.review.total']}件。")]
              if "appeals.review.total" in stated else [])
    return [
        _p(f"{year}年，{agency}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《条例》和上级政务公开工作部署，"
           f"围绕{focus}等重点领域，持续深化政务公开，不断提升政府信息公开工作质量。"),
        _p(f"（一）主动公开。依托{platforms}等渠道，及时发布机构职能、政策文件、财政预决算等信息。"),
        _p(f"（二）依申请公开。严格按照法定时限和程序办理政府信息公开申请，全年共新收申请{new}件，均在法定期限内答复。"
           if new else "（二）依申请公开。畅通依申请公开渠道，本年度未收到政府信息公开申请。"),
        *review,
        _p("（三）政府信息管理。严格落实信息发布前保密审查制度，动态更新政府信息公开目录。"),
        _p("（四）平台建设。持续优化政府网站栏目设置，做好政务新媒体日常维护和内容更新。"),
        _p("（五）监督保障。将政务公开工作纳入年度目标考核，定期开展业务培训和自查整改。"),
    ]


def _problems(rng: random.Random, agency: str) -> list[str]:
    issues = rng.sample(("公开内容不够全面", "信息更新不够及时", "政策解读形式较为单一",
                         "工作人员业务水平有待提高", "公开栏目设置不够规范"), 2)
    return [
        _p(f"存在的主要问题：一是{issues[0]}；二是{issues[1]}。"),
        _p(f"改进情况：{agency}将进一步加强组织领导，完善工作机制，加大培训力度，推动政务公开工作规范化、标准化。"),
    ]


def _other(rng: random.Random, year: int) -> list[str]:
    if rng.random() < 0.5:
        return [_p("本年度未收取信息处理费。")]
    return [_p(f"依据《政府信息公开信息处理费管理办法》，{year}年未收取信息处理费。无其他需要报告的事项。")]


def report_article(rng: random.Random, agency: str, year: int, template: str, cells: dict[str, int | float],
                   style: PrintStyle, heading_tag: str = "p",
                   stated: dict | None = None) -> tuple[str, dict[str, int | float | None]]:
    """(article HTML, gold cells) of a tabular (2019/2021) report."""
    tables, gold = render_tables(template, cells, style, rng)
    out = [_intro(agency, year), _h("一、总体情况", heading_tag), *_overview(rng, agency, year, cells, stated)]
    out += [_h("二、主动公开政府信息情况", heading_tag), tables["proactive"]]
    out += [_h("三、收到和处理政府信息公开申请情况", heading_tag), tables["requests"]]
    out += [_h("四、政府信息公开行政复议、行政诉讼情况", heading_tag), tables["appeals"]]
    out += [_h("五、存在的主要问题及改进情况", heading_tag), *_problems(rng, agency)]
    out += [_h("六、其他需要报告的事项", heading_tag), *_other(rng, year)]
    return "\n".join(out), gold


def legacy_article(rng: random.Random, agency: str, year: int, heading_tag: str = "p") -> str:
    """A 2018-style report: free text, numbers in sentences, no tables."""
    docs = rng.randint(20, 400)
    files = rng.randint(0, 8)
    asked = rng.randint(0, 6)
    granted = rng.randint(0, asked)
    out = [
        _p(f"本报告是根据《中华人民共和国政府信息公开条例》规定，由{agency}编制的{year}年度政府信息公开工作年度报告。全文包括概述、主动公开政府信息情况、"
           f"依申请公开政府信息情况、政府信息公开收费及减免情况、因政府信息公开申请行政复议和提起行政诉讼情况、"
           f"存在的主要问题和改进措施等。本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"),
        _h("一、概述", heading_tag),
        _p(f"{year}年，{agency}认真贯彻落实《条例》，进一步健全工作机制，政府信息公开工作有序开展。"),
        _h("二、主动公开政府信息情况", heading_tag),
        _p(f"全年共主动公开政府信息{docs}条，其中规范性文件{files}件。"),
        _h("三、依申请公开政府信息情况", heading_tag),
        _p(f"全年共受理政府信息公开申请{asked}件，已全部办结，其中同意公开{granted}件。" if asked
           else "全年未收到政府信息公开申请。"),
        _h("四、政府信息公开收费及减免情况", heading_tag),
        _p("全年未收取政府信息公开相关费用。"),
        _h("五、因政府信息公开申请行政复议、提起行政诉讼情况", heading_tag),
        _p("全年未发生因政府信息公开申请行政复议、提起行政诉讼的情况。"),
        _h("六、存在的主要问题及改进情况", heading_tag),
        *_problems(rng, agency),
    ]
    return "\n".join(out)
