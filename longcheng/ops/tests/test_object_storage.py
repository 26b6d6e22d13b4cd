"""Attachments on S3-compatible storage, as production runs them on MinIO: the settings'
S3 backend against a real S3 API (moto's server on a local port), through the platform's pages."""

import io

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from moto.server import ThreadedMotoServer
from PIL import Image

from longcheng.loop.attachments import attachment_add
from longcheng.ops import health

pytestmark = pytest.mark.django_db
BUCKET = "longcheng-attachments"


@pytest.fixture
def s3(settings):
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    credentials = {"aws_access_key_id": "minio", "aws_secret_access_key": "minio-secret"}
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", **credentials)
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "access_key": "minio",
                "secret_key": "minio-secret",
                "region_name": "us-east-1",
                "addressing_style": "path",
                "signature_version": "s3v4",
                "default_acl": None,
                "file_overwrite": False,
            },
        },
    }
    yield client
    server.stop()


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_an_attachment_goes_to_the_bucket_and_comes_back_through_the_page(
    s3, receive, users, login
):
    matter = receive()
    upload = SimpleUploadedFile("现场.jpg", _photo(), content_type="image/jpeg")
    attachment = attachment_add(matter=matter, upload=upload, actor=users.committee_clerk)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == [attachment.file.name]
    stored = s3.get_object(Bucket=BUCKET, Key=attachment.file.name)["Body"].read()
    response = login(users.committee_clerk).get(f"/loop/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored
    # Readiness writes, reads and removes a probe file in the same bucket.
    ready, results = health.readiness()
    assert ready and results["storage"]["ok"]
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]] == keys
