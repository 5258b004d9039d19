"""An S3 server on 127.0.0.1 for the tests of documents in a bucket (``ASSKOMM_STORAGE=s3``).

moto's server answers S3's HTTP API (signed requests, buckets, objects) as an object store of
the LPR would (MinIO, AWS): django-storages and boto3 talk to it over HTTP as in production.
"""

import logging
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import boto3

REGION = "eu-central-1"
# moto accepts any key; these stand for the portal's access key and secret.
ACCESS_KEY, SECRET_KEY = "asskomm-portal", "asskomm-geheim"


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def new_bucket(self) -> str:
        """A bucket of its own for one test."""
        name = f"asskomm-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        return name

    def keys(self, bucket: str) -> list[str]:
        listed = self.client().list_objects_v2(Bucket=bucket)
        return [entry["Key"] for entry in listed.get("Contents", [])]


@contextmanager
def s3_server() -> Iterator[S3Server]:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request otherwise
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield S3Server(f"http://127.0.0.1:{port}")
    finally:
        server.stop()
