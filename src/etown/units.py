"""The units the seed counts and measures in, and what each means in English.

A quantity is stored as the seed writes it (2456.4 with the unit 亿元); the unit's ``scale``
says how many base units one of it is (亿 = 10^8), so the English page can say
"RMB 245.64 billion" without anyone converting by hand.
"""

from dataclasses import dataclass
from typing import Literal

WAN = 10_000
YI = 100_000_000


@dataclass(frozen=True)
class Unit:
    scale: int
    """Base units per one of this unit (万 → 10 000, 亿 → 100 000 000)."""
    en: str = ""
    """English unit written after the number; empty for Chinese classifiers (家, 个, 项 …)
    whose noun the label already carries."""
    money: bool = False
    attached: bool = False
    """Written without a space before it, as in "32.6%"."""


UNITS: dict[str, Unit] = {
    # money
    "元": Unit(1, money=True),
    "万元": Unit(WAN, money=True),
    "亿元": Unit(YI, money=True),
    # lengths and areas
    "公里": Unit(1, "km"),
    "万公里": Unit(WAN, "km"),
    "平方公里": Unit(1, "km²"),
    "平方米": Unit(1, "m²"),
    "万平方米": Unit(WAN, "m²"),
    # ratios
    "%": Unit(1, "%", attached=True),
    "个百分点": Unit(1, "percentage points"),
    "倍": Unit(1, "times"),
    # people
    "人": Unit(1, "people"),
    "万人": Unit(WAN, "people"),
    "人次": Unit(1, "attendances"),
    "万人次": Unit(WAN, "attendances"),
    # mass and concentration
    "吨": Unit(1, "tonnes"),
    "万吨": Unit(WAN, "tonnes"),
    "微克每立方米": Unit(1, "μg/m³"),
    # books
    "册": Unit(1, "volumes"),
    "万册": Unit(WAN, "volumes"),
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
    "年": Unit(1, "years"),
}

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
