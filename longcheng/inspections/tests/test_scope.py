import pytest

from longcheng.inspections.scope import ScopeInvalid, describe_scope, parties_in_scope


def names(queryset):
    return {p.name for p in queryset}


def test_grade_two_and_above(hospitals):
    scope = {"party_type": "institution", "min_grade": "2"}
    assert names(parties_in_scope(scope)) == {"山西省人民医院", "小店区人民医院", "晋源区人民医院"}
    assert "二级及以上" in describe_scope(scope)


def test_divisions_narrow_the_scope(hospitals):
    scope = {"party_type": "institution", "min_grade": "2", "divisions": ["140110"]}
    assert names(parties_in_scope(scope)) == {"晋源区人民医院"}
    assert describe_scope(scope).startswith("晋源区")


def test_active_construction_sites_only(sites):
    active, finished = sites
    scope = {"party_type": "site", "site_kinds": ["construction"], "site_statuses": ["active"]}
    found = list(parties_in_scope(scope))
    assert finished not in found
    assert len(found) == len(active)


@pytest.mark.parametrize(
    "scope", [{}, {"party_type": "vehicle"}, {"party_type": "institution", "min_grade": "9"}]
)
def test_a_bad_rule_is_refused_in_plain_words(db, scope):
    with pytest.raises(ScopeInvalid) as error:
        list(parties_in_scope(scope))
    assert error.value.message
