"""Static checks of the images part of infra/template.yaml: bucket CORS and notification
(BKT-04, IMG-01), the upload-event queue and its dead-letter queue, and the thumbnailer's size,
concurrency, event source and permissions (IMG-09), read from the template itself."""

from __future__ import annotations

from typing import Any

from tests.infra.test_template import (
    SAMPLE_PARAMETERS,
    _deployed_settings,
    _functions,
    _images_bucket,
    _resources,
    template,
)

__all__ = ["template"]  # the module fixture, shared
# The created database's secret, or the given one.
DATABASE_SECRET = {
    "Fn::If": ["CreateDatabase", {"Ref": "DatabaseSecret"}, {"Ref": "DatabaseSecretArn"}]
}


def _thumbnailer(template: dict[str, Any]) -> dict[str, Any]:
    return _functions(template)["ThumbnailerFunction"]


def _statements(function: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        statement["Sid"]: statement
        for policy in function["Policies"]
        for statement in policy["Statement"]
    }


def _queues(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return _resources(template, "AWS::SQS::Queue")


def test_img_01_uploads_and_only_uploads_notify_the_thumbnailer_queue(
    template: dict[str, Any],
) -> None:
    [rule] = _images_bucket(template)["NotificationConfiguration"]["QueueConfigurations"]

    assert rule["Event"] == "s3:ObjectCreated:*"
    assert rule["Queue"] == {"Fn::GetAtt": ["ImageEventsQueue", "Arn"]}
    assert rule["Filter"]["S3Key"]["Rules"] == [{"Name": "prefix", "Value": "uploads/"}]


def test_img_01_the_thumbnailer_cannot_write_where_its_trigger_listens(
    template: dict[str, Any],
) -> None:
    writes = [
        statement
        for statement in _statements(_thumbnailer(template)).values()
        if "s3:PutObject" in statement["Action"]
    ]

    assert [w["Resource"] for w in writes] == [{"Fn::Sub": "${ImagesBucket.Arn}/public/*"}]


def test_the_bucket_waits_for_the_queue_policy_that_lets_s3_send(template: dict[str, Any]) -> None:
    bucket = template["Resources"]["ImagesBucket"]
    policy = _resources(template, "AWS::SQS::QueuePolicy")["ImageEventsQueuePolicy"]
    [statement] = policy["PolicyDocument"]["Statement"]

    assert bucket["DependsOn"] == "ImageEventsQueuePolicy"
    assert statement["Principal"] == {"Service": "s3.amazonaws.com"}
    assert statement["Action"] == "sqs:SendMessage"
    assert statement["Condition"]["StringEquals"] == {
        "aws:SourceAccount": {"Ref": "AWS::AccountId"}
    }


def test_bkt_04_browsers_may_post_uploads_from_the_configured_origins_only(
    template: dict[str, Any],
) -> None:
    cors = _images_bucket(template)["CorsConfiguration"]["Fn::If"]
    [rule] = cors[1]["CorsRules"]

    assert cors[0] == "HasCorsOrigins"
    assert rule["AllowedOrigins"] == {"Fn::Split": [",", {"Ref": "CorsOrigins"}]}
    assert rule["AllowedMethods"] == ["POST"]
    assert cors[2] == {"Ref": "AWS::NoValue"}  # no CORS at all without origins, never '*'


def test_img_09_thumbnailer_has_1024_mb_30_s_and_10_reserved_executions(
    template: dict[str, Any],
) -> None:
    function = _thumbnailer(template)

    assert (function["CodeUri"], function["Handler"]) == (
        "../functions/thumbnailer/",
        "handler.handler",
    )
    assert (function["MemorySize"], function["Timeout"]) == (1024, 30)
    assert function["ReservedConcurrentExecutions"] == 10


def test_img_09_failed_events_are_retried_per_message_then_dead_lettered(
    template: dict[str, Any],
) -> None:
    [event] = _thumbnailer(template)["Events"].values()
    queue = _queues(template)["ImageEventsQueue"]

    assert event["Type"] == "SQS"
    assert event["Properties"]["Queue"] == {"Fn::GetAtt": ["ImageEventsQueue", "Arn"]}
    assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert event["Properties"]["ScalingConfig"]["MaximumConcurrency"] <= 10
    assert queue["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": ["ImageEventsDeadLetterQueue", "Arn"]},
        "maxReceiveCount": 5,
    }
    # A message still being processed must not be delivered to a second container.
    assert queue["VisibilityTimeout"] >= 6 * _thumbnailer(template)["Timeout"]


def test_a_dead_lettered_event_raises_an_alarm(template: dict[str, Any]) -> None:
    alarm = _resources(template, "AWS::CloudWatch::Alarm")["ImageEventsDeadLetterAlarm"]

    assert alarm["Dimensions"] == [
        {"Name": "QueueName", "Value": {"Fn::GetAtt": ["ImageEventsDeadLetterQueue", "QueueName"]}}
    ]
    assert (alarm["ComparisonOperator"], alarm["Threshold"]) == ("GreaterThanThreshold", 0)


def test_upload_event_queues_are_encrypted(template: dict[str, Any]) -> None:
    assert all(queue["SqsManagedSseEnabled"] for queue in _queues(template).values())


def test_thumbnailer_iam_is_limited_to_the_prefixes_it_needs(template: dict[str, Any]) -> None:
    statements = _statements(_thumbnailer(template))

    assert {
        sid: (sorted(s["Action"]) if isinstance(s["Action"], list) else s["Action"], s["Resource"])
        for sid, s in statements.items()
    } == {
        "ReadDatabaseSecret": ("secretsmanager:GetSecretValue", [DATABASE_SECRET]),
        "ReadAndDeleteUploads": (
            ["s3:DeleteObject", "s3:GetObject"],
            {"Fn::Sub": "${ImagesBucket.Arn}/uploads/*"},
        ),
        "WriteAndDeleteVariants": (
            ["s3:DeleteObject", "s3:PutObject"],
            {"Fn::Sub": "${ImagesBucket.Arn}/public/*"},
        ),
    }


def test_thumbnailer_environment_passes_deployed_settings_validation_without_stripe_keys(
    template: dict[str, Any],
) -> None:
    variables = _thumbnailer(template)["Environment"]["Variables"]

    settings = _deployed_settings(template, "ThumbnailerFunction")

    assert settings.is_deployed
    assert not {"STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"} & variables.keys()
    assert settings.database_secret_arn == SAMPLE_PARAMETERS["DatabaseSecretArn"]
    assert settings.images_bucket == "sample-imagesbucket"
