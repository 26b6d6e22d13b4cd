"""The two code lists the funds pages show by name: 国民经济行业分类 (GB/T 4754-2017, 门类 and
大类) and 行政区划 (GB/T 2260: the provinces, and Shanxi's cities and counties). The data are
files in `data/`, each naming its source; the code is what is stored, the name what is shown.

One lookup per list (`industry_label`, `division_label`): an unknown code comes back as itself
with `known=False`, so a page shows it marked and never fails. No CDN, no network."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class CodeLabel:
    code: str
    name: str  # the name, or the code itself when unknown
    known: bool

    def __str__(self) -> str:
        return self.name if self.known else f"{self.code}（未知代码）"


@cache
def _industries() -> dict:
    return json.loads((_DATA / "gbt4754_2017.json").read_text(encoding="utf-8"))


@cache
def _industry_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for section in _industries()["sections"]:
        names[section["code"]] = section["name"]
        for division in section["divisions"]:
            names[division["code"]] = division["name"]
    return names


_INDUSTRY = re.compile(r"^([A-T])(\d{2}(?:\d{1,2})?)?$")


def industry_label(code: str | None) -> CodeLabel:
    """`C`, `C38`, `C382`, `C3825` → the name of the 门类 or 大类 it falls in (a 中类 or 小类 code
    is shown by its 大类's name, its own code kept); anything else is unknown."""
    code = (code or "").strip().upper()
    match = _INDUSTRY.match(code)
    if not match:
        return CodeLabel(code, code, False)
    key = code[:3] if match.group(2) else code
    name = _industry_names().get(key)
    return CodeLabel(code, name, True) if name else CodeLabel(code, code, False)


def industry_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped by 门类, for a select: the 门类 itself, then its 大类 (code and name)."""
    return [
        (
            f"{section['code']} {section['name']}",
            [(section["code"], f"{section['code']} {section['name']}（整个门类）")]
            + [(d["code"], f"{d['code']} {d['name']}") for d in section["divisions"]],
        )
        for section in _industries()["sections"]
    ]


def industry_source() -> str:
    return _industries()["source"]


@cache
def _divisions() -> dict:
    return json.loads((_DATA / "gbt2260_shanxi.json").read_text(encoding="utf-8"))


@cache
def _division_names() -> dict[str, str]:
    data = _divisions()
    names = {p["code"]: p["name"] for p in data["provinces"]}
    for city in data["cities"]:
        names[city["code"]] = city["name"]
        for county in city["counties"]:
            names[county["code"]] = county["name"]
    return names


def division_label(code: str | None) -> CodeLabel:
    """A six-digit GB/T 2260 code → its name (a county under its city: 太原市小店区); a
    prefix of two or four digits (a fund's “local” area, 1401) → its province or city."""
    code = (code or "").strip()
    names = _division_names()
    full = code.ljust(6, "0") if len(code) in (2, 4) and code.isdigit() else code
    name = names.get(full)
    if name is None:
        return CodeLabel(code, code, False)
    city = names.get(full[:4] + "00") if not full.endswith("00") else None
    return CodeLabel(code, f"{city}{name}" if city else name, True)


def division_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Shanxi by city: the city itself, then its counties and districts."""
    return [
        (
            city["name"],
            [(city["code"], f"{city['name']}（全市）")]
            + [(c["code"], f"{city['name']}{c['name']}") for c in city["counties"]],
        )
        for city in _divisions()["cities"]
    ]


def division_source() -> str:
    return _divisions()["source"]
