import pytest

from longcheng.loop.models import Category


@pytest.fixture
def road(org):
    return Category.objects.add_root(
        {"code": "road", "name": "道路积水", "default_lead_unit": org.brigade1}
    )
