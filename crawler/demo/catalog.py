"""Who publishes on each demo site: real districts, their bodies and report columns.

Names and 行政区划代码 are real; which body published in which year is
drawn by the generator. Before the March 2021 merger 孟津区 was 孟津县, so
its reports for 2018–2020 carry the county's name; two departments renamed
in the 2019 reform print their old name on the 2018 report, and the
产业集聚区 of 宜阳县 reports as a 开发区 from 2022 (Henan renamed its
产业集聚区 in 2021–2022), so its name changes mid-series. Each renaming
has its line in sites/aliases.yaml, so one body is one body across years.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Body:
    """A reporting body: its name as printed (old name for years before ``renamed``)."""

    name: str
    level: str  # government | department | town | zone
    old_name: str = ""
    renamed: int = 0  # first report year printed under ``name``
    every_year: bool = False

    def name_in(self, year: int) -> str:
        return self.old_name if self.old_name and year < self.renamed else self.name


@dataclass(frozen=True)
class SiteSpec:
    slug: str
    name: str  # the site's owner, as in the registry
    code: str
    level: str  # district | county
    family: str
    short: str  # the district as titles print it (孟津区)
    domain: str  # the real host the demo imitates
    bodies: tuple[Body, ...]
    column_names: dict[str, str] = field(default_factory=dict)  # body level → column name
    robots_disallow: tuple[str, ...] = ()
    page_size: int = 6
    portal_shape: str = "js_menu"  # how the homepage leads to the columns (crawler/demo/portals.py)
    per_body_levels: tuple[str, ...] = ()  # levels with one column per body instead of one for all


def _mj(name: str, level: str, every: bool = False) -> Body:
    return Body(f"孟津区{name}", level, f"孟津县{name}", 2021, every)


MENGJIN = SiteSpec(
    "mengjin", "洛阳市孟津区人民政府", "410308", "district", "dateid", "孟津区", "www.mengjin.gov.cn",
    (
        Body("洛阳市孟津区人民政府", "government", "孟津县人民政府", 2021, True),
        _mj("发展和改革委员会", "department"),
        _mj("教育局", "department"),
        _mj("财政局", "department"),
        _mj("城关镇人民政府", "town"),
        _mj("会盟镇人民政府", "town"),
        _mj("平乐镇人民政府", "town"),
        Body("孟津区先进制造业开发区", "zone"),
    ),
    {"government": "区政府信息公开年报", "department": "区直部门信息公开年报",
     "town": "镇（街道）信息公开年报", "zone": "开发区信息公开年报"},
    portal_shape="js_menu",
)

XIGONG = SiteSpec(
    "xigong", "洛阳市西工区人民政府", "410303", "district", "trs", "西工区", "www.xigong.gov.cn",
    (
        Body("洛阳市西工区人民政府", "government", every_year=True),
        Body("西工区发展和改革委员会", "department"),
        Body("西工区卫生健康委员会", "department"),
        Body("西工区市场监督管理局", "department"),
        Body("西工区王城路街道办事处", "town"),
        Body("西工区金谷园街道办事处", "town"),
        Body("西工区红山街道办事处", "town"),
    ),
    {"government": "区政府年报", "department": "部门年报", "town": "街道年报"},
    robots_disallow=("/search/",),
    portal_shape="tree",
)

KAIHUA = SiteSpec(
    "kaihua", "开化县人民政府", "330824", "county", "hanweb", "开化县", "www.kaihua.gov.cn",
    (
        Body("开化县人民政府", "government", every_year=True),
        Body("开化县发展和改革局", "department"),
        Body("开化县教育局", "department"),
        Body("开化县财政局", "department"),
        Body("开化县民政局", "department"),
        Body("开化县华埠镇人民政府", "town"),
        Body("开化县马金镇人民政府", "town"),
        Body("开化县芹阳办事处", "town"),
        Body("浙江开化经济开发区管理委员会", "zone"),
    ),
    {"government": "县政府信息公开年报", "department": "部门信息公开年报",
     "town": "乡镇（街道）信息公开年报", "zone": "开发区信息公开年报"},
    page_size=5,
    portal_shape="separate_host",
)

DABU = SiteSpec(
    "dabu", "大埔县人民政府", "441422", "county", "gkmlpt", "大埔县", "www.dabu.gov.cn",
    (
        Body("大埔县人民政府", "government", every_year=True),
        Body("大埔县发展和改革局", "department"),
        Body("大埔县教育局", "department"),
        Body("大埔县财政局", "department"),
        Body("大埔县湖寮镇人民政府", "town"),
        Body("大埔县高陂镇人民政府", "town"),
        Body("大埔县茶阳镇人民政府", "town"),
    ),
    {"government": "政府信息公开年报", "department": "部门政府信息公开年报", "town": "镇政府信息公开年报"},
    page_size=5,
    portal_shape="gkmlpt",
)

JINSHUI = SiteSpec(
    "jinshui", "郑州市金水区人民政府", "410105", "district", "jhtml", "金水区", "public.jinshui.gov.cn",
    (
        Body("郑州市金水区人民政府", "government", every_year=True),
        Body("金水区发展和改革委员会", "department"),
        Body("金水区教育局", "department"),
        Body("金水区城市管理局", "department", "金水区城市管理行政执法局", 2019),
        Body("金水区经八路街道办事处", "town"),
        Body("金水区花园路街道办事处", "town"),
        Body("金水区文化路街道办事处", "town"),
    ),
    {"government": "区政府年度报告", "department": "部门年度报告", "town": "街道年度报告"},
    portal_shape="split",
)

YIYANG = SiteSpec(
    "yiyang", "洛阳市宜阳县人民政府", "410327", "county", "generic", "宜阳县", "www.yiyang.gov.cn",
    (
        Body("宜阳县人民政府", "government", every_year=True),
        Body("宜阳县农业农村局", "department", "宜阳县农业局", 2019),
        Body("宜阳县人力资源和社会保障局", "department"),
        Body("宜阳县锦屏镇人民政府", "town"),
        Body("宜阳县柳泉镇人民政府", "town"),
        Body("宜阳县先进制造业开发区管理委员会", "zone", "宜阳县产业集聚区管理委员会", 2022),
    ),
    {"government": "县政府年报", "department": "部门年报", "town": "乡镇年报", "zone": "产业集聚区年报"},
    portal_shape="per_department",
    per_body_levels=("department",),
)

SITES = (MENGJIN, XIGONG, KAIHUA, DABU, JINSHUI, YIYANG)

# Unrelated articles that sit in report columns on real sites. None of these titles has both
# 政府信息公开 and 年度报告/年报, so a title rule plus the column separates them from reports.
DECOY_TITLES = (
    ("work_points", "{short}{year}年政务公开工作要点"),
    ("work_points", "关于印发《{short}{year}年政务公开工作要点》的通知"),
    ("guide", "{short}政府信息公开指南"),
    ("notice", "关于做好{year}年度报告编制和发布工作的通知"),
    ("assessment", "关于{year}年度政府信息公开工作考核结果的通报"),
    ("other_report", "{short}{year}年法治政府建设年度报告"),
    ("statistics", "{short}{year}年统计年报填报说明"),
    ("catalogue", "{short}政府信息公开目录"),
)
