"""What Lambda's SQS event source mapping does in AWS, for the emulator's queues
(devstack/aws.py): receive batches, invoke the real handler in its container with the SQS event,
and delete the messages the handler did not report as failed (those come back after the
visibility timeout). S3 upload notifications reach the thumbnailer this way."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import boto3

from devstack.lambda_runtime import FunctionContainer
from shop.config import Settings

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import MessageTypeDef

THUMBNAILER = "functions.thumbnailer.handler:handler"
BATCH_SIZE = 10  # SQS ReceiveMessage's maximum, as the template's event source mapping
WAIT_SECONDS = 1  # long-poll: how long Ctrl-C may wait for the poller to notice


def sqs_event(messages: list[MessageTypeDef], queue_arn: str, region: str) -> dict[str, Any]:
    """The event Lambda's SQS event source mapping sends for these messages."""
    return {
        "Records": [
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": dict(message.get("Attributes", {})),
                "messageAttributes": {},
                "md5OfBody": message.get("MD5OfBody", ""),
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
            for message in messages
        ]
    }


class QueuePoller:
    def __init__(self, settings: Settings, queue: str, container: FunctionContainer) -> None:
        self._settings = settings
        self._container = container
        self._sqs: SQSClient = boto3.session.Session().client(
            "sqs", region_name=settings.aws_region, endpoint_url=settings.aws_endpoint_url
        )
        self._queue_url = self._sqs.get_queue_url(QueueName=queue)["QueueUrl"]
        self._queue_arn = self._sqs.get_queue_attributes(
            QueueUrl=self._queue_url, AttributeNames=["QueueArn"]
        )["Attributes"]["QueueArn"]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"poll-{queue}", daemon=True)

    def poll_once(self, wait_seconds: int = WAIT_SECONDS) -> int:
        """One receive-invoke-delete round; returns how many messages were handled."""
        received = self._sqs.receive_message(
            QueueUrl=self._queue_url,
            MaxNumberOfMessages=BATCH_SIZE,
            WaitTimeSeconds=wait_seconds,
            AttributeNames=["All"],
        )
        messages = received.get("Messages", [])
        if not messages:
            return 0
        event = sqs_event(messages, self._queue_arn, self._settings.aws_region)
        response = self._container.invoke(event)
        failed = {item["itemIdentifier"] for item in response.get("batchItemFailures", [])}
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            self._sqs.delete_message_batch(
                QueueUrl=self._queue_url,
                Entries=[
                    {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(done)
                ],
            )
        return len(done)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.poll_once()
