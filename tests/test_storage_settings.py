"""ASSKOMM_STORAGE=s3 puts documents into an S3-compatible bucket; the default is MEDIA_ROOT."""

import json
from typing import Any

from .support.s3 import ACCESS_KEY, REGION, SECRET_KEY
from .test_settings import run_python

DESCRIBE_STORAGE = (
    "import django, json; django.setup(); "
    "from django.core.files.storage import storages; "
    "s = storages['default']; "
    "print(json.dumps({'class': type(s).__name__, 'module': type(s).__module__, "
    "'bucket': getattr(s, 'bucket_name', None), 'endpoint': getattr(s, 'endpoint_url', None), "
    "'region': getattr(s, 'region_name', None), 'acl': getattr(s, 'default_acl', 'n/a'), "
    "'overwrite': getattr(s, 'file_overwrite', None), "
    "'querystring_auth': getattr(s, 'querystring_auth', None), "
    "'location': str(getattr(s, 'location', ''))}))"
)


def test_the_default_is_the_filesystem_under_media_root() -> None:
    result = run_python(
        DESCRIBE_STORAGE,
        {"DJANGO_SETTINGS_MODULE": "asskomm.settings.dev", "DJANGO_MEDIA_ROOT": "/srv/dokumente"},
    )

    assert result.returncode == 0, result.stderr
    described = json.loads(result.stdout)
    assert described["class"] == "FileSystemStorage"
    assert described["location"] == "/srv/dokumente"


def test_s3_storage_with_an_s3_compatible_endpoint() -> None:
    result = run_python(
        DESCRIBE_STORAGE,
        {
            "DJANGO_SETTINGS_MODULE": "asskomm.settings.dev",
            "ASSKOMM_STORAGE": "s3",
            "AWS_STORAGE_BUCKET_NAME": "asskomm-dokumente",
            "AWS_S3_ENDPOINT_URL": "http://minio.intern:9000",
            "AWS_S3_REGION_NAME": "eu-central-1",
            "AWS_ACCESS_KEY_ID": "portal",
            "AWS_SECRET_ACCESS_KEY": "geheim",
        },
    )

    assert result.returncode == 0, result.stderr
    described = json.loads(result.stdout)
    assert described["class"] == "S3Storage"
    assert described["module"] == "storages.backends.s3"
    assert described["bucket"] == "asskomm-dokumente"
    assert described["endpoint"] == "http://minio.intern:9000"
    assert described["region"] == "eu-central-1"
    # Documents are private and never overwritten; links (if ever made) are signed.
    assert described["acl"] == "private"
    assert described["overwrite"] is False
    assert described["querystring_auth"] is True


def test_s3_storage_without_a_bucket_refuses_to_start() -> None:
    result = run_python(
        "import django; django.setup()",
        {"DJANGO_SETTINGS_MODULE": "asskomm.settings.dev", "ASSKOMM_STORAGE": "s3"},
    )

    assert result.returncode != 0
    assert "AWS_STORAGE_BUCKET_NAME" in result.stderr


def test_an_unknown_storage_is_refused() -> None:
    result = run_python(
        "import django; django.setup()",
        {"DJANGO_SETTINGS_MODULE": "asskomm.settings.dev", "ASSKOMM_STORAGE": "ftp"},
    )

    assert result.returncode != 0
    assert "ftp" in result.stderr


ROUND_TRIP = (
    "import django, json; django.setup(); "
    "from django.core.files.base import ContentFile; "
    "from django.core.files.storage import default_storage as s; "
    "name = 'vereinbarungen/Großenhain Vereinbarung.pdf'; "
    "first = s.save(name, ContentFile('Prüfung ä ö ü ß'.encode())); "
    "second = s.save(name, ContentFile(b'zweite')); "
    "read = s.open(first).read().decode(); "
    "url = s.url(first); "
    "s.delete(second); "
    "print(json.dumps({'first': first, 'second': second, 'read': read, 'url': url, "
    "'exists': [s.exists(first), s.exists(second)], 'size': s.size(first)}))"
)


def test_s3_settings_store_documents_in_the_bucket(s3: Any) -> None:
    """The settings of ``ASSKOMM_STORAGE=s3`` against a real S3 API (tests/support/s3.py):
    documents are written to and read from the bucket, never overwritten, linked only by signed
    URLs, and deleted there."""
    bucket = s3.new_bucket()
    result = run_python(
        ROUND_TRIP,
        {
            "DJANGO_SETTINGS_MODULE": "asskomm.settings.dev",
            "ASSKOMM_STORAGE": "s3",
            "AWS_STORAGE_BUCKET_NAME": bucket,
            "AWS_S3_ENDPOINT_URL": s3.endpoint_url,
            "AWS_S3_REGION_NAME": REGION,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        },
    )

    assert result.returncode == 0, result.stderr
    done = json.loads(result.stdout)
    assert done["read"] == "Prüfung ä ö ü ß"
    assert done["size"] == len("Prüfung ä ö ü ß".encode())
    assert done["first"] == "vereinbarungen/Großenhain Vereinbarung.pdf"
    assert done["second"] != done["first"]  # a second file of the same name gets a new name
    assert done["exists"] == [True, False]
    assert s3.keys(bucket) == [done["first"]]
    assert done["url"].startswith(f"{s3.endpoint_url}/{bucket}/")
    assert "X-Amz-Signature=" in done["url"]
    assert "X-Amz-Expires=" in done["url"]
