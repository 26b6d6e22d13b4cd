"""The whole API fuzzed from its own OpenAPI schema (schemathesis): whatever the generated
parameters, query strings and bodies, the server answers without a server error, as a
dispatcher (who sees everything) signed in with the second factor."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from longcheng.accounts.models import User

schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = get_wsgi_application()


@pytest.fixture
def session_cookie(users, records):
    # In-process requests run inside the test's transaction, as Django's test client does:
    # the connection must outlive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    client = Client()
    client.force_login(User.objects.get(username="dispatcher"))
    yield f"sessionid={client.cookies['sessionid'].value}"
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_server_error_anywhere_in_the_api(case, session_cookie):
    case.call_and_validate(headers={"Cookie": session_cookie}, checks=[not_a_server_error])
