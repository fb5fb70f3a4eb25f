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
UPLOADS_EXPIRY_RULE = "expire-unprocessed-uploads"
UPLOAD_CORS_MAX_AGE_SECONDS = 3000  # as the template's bucket CORS rule


def bootstrap(settings: Settings) -> None:
    """Images bucket (public access blocked, CORS for browser uploads, unprocessed uploads
    expiring), its upload-event queue, the SES sender, and the mail queue if MAIL_QUEUE is set."""
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

    if settings.cors_origins:
        # BKT-04: browsers post uploads straight to the bucket, from the frontends only.
        s3.put_bucket_cors(
            Bucket=bucket,
            CORSConfiguration={
                "CORSRules": [
                    {
                        "AllowedOrigins": list(settings.cors_origins),
                        "AllowedMethods": ["POST"],
                        "AllowedHeaders": ["*"],
                        "MaxAgeSeconds": UPLOAD_CORS_MAX_AGE_SECONDS,
                    }
                ]
            },
        )
    # BKT-05: an upload the thumbnailer never handled does not stay.
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": UPLOADS_EXPIRY_RULE,
                    "Status": "Enabled",
                    "Filter": {"Prefix": UPLOADS_PREFIX},
                    "Expiration": {"Days": settings.image_upload_retention_days},
                    "AbortIncompleteMultipartUpload": {
                        "DaysAfterInitiation": settings.image_upload_retention_days
                    },
                }
            ]
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
