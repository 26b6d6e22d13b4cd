"""Probes and metrics: what the supervisor and Prometheus see, and who may see it."""

import io
import json
import logging

import pytest
from django.core.files.storage import default_storage

from longcheng.core.logfilters import PersonalDataFilter
from longcheng.loop.models import Matter
from longcheng.ops.jsonlog import LongchengJsonFormatter

pytestmark = pytest.mark.django_db
OUTSIDE = "203.0.113.9"


def test_liveness_answers_anyone_on_any_host(client):
    response = client.get("/healthz", HTTP_HOST="10.0.0.5:8000", REMOTE_ADDR=OUTSIDE)
    assert response.status_code == 200 and response.content == b"ok"


def test_readiness_checks_each_dependency_from_inside_only(client):
    response = client.get("/readyz", HTTP_HOST="10.0.0.5:8000")
    body = response.json()
    assert response.status_code == 200 and body["ready"] is True
    assert set(body["checks"]) >= {"database", "migrations", "cache", "storage"}
    assert client.get("/readyz", REMOTE_ADDR=OUTSIDE).status_code == 404


def test_readiness_fails_and_names_the_broken_part(client, monkeypatch):
    def full(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr(default_storage, "save", full)
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["storage"]["ok"] is False and "No space left" in checks["storage"]["error"]
    assert checks["database"]["ok"] is True


def test_metrics_count_requests_and_the_work_waiting(client, receive):
    receive(), receive()
    overdue = receive()
    Matter.objects.filter(pk=overdue.pk).update(overdue=True)
    client.get("/accounts/login/")
    text = client.get("/metrics").content.decode()
    assert "django_http_requests_total_by_method_total" in text
    assert 'longcheng_matters_open{overdue="false"} 2.0' in text
    assert 'longcheng_matters_open{overdue="true"} 1.0' in text
    assert "longcheng_data_requests_waiting 0.0" in text
    assert client.get("/metrics", REMOTE_ADDR=OUTSIDE).status_code == 404


def test_json_logs_are_one_object_per_line_with_personal_data_masked():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(PersonalDataFilter())
    handler.setFormatter(LongchengJsonFormatter())
    logger = logging.getLogger("longcheng.test.jsonlog")
    logger.addHandler(handler)
    try:
        logger.warning("回访 %s 未接通", "13912340001")
    finally:
        logger.removeHandler(handler)
    line = json.loads(stream.getvalue())
    assert line["level"] == "WARNING" and line["name"] == "longcheng.test.jsonlog"
    assert line["message"] == "回访 139****0001 未接通"
    assert "time" in line and "13912340001" not in stream.getvalue()
