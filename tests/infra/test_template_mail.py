"""Static checks of the mail part of infra/template.yaml: the webhook cannot send mail (its order
mails go into the outbox table, WH-08), and the mailer sends the outbox on a schedule with SES as
the shop's sender, with an alarm for mail it gave up on."""

from __future__ import annotations

from typing import Any

from tests.infra.test_template import _deployed_settings, _functions, _resources, template
from tests.infra.test_template_images import DATABASE_SECRET

__all__ = ["template"]  # the module fixture, shared


def _actions(function: dict[str, Any]) -> set[str]:
    actions: set[str] = set()
    for policy in function.get("Policies", []):
        for statement in policy["Statement"]:
            action = statement["Action"]
            actions |= {action} if isinstance(action, str) else set(action)
    return actions


def test_wh_08_the_webhook_can_neither_send_nor_queue_mail(template: dict[str, Any]) -> None:
    webhook = _functions(template)["StripeWebhookFunction"]

    assert not {a for a in _actions(webhook) if a.startswith(("ses:", "sqs:", "lambda:"))}
    assert _resources(template, "AWS::SQS::Queue").keys() == {
        "ImageEventsQueue",
        "ImageEventsDeadLetterQueue",
    }


def test_the_mailer_runs_every_minute_with_the_database_and_ses_as_the_shop_only(
    template: dict[str, Any],
) -> None:
    mailer = _functions(template)["MailerFunction"]
    (schedule,) = mailer["Events"].values()

    assert (mailer["CodeUri"], mailer["Handler"]) == ("../functions/mailer/", "handler.handler")
    assert schedule["Type"] == "ScheduleV2"
    assert schedule["Properties"]["ScheduleExpression"] == "rate(1 minute)"
    # It stops claiming 20 s before its timeout (functions/mailer/handler.py): room for a batch.
    assert mailer["Timeout"] >= 40
    assert _actions(mailer) == {
        "secretsmanager:GetSecretValue",
        "ses:SendEmail",
        "ses:SendRawEmail",
    }
    secrets, ses = mailer["Policies"][0]["Statement"]
    assert secrets["Resource"] == [DATABASE_SECRET]
    assert ses["Condition"] == {"StringEquals": {"ses:FromAddress": {"Ref": "MailSender"}}}
    assert _deployed_settings(template, "MailerFunction").is_deployed


def test_mail_the_mailer_gave_up_on_raises_an_alarm(template: dict[str, Any]) -> None:
    (metric_filter,) = _resources(template, "AWS::Logs::MetricFilter").values()
    alarms = _resources(template, "AWS::CloudWatch::Alarm")

    assert metric_filter["LogGroupName"] == {"Ref": "MailerFunctionLogGroup"}
    assert metric_filter["FilterPattern"] == '{ $.event = "mail_gave_up" }'
    (transformation,) = metric_filter["MetricTransformations"]
    watched = {(a["Namespace"], a["MetricName"]) for a in alarms.values() if "Namespace" in a}
    assert (transformation["MetricNamespace"], transformation["MetricName"]) in watched


def test_a_mailer_that_fails_whole_runs_raises_an_alarm(template: dict[str, Any]) -> None:
    alarm = _resources(template, "AWS::CloudWatch::Alarm")["MailerErrorsAlarm"]

    assert (alarm["Namespace"], alarm["MetricName"]) == ("AWS/Lambda", "Errors")
    assert alarm["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": "MailerFunction"}}]
