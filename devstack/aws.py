"""Create the AWS resources the app expects on the local emulator (moto or LocalStack).

In AWS the SAM template owns these; locally and in tests this does, idempotently.
"""

from __future__ import annotations

import contextlib
import json

import boto3

from shop.config import Settings

UPLOADS_PREFIX = "uploads/"
UPLOAD_NOTIFICATION_ID = "uploads-to-image-events"


def bootstrap(settings: Settings) -> None:
    """Images bucket (public access blocked), its upload-event queue, and the SES sender."""
    if settings.aws_endpoint_url is None:
        # Real AWS resources come from the SAM template, never from a developer tool.
        raise ValueError("bootstrap only targets a local emulator: set AWS_ENDPOINT_URL")
    session = boto3.session.Session(region_name=settings.aws_region)
    s3 = session.client("s3", endpoint_url=settings.aws_endpoint_url)
    sqs = session.client("sqs", endpoint_url=settings.aws_endpoint_url)
    ses = session.client("ses", endpoint_url=settings.aws_endpoint_url)

    bucket = settings.images_bucket
    # Emulators run in us-east-1 (the local stack sets it), where CreateBucket takes no location.
    with contextlib.suppress(s3.exceptions.BucketAlreadyOwnedByYou):
        s3.create_bucket(Bucket=bucket)
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )

    queue_url = sqs.create_queue(QueueName=settings.image_events_queue)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    # What AWS requires before S3 may deliver to the queue; emulators accept it as well.
    sqs.set_queue_attributes(
        QueueUrl=queue_url,
        Attributes={"Policy": json.dumps(_allow_bucket_to_send(bucket, queue_arn))},
    )
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "Id": UPLOAD_NOTIFICATION_ID,
                    "QueueArn": queue_arn,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {
                        "Key": {"FilterRules": [{"Name": "prefix", "Value": UPLOADS_PREFIX}]}
                    },
                }
            ]
        },
    )

    ses.verify_email_identity(EmailAddress=settings.mail_sender)


def _allow_bucket_to_send(bucket: str, queue_arn: str) -> dict[str, object]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "s3.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": queue_arn,
                "Condition": {"ArnEquals": {"aws:SourceArn": f"arn:aws:s3:::{bucket}"}},
            }
        ],
    }
