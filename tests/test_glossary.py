"""Every code name in docs/glossary.md exists in the code.

The glossary's tables have the columns `| 中文 | identifier | meaning |`; in the identifier
column, text in backticks is a code name (a class, function, field or choice; a dotted name is
checked part by part) and plain text is a description. A code name counts as existing when it
appears as an identifier in a Python file or a template under `longcheng/`, outside tests and
migrations. The files are read once, as text: nothing is imported, no database is needed."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "docs" / "glossary.md"
CODE = ROOT / "longcheng"

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
CODE_NAME = re.compile(r"`([^`]+)`")


def glossary_code_names() -> list[tuple[str, str]]:
    """(term, code name) for every backticked name in the identifier column of every table."""
    names = []
    column = None
    for line in GLOSSARY.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            column = None
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if column is None:  # a table's header row
            column = cells.index("identifier") if "identifier" in cells else -1
            continue
        if column < 0 or set(line) <= set("|-: "):
            continue
        for name in CODE_NAME.findall(cells[column]):
            names.append((cells[0], name))
    return names


def code_identifiers() -> set[str]:
    found: set[str] = set()
    for path in CODE.rglob("*"):
        if path.suffix not in {".py", ".html", ".txt"} or not path.is_file():
            continue
        if {"tests", "migrations"} & set(path.relative_to(CODE).parts):
            continue
        found.update(IDENTIFIER.findall(path.read_text(encoding="utf-8")))
    return found


NAMES = glossary_code_names()


def test_the_glossary_names_code():
    assert len(NAMES) > 100, "docs/glossary.md: no `identifier` column with code names found"


@pytest.fixture(scope="module")
def identifiers() -> set[str]:
    return code_identifiers()


@pytest.mark.parametrize(("term", "name"), NAMES, ids=[f"{t}:{n}" for t, n in NAMES])
def test_each_code_name_exists(term, name, identifiers):
    parts = name.split(".")
    assert all(IDENTIFIER.fullmatch(part) for part in parts), (
        f"{term}: `{name}` is not a code name; write a description without backticks"
    )
    missing = [part for part in parts if part not in identifiers]
    assert missing == [], f"{term}: `{name}` does not exist under longcheng/ ({missing})"
