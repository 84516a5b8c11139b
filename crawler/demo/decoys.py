"""Bodies of the unrelated articles that share report columns on real sites."""

from __future__ import annotations

import html
import random


def _p(text: str) -> str:
    return f'<p style="text-indent:2em">{html.escape(text)}</p>'


def decoy_body(kind: str, rng: random.Random, short: str, year: int) -> str:
    """Prose (and, for statistics, a table that is not a report table)."""
    if kind == "work_points":
        return "\n".join([
            _p(f"为深入贯彻落实国家、省、市关于政务公开工作的部署要求，结合{short}实际，现将{year}年政务公开工作要点印发如下。"),
            _p("一、围绕助力经济高质量发展加强政务公开。二、围绕保障和改善民生加强政务公开。三、围绕推进法治政府建设加强政务公开。"),
            _p("四、夯实政务公开工作基础。各单位要按要求做好政府信息公开工作年度报告的编制和发布工作。"),
        ])
    if kind == "guide":
        return "\n".join([
            _p("为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本指南。"),
            _p("一、主动公开。二、依申请公开：申请人可通过当面、邮寄、网上等方式提出申请。三、收费标准。四、监督方式。"),
            _p(f"办公地址：{short}人民政府办公室政务公开股，工作时间：周一至周五（法定节假日除外）。"),
        ])
    if kind == "notice":
        return "\n".join([
            _p("各乡镇人民政府、街道办事处，区直各单位："),
            _p(f"为做好{year}年度报告编制和发布工作，请各单位按照国务院办公厅规定的格式，于{year + 1}年1月31日前完成发布。"),
            _p("请各单位高度重视，认真核对数据，确保勾稽关系正确。"),
        ])
    if kind == "assessment":
        return "\n".join([
            _p(f"根据{year}年度政务公开工作考核方案，经综合评定，现将考核结果通报如下。"),
            _p(f"优秀等次单位{rng.randint(5, 12)}个，良好等次单位{rng.randint(8, 20)}个。"),
        ])
    if kind == "other_report":
        return "\n".join([
            _p(f"{year}年，{short}深入学习贯彻习近平法治思想，全面推进法治政府建设，现将有关情况报告如下。"),
            _p("一、主要举措和成效。二、存在的不足。三、下一步工作安排。"),
        ])
    if kind == "statistics":
        rows = "".join(f"<tr><td>{name}</td><td>{rng.randint(1, 99)}</td><td>{rng.randint(1, 99)}</td></tr>"
                       for name in ("规模以上工业企业", "限额以上批发零售企业", "房地产开发企业"))
        return (_p(f"现将{year}年统计年报填报有关事项说明如下。")
                + f'<table border="1"><tr><td>专业</td><td>调查单位数</td><td>已报送数</td></tr>{rows}</table>')
    return "\n".join([_p(f"{short}政府信息公开目录按机构和主题分类编排。"), _p("目录内容包括：机构职能、政策文件、规划计划等。")])
