from __future__ import annotations

import json
import os
import uuid
from urllib.parse import unquote_plus

import boto3
import pytest

from devstack.aws import UPLOADS_PREFIX, bootstrap
from shop.config import Settings


@pytest.fixture
def own_resources(settings: Settings) -> Settings:
    """Settings naming resources no other test touches on the shared moto server."""
    suffix = uuid.uuid4().hex[:8]
    return settings.model_copy(
        update={
            "images_bucket": f"facet-images-{suffix}",
            "image_events_queue": f"facet-image-events-{suffix}",
            "mail_sender": f"shop-{suffix}@facet.test",
        }
    )


def test_bootstrap_creates_a_private_bucket_its_queue_and_a_verified_sender(
    own_resources: Settings,
) -> None:
    bootstrap(own_resources)
    bootstrap(own_resources)  # a second run finds everything in place

    s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
    sqs = boto3.client("sqs", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
    ses = boto3.client("ses", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
    block = s3.get_public_access_block(Bucket=own_resources.images_bucket)
    assert all(block["PublicAccessBlockConfiguration"].values())
    queue_url = sqs.get_queue_url(QueueName=own_resources.image_events_queue)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    notification = s3.get_bucket_notification_configuration(Bucket=own_resources.images_bucket)
    [rule] = notification["QueueConfigurations"]
    assert rule["QueueArn"] == queue_arn
    assert rule["Events"] == ["s3:ObjectCreated:*"]
    assert rule["Filter"]["Key"]["FilterRules"] == [{"Name": "prefix", "Value": UPLOADS_PREFIX}]
    identity = ses.get_identity_verification_attributes(Identities=[own_resources.mail_sender])
    status = identity["VerificationAttributes"][own_resources.mail_sender]["VerificationStatus"]
    assert status == "Success"


def test_uploads_reach_the_queue_and_processed_images_do_not(own_resources: Settings) -> None:
    bootstrap(own_resources)
    s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
    sqs = boto3.client("sqs", endpoint_url=os.environ["AWS_ENDPOINT_URL"])
    queue_url = sqs.get_queue_url(QueueName=own_resources.image_events_queue)["QueueUrl"]

    s3.put_object(Bucket=own_resources.images_bucket, Key="public/a/thumb.webp", Body=b"w")
    s3.put_object(Bucket=own_resources.images_bucket, Key="uploads/s1/img", Body=b"j")

    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    bodies = [json.loads(message["Body"]) for message in messages]
    # S3 also sends one s3:TestEvent when a notification is configured.
    records = [record for body in bodies for record in body.get("Records", [])]
    assert [record["eventName"] for record in records] == ["ObjectCreated:Put"]
    assert records[0]["s3"]["bucket"]["name"] == own_resources.images_bucket
    assert unquote_plus(records[0]["s3"]["object"]["key"]) == "uploads/s1/img"


def test_bkt_04_the_bucket_accepts_browser_posts_from_the_frontends_only(
    own_resources: Settings,
) -> None:
    bootstrap(own_resources)
    s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"])

    [rule] = s3.get_bucket_cors(Bucket=own_resources.images_bucket)["CORSRules"]

    assert rule["AllowedOrigins"] == own_resources.cors_origins
    assert rule["AllowedMethods"] == ["POST"]


def test_bkt_05_unprocessed_uploads_expire_after_one_day(own_resources: Settings) -> None:
    bootstrap(own_resources)
    s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT_URL"])

    [rule] = s3.get_bucket_lifecycle_configuration(Bucket=own_resources.images_bucket)["Rules"]

    assert rule["Status"] == "Enabled"
    assert rule["Filter"] == {"Prefix": UPLOADS_PREFIX}
    assert rule["Expiration"] == {"Days": 1}
