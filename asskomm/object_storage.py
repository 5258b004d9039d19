"""Documents in a bucket of an S3-compatible object store (``ASSKOMM_STORAGE=s3``): the entry of
``STORAGES`` the settings build from the environment, and the tests from their own bucket."""

from typing import Any


def s3_documents(
    *,
    bucket: str,
    endpoint_url: str | None = None,
    region_name: str | None = None,
    access_key: str | None = None,
    secret_key: str | None = None,
) -> dict[str, Any]:
    """django-storages' S3 storage for the documents: private objects, never overwritten (a
    second file of the same name gets a new name), read through the portal's views only (the
    URLs are signed and expire). No endpoint: AWS; no keys: boto3 finds credentials itself
    (instance role, ``~/.aws``)."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url,
            "region_name": region_name,
            "access_key": access_key,
            "secret_key": secret_key,
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
        },
    }
