"""Static checks of the mail part of infra/template.yaml: the webhook only queues its order mails
(WH-08), and the mailer drains the queue with SES as the shop's sender, retries through SQS and
a dead-letter queue with an alarm."""

from __future__ import annotations

from typing import Any

from tests.infra.test_template import _deployed_settings, _functions, _resources, template

__all__ = ["template"]  # the module fixture, shared


def _actions(function: dict[str, Any]) -> set[str]:
    return {
        action
        for policy in function.get("Policies", [])
        for statement in policy["Statement"]
        for action in statement["Action"]
    }


def test_wh_08_the_webhook_queues_order_mail_and_cannot_send_it_itself(
    template: dict[str, Any],
) -> None:
    webhook = _functions(template)["StripeWebhookFunction"]

    assert webhook["Environment"]["Variables"]["MAIL_QUEUE"] == {
        "Fn::GetAtt": ["MailQueue", "QueueName"]
    }
    assert "sqs:SendMessage" in _actions(webhook)
    assert not {a for a in _actions(webhook) if a.startswith("ses:")}


def test_the_mailer_drains_the_mail_queue_and_reports_each_failure(
    template: dict[str, Any],
) -> None:
    mailer = _functions(template)["MailerFunction"]
    (source,) = mailer["Events"].values()

    assert (mailer["CodeUri"], mailer["Handler"]) == ("../functions/mailer/", "handler.handler")
    assert source["Type"] == "SQS"
    assert source["Properties"]["Queue"] == {"Fn::GetAtt": ["MailQueue", "Arn"]}
    assert source["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    # SES only, and only as the shop's sender: no secrets, no database, no Stripe.
    assert _actions(mailer) == {"ses:SendEmail", "ses:SendRawEmail"}
    (statement,) = mailer["Policies"][0]["Statement"]
    assert statement["Condition"] == {"StringEquals": {"ses:FromAddress": {"Ref": "MailSender"}}}
    assert _deployed_settings(template, "MailerFunction").is_deployed


def test_mail_the_mailer_cannot_send_ends_in_a_dead_letter_queue_with_an_alarm(
    template: dict[str, Any],
) -> None:
    queue = _resources(template, "AWS::SQS::Queue")["MailQueue"]
    alarms = _resources(template, "AWS::CloudWatch::Alarm")

    assert queue["RedrivePolicy"] == {
        "deadLetterTargetArn": {"Fn::GetAtt": ["MailDeadLetterQueue", "Arn"]},
        "maxReceiveCount": 5,
    }
    assert queue["VisibilityTimeout"] >= 6 * _functions(template)["MailerFunction"]["Timeout"]
    watched = [a["Dimensions"][0]["Value"] for a in alarms.values()]
    assert {"Fn::GetAtt": ["MailDeadLetterQueue", "QueueName"]} in watched
