"""Every anonymous request counts against a budget per address; signed-in staff do not."""

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


@override_settings(LONGCHENG_ANONYMOUS_LIMIT="3/60")
def test_anonymous_requests_beyond_the_budget_are_refused_politely(client, users):
    codes = [client.get("/accounts/login/").status_code for _ in range(3)]
    refused = client.get("/p/decisions/")
    assert codes == [200, 200, 200]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "访问过于频繁" in refused.content.decode()
    # Another address has its own budget.
    assert client.get("/accounts/login/", REMOTE_ADDR="10.0.0.9").status_code == 200
    # Signed-in staff are not counted.
    client.force_login(users.clerk1)
    assert all(client.get("/").status_code == 200 for _ in range(5))
