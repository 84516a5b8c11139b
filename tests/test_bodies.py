"""Bodies across years: documented normalisation and sites/aliases.yaml, no fuzzy matching."""

from __future__ import annotations

from crawler.derive.bodies import Alias, body_name, load_aliases, name_from_title, normalize_name


def test_normalisation_rules():
    assert normalize_name("洛阳市孟津区人民政府", "government") == "孟津区人民政府"
    assert normalize_name("孟津区人民政府办公室", "government") == "孟津区人民政府"
    assert normalize_name("孟津区政府", "government") == "孟津区人民政府"
    assert normalize_name("孟津区城关镇人民政府", "town") == normalize_name("孟津区城关镇", "town") == "孟津区城关镇"
    assert normalize_name("  开化县　教育局 ") == "开化县教育局"


def test_normalisation_keeps_what_the_rules_do_not_name():
    # an office is only folded into its government for government bodies
    assert normalize_name("孟津区人民政府办公室", "department") == "孟津区人民政府办公室"
    # a city body is not stripped of its city
    assert normalize_name("洛阳市城市管理局") == "洛阳市城市管理局"
    assert normalize_name("西工区王城路街道办事处", "town") == "西工区王城路街道办事处"


def test_aliases_file_renamings_and_mergers():
    aliases = load_aliases()
    assert body_name("孟津县教育局", "department", 2020, "mengjin", aliases) == "孟津区教育局"
    assert body_name("洛阳市孟津县人民政府", "government", 2019, "mengjin", aliases) == "孟津区人民政府"
    assert body_name("吉利区人民政府", "government", 2020, "jili", aliases) == "孟津区人民政府"
    assert body_name("偃师市财政局", "department", 2020, "yanshi", aliases) == "偃师区财政局"
    # outside the years an alias applies, a name stays its own body
    assert body_name("孟津县教育局", "department", 2022, "mengjin", aliases) == "孟津县教育局"
    # the 2019 reform's renamed departments and a 产业集聚区 renamed 开发区 (planted in the demo)
    assert body_name("宜阳县农业局", "department", 2018, "yiyang", aliases) == "宜阳县农业农村局"
    assert body_name("金水区城市管理行政执法局", "department", 2018, "jinshui", aliases) == "金水区城市管理局"
    assert body_name("宜阳县产业集聚区管理委员会", "zone", 2020, "yiyang", aliases) == "宜阳县先进制造业开发区管理委员会"
    assert body_name("宜阳县产业集聚区管理委员会", "zone", 2023, "yiyang", aliases) == "宜阳县产业集聚区管理委员会"


def test_alias_restricted_to_a_site():
    a = [Alias("甲局", ("乙局",), site="s1")]
    assert body_name("乙局", None, 2020, "s1", a) == "甲局"
    assert body_name("乙局", None, 2020, "s2", a) == "乙局"


def test_name_from_title():
    assert name_from_title("孟津区教育局2023年政府信息公开工作年度报告") == "孟津区教育局"
    assert name_from_title("开化县人民政府2022年度政府信息公开工作年报") == "开化县人民政府"
