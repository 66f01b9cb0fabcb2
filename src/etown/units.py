"""The units the seed counts and measures in, and what each means.

A quantity is stored as the seed writes it (2456.4 with the unit 亿元); the unit's ``scale``
says how many of its ``base`` unit one of it is (亿 = 10^8), so the English page can say
"RMB 245.64 billion" without anyone converting by hand. What a base unit is called in a language
is that language's row (``languages.Language.unit_names``).
"""

from dataclasses import dataclass
from typing import Literal

WAN = 10_000
YI = 100_000_000


@dataclass(frozen=True)
class Unit:
    scale: int
    """Base units per one of this unit (万 → 10 000, 亿 → 100 000 000)."""
    base: str = ""
    """The unit one of this is ``scale`` of (万平方米 → 平方米), whose name a language writes after
    the number; empty for money (said with its currency) and for Chinese classifiers (家, 个 …),
    whose noun the label already carries."""
    money: bool = False
    attached: bool = False
    """Written without a space before it, as in "32.6%"."""
    measure: str = "count"
    """What a figure in this unit measures, for a caption made from its rows ("Area and
    population"): a key of Measure. Counts in Chinese classifiers name what they count in their
    label, and a fact may say so (``measure: enterprises``)."""


UNITS: dict[str, Unit] = {
    # money
    "元": Unit(1, money=True, measure="money"),
    "万元": Unit(WAN, money=True, measure="money"),
    "亿元": Unit(YI, money=True, measure="money"),
    # lengths and areas
    "公里": Unit(1, "公里", measure="distance"),
    "万公里": Unit(WAN, "公里", measure="distance"),
    "平方公里": Unit(1, "平方公里", measure="area"),
    "平方米": Unit(1, "平方米", measure="area"),
    "万平方米": Unit(WAN, "平方米", measure="area"),
    # ratios
    "%": Unit(1, "%", attached=True, measure="share"),
    "个百分点": Unit(1, "个百分点", measure="share"),
    "倍": Unit(1, "倍", measure="ratio"),
    # people
    "人": Unit(1, "人", measure="population"),
    "万人": Unit(WAN, "人", measure="population"),
    # 人次 counts visits by people (admissions, participants): the label says which, as for 家
    "人次": Unit(1, measure="attendance"),
    "万人次": Unit(WAN, measure="attendance"),
    # mass and concentration
    "吨": Unit(1, "吨", measure="mass"),
    "万吨": Unit(WAN, "吨", measure="mass"),
    "微克每立方米": Unit(1, "微克每立方米", measure="concentration"),
    # books
    "册": Unit(1, "册", measure="volumes"),
    "万册": Unit(WAN, "册", measure="volumes"),
    # classifiers: the English label names what is counted
    "家": Unit(1),
    "万家": Unit(WAN),
    "个": Unit(1),
    "万个": Unit(WAN),
    "项": Unit(1),
    "件": Unit(1),
    "所": Unit(1),
    "场": Unit(1),
    "场次": Unit(1),
    "张": Unit(1),
    "套": Unit(1),
    "名": Unit(1),
    "台": Unit(1),
    "条": Unit(1),
    "座": Unit(1),
    "年": Unit(1, "年", measure="years"),
}

Measure = Literal[
    "money", "distance", "area", "share", "ratio", "population", "attendance", "mass", "concentration",
    "volumes", "years", "count", "enterprises", "projects",
]  # fmt: skip
"""What a figure measures (its unit's ``measure``, or the fact's own): the words of a caption made
from its rows (``measure_NAME`` in templates/strings.yaml)."""

UnitName = Literal[
    "元", "万元", "亿元", "公里", "万公里", "平方公里", "平方米", "万平方米", "%", "个百分点",
    "倍", "人", "万人", "人次", "万人次", "吨", "万吨", "微克每立方米", "册", "万册", "家",
    "万家", "个", "万个", "项", "件", "所", "场", "场次", "张", "套", "名", "台", "条", "座", "年",
]  # fmt: skip

Qualifier = Literal["约", "超过", "超", "近", "余", "多", "以上"]
"""How the seed hedges a number, in the seed's own word: 约 (about), 超过 and 超 (more than),
近 (nearly), 余 and 多 (more than, after the number: 140余个, 230多家), 以上 (and above: 99%以上)."""

QUALIFIERS_AFTER_THE_NUMBER: frozenset[Qualifier] = frozenset({"余", "多", "以上"})
"""The words Chinese writes after the number (and after a 万 or 亿 in the unit: 3万余人次)."""
