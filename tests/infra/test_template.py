"""Static checks of infra/template.yaml: the security and operations properties a deployed stack
must have (security-requirements BKT, RATE, CORS-02, LOG-05, KEY-01), read from the template
itself, and of the samconfig.toml and docs/deploy.md that pass and explain its parameters."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from shop.config import Settings

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "infra" / "template.yaml"
SAMCONFIG = ROOT / "samconfig.toml"
DEPLOY_GUIDE = ROOT / "docs" / "deploy.md"
AUTH_ROUTE = "ANY /api/v1/auth/{proxy+}"

# Values for the parameters without a default, as an operator would pass them.
SAMPLE_PARAMETERS = {
    "Environment": "production",
    "DatabaseSecretArn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1-AbCdEf",
    "DatabaseHost": "facet.cluster-abc.eu-west-1.rds.amazonaws.com",
    "StripeSecretArn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:stripe-AbCdEf",
    "PublicBaseUrl": "https://shop.example.com",
    "MailDomain": "example.com",
    "MailSender": "shop@example.com",
}
# What Ref returns for the stack's own resources whose value a setting checks.
SAMPLE_RESOURCE_REFS = {
    "JwtKeysSecret": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:JwtKeysSecret-AbCdEf",
    "DatabaseSecret": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:DatabaseSecret-AbCd",
}
SAMPLE_ATTRIBUTES = {
    "DatabaseProxy.Endpoint": "facet-db.proxy-abc.eu-west-1.rds.amazonaws.com",
}
# Today's deployment (bring your own database); CREATED_DATABASE is CreateDatabase=true.
BRING_YOUR_OWN_DATABASE: dict[str, bool] = {"CreateDatabase": False, "CreateNat": False}
CREATED_DATABASE: dict[str, bool] = {"CreateDatabase": True, "CreateNat": True}
# What CloudFormation puts in place of each {{resolve:secretsmanager:...:KEY}} reference.
SAMPLE_SECRET_VALUES = {
    "STRIPE_SECRET_KEY": "sk_live_sample",
    "STRIPE_WEBHOOK_SECRET": "whsec_sample",
}
DYNAMIC_REFERENCE = re.compile(r"\{\{resolve:secretsmanager:.+:SecretString:(\w+)\}\}")
# Read by a library rather than by shop.config.Settings.
NON_SETTINGS_VARIABLES = {"POWERTOOLS_SERVICE_NAME"}


class _CfnLoader(yaml.SafeLoader):
    """A SafeLoader that reads CloudFormation short-form tags (!Ref, !Sub, ...) as long forms."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = suffix if suffix in ("Ref", "Condition") else f"Fn::{suffix}"
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        assert isinstance(node, yaml.MappingNode)
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_CfnLoader.add_multi_constructor("!", _intrinsic)


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.load(TEMPLATE.read_text(), Loader=_CfnLoader)
    return loaded


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _resources(template: dict[str, Any], type_: str) -> dict[str, dict[str, Any]]:
    return {
        name: resource.get("Properties", {})
        for name, resource in template["Resources"].items()
        if resource["Type"] == type_
    }


def _functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each function's properties with the Globals merged in, as SAM deploys them."""
    defaults = template.get("Globals", {}).get("Function", {})
    functions = {}
    for name, own in _resources(template, "AWS::Serverless::Function").items():
        variables = {
            **defaults.get("Environment", {}).get("Variables", {}),
            **own.get("Environment", {}).get("Variables", {}),
        }
        functions[name] = {**defaults, **own, "Environment": {"Variables": variables}}
    return functions


def _http_api(template: dict[str, Any]) -> dict[str, Any]:
    (api,) = _resources(template, "AWS::Serverless::HttpApi").values()
    return api


def _http_routes(function: dict[str, Any]) -> set[str]:
    return {
        f"{event['Properties']['Method'].upper()} {event['Properties']['Path']}"
        for event in function.get("Events", {}).values()
        if event["Type"] == "HttpApi"
    }


def _images_bucket(template: dict[str, Any]) -> dict[str, Any]:
    return _resources(template, "AWS::S3::Bucket")["ImagesBucket"]


def _secrets(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The stack's own secrets, with their deletion policies."""
    return {
        name: resource
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::SecretsManager::Secret"
    }


def _samconfig_parameters() -> dict[str, str]:
    overrides = tomllib.loads(SAMCONFIG.read_text())["default"]["deploy"]["parameters"]
    return dict(override.split("=", 1) for override in overrides["parameter_overrides"])


def _refs(value: Any) -> list[str]:
    """The names a Ref, or every branch of an Fn::If of Refs, can stand for."""
    if isinstance(value, dict) and value.keys() == {"Ref"}:
        return [value["Ref"]]
    if isinstance(value, dict) and value.keys() == {"Fn::If"}:
        _, when_true, when_false = value["Fn::If"]
        return _refs(when_true) + _refs(when_false)
    raise AssertionError(f"not a Ref or an Fn::If of Refs: {value!r}")


def _secret_statements(function: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        statement
        for policy in function.get("Policies", [])
        if isinstance(policy, dict)
        for statement in policy.get("Statement", [])
        if any(action.startswith("secretsmanager:") for action in _as_list(statement["Action"]))
    ]


def _resolve(
    template: dict[str, Any], value: Any, conditions: dict[str, bool] = BRING_YOUR_OWN_DATABASE
) -> Any:
    """Resolve Fn::If with the given conditions, Ref, Fn::GetAtt and Fn::Sub with the sample
    parameters, then the secret references."""
    parameters = {
        name: SAMPLE_PARAMETERS.get(name, spec.get("Default"))
        for name, spec in template["Parameters"].items()
    }

    def lookup(name: str) -> str:
        if name in parameters:
            assert parameters[name] is not None, f"add a sample value for parameter {name}"
            return str(parameters[name])
        assert name in template["Resources"], f"unknown reference {name}"
        return SAMPLE_RESOURCE_REFS.get(name, f"sample-{name.lower()}")

    if isinstance(value, dict) and value.keys() == {"Fn::If"}:
        condition, when_true, when_false = value["Fn::If"]
        return _resolve(template, when_true if conditions[condition] else when_false, conditions)
    if isinstance(value, dict) and value.keys() == {"Fn::GetAtt"}:
        return SAMPLE_ATTRIBUTES[".".join(value["Fn::GetAtt"])]
    if isinstance(value, dict) and value.keys() == {"Ref"}:
        return lookup(value["Ref"])
    if isinstance(value, dict) and value.keys() == {"Fn::Sub"}:
        text = re.sub(r"\$\{([\w.:]+)\}", lambda m: lookup(m.group(1)), value["Fn::Sub"])
        return DYNAMIC_REFERENCE.sub(lambda m: SAMPLE_SECRET_VALUES[m.group(1)], text)
    assert isinstance(value, str), f"unexpected value {value!r}"
    return value


def test_images_bucket_blocks_all_public_access(template: dict[str, Any]) -> None:
    assert _images_bucket(template)["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }


def test_images_bucket_disables_acls(template: dict[str, Any]) -> None:
    assert _images_bucket(template)["OwnershipControls"]["Rules"] == [
        {"ObjectOwnership": "BucketOwnerEnforced"}
    ]


def test_images_bucket_encrypts_objects_at_rest(template: dict[str, Any]) -> None:
    rules = _images_bucket(template)["BucketEncryption"]["ServerSideEncryptionConfiguration"]

    assert [rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] for rule in rules] == ["AES256"]


def test_images_bucket_refuses_plain_http_on_bucket_and_objects(template: dict[str, Any]) -> None:
    (policy,) = (
        props["PolicyDocument"]
        for props in _resources(template, "AWS::S3::BucketPolicy").values()
        if props["Bucket"] == {"Ref": "ImagesBucket"}
    )
    (deny,) = (
        statement
        for statement in policy["Statement"]
        if statement["Effect"] == "Deny"
        and statement.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"
    )

    assert deny["Principal"] == "*"
    assert _as_list(deny["Action"]) == ["s3:*"]
    assert sorted(json.dumps(resource) for resource in _as_list(deny["Resource"])) == sorted(
        json.dumps(resource)
        for resource in (
            {"Fn::GetAtt": ["ImagesBucket", "Arn"]},
            {"Fn::Sub": "${ImagesBucket.Arn}/*"},
        )
    )


def test_only_unprocessed_uploads_expire_after_one_day(template: dict[str, Any]) -> None:
    rules = _images_bucket(template)["LifecycleConfiguration"]["Rules"]
    expiring = [
        rule for rule in rules if rule["Status"] == "Enabled" and "ExpirationInDays" in rule
    ]

    assert [(rule["Prefix"], rule["ExpirationInDays"]) for rule in expiring] == [("uploads/", 1)]


def test_api_stage_throttles_at_200_rps_with_burst_400(template: dict[str, Any]) -> None:
    settings = _http_api(template)["DefaultRouteSettings"]

    assert (settings["ThrottlingRateLimit"], settings["ThrottlingBurstLimit"]) == (200, 400)


def test_auth_routes_throttle_at_20_rps_with_burst_40(template: dict[str, Any]) -> None:
    settings = _http_api(template)["RouteSettings"][AUTH_ROUTE]

    assert (settings["ThrottlingRateLimit"], settings["ThrottlingBurstLimit"]) == (20, 40)


def test_route_settings_name_routes_that_exist(template: dict[str, Any]) -> None:
    # A stage refuses route settings for a route key it does not have.
    routes = set().union(*(_http_routes(function) for function in _functions(template).values()))

    assert set(_http_api(template)["RouteSettings"]) <= routes


def test_http_api_leaves_cors_to_the_app(template: dict[str, Any]) -> None:
    # CORS-02: with CORS on the HTTP API, API Gateway drops the app's exact-origin CORS headers.
    configured = [
        name
        for name, props in {
            "Globals": template.get("Globals", {}).get("HttpApi", {}),
            **_resources(template, "AWS::Serverless::HttpApi"),
        }.items()
        if "CorsConfiguration" in props
    ]

    assert configured == []


def test_every_log_group_keeps_logs_for_a_year(template: dict[str, Any]) -> None:
    groups = _resources(template, "AWS::Logs::LogGroup")

    assert groups
    assert {name: props.get("RetentionInDays") for name, props in groups.items()} == dict.fromkeys(
        groups, 365
    )


def test_api_access_logs_go_to_a_template_log_group(template: dict[str, Any]) -> None:
    destination = _http_api(template)["AccessLogSettings"]["DestinationArn"]

    assert destination["Fn::GetAtt"][0] in _resources(template, "AWS::Logs::LogGroup")


def test_every_function_logs_to_a_template_log_group(template: dict[str, Any]) -> None:
    # Without LoggingConfig, Lambda creates its own group that keeps logs forever.
    groups = _resources(template, "AWS::Logs::LogGroup")
    targets = {
        name: function.get("LoggingConfig", {}).get("LogGroup", {}).get("Ref")
        for name, function in _functions(template).items()
    }

    assert all(target in groups for target in targets.values()), targets


def test_every_function_runs_python312_on_arm64(template: dict[str, Any]) -> None:
    functions = _functions(template)
    runtimes = {name: (f["Runtime"], f["Architectures"]) for name, f in functions.items()}

    assert functions
    assert runtimes == dict.fromkeys(functions, ("python3.12", ["arm64"]))


def test_shared_layer_is_built_for_python312_on_arm64(template: dict[str, Any]) -> None:
    layer = template["Resources"]["SharedLayer"]

    assert layer["Properties"]["ContentUri"] == "../layers/shared/"
    assert layer["Properties"]["CompatibleRuntimes"] == ["python3.12"]
    assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]
    # layers/shared/Makefile builds it: aarch64 wheels, no boto3 or test suites, .pyc compiled.
    assert layer["Metadata"] == {"BuildMethod": "makefile", "BuildArchitecture": "arm64"}


def test_api_function_reserves_100_concurrent_executions(template: dict[str, Any]) -> None:
    assert _functions(template)["ApiFunction"]["ReservedConcurrentExecutions"] == 100


def test_api_function_serves_all_of_api_v1_from_its_handler(template: dict[str, Any]) -> None:
    api = _functions(template)["ApiFunction"]

    assert (api["CodeUri"], api["Handler"]) == ("../functions/api/", "handler.handler")
    assert "ANY /api/v1/{proxy+}" in _http_routes(api)


def test_functions_declare_code_handler_and_routes_as_literal_strings(
    template: dict[str, Any],
) -> None:
    # The local dev server routes requests from these four properties without resolving intrinsics.
    for function in _functions(template).values():
        events = [
            e["Properties"] for e in function.get("Events", {}).values() if e["Type"] == "HttpApi"
        ]
        values = [function["CodeUri"], function["Handler"]]
        values += [value for event in events for value in (event["Path"], event["Method"])]

        assert all(isinstance(value, str) for value in values), values


def test_secret_reads_are_limited_to_named_secrets(template: dict[str, Any]) -> None:
    # Each readable secret is a secret ARN parameter or a secret of this stack, never a pattern.
    named = set(template["Parameters"]) | set(_secrets(template))
    for name, function in _functions(template).items():
        for statement in _secret_statements(function):
            resources = _as_list(statement["Resource"])

            assert _as_list(statement["Action"]) == ["secretsmanager:GetSecretValue"], name
            assert all(ref in named for resource in resources for ref in _refs(resource)), (
                name,
                resources,
            )
        # Managed policies or policy templates would grant secrets outside these statements.
        assert all(isinstance(policy, dict) for policy in function.get("Policies", [])), name


def test_api_function_can_read_database_stripe_and_jwt_secrets(template: dict[str, Any]) -> None:
    statements = _secret_statements(_functions(template)["ApiFunction"])
    readable = {ref for s in statements for r in _as_list(s["Resource"]) for ref in _refs(r)}

    # DatabaseSecret with CreateDatabase=true, DatabaseSecretArn without.
    assert readable == {"DatabaseSecretArn", "DatabaseSecret", "StripeSecretArn", "JwtKeysSecret"}


def test_every_function_reads_jwt_keys_from_the_stack_secret(template: dict[str, Any]) -> None:
    functions = _functions(template)
    arns = {
        name: function["Environment"]["Variables"].get("JWT_KEYS_SECRET_ARN")
        for name, function in functions.items()
    }

    assert arns == {name: {"Ref": "JwtKeysSecret"} for name in functions}


def test_the_jwt_key_set_survives_stack_deletion_and_replacement(
    template: dict[str, Any],
) -> None:
    # Losing the key set signs every customer and seller out.
    secret = _secrets(template)["JwtKeysSecret"]

    assert (secret.get("DeletionPolicy"), secret.get("UpdateReplacePolicy")) == ("Retain", "Retain")


def test_stack_updates_never_write_the_jwt_key_set(template: dict[str, Any]) -> None:
    # Operators store and rotate it (shop.auth.keyctl); a value in the template would overwrite
    # a rotated key set on the next deploy.
    properties = _secrets(template)["JwtKeysSecret"].get("Properties", {})

    assert not {"SecretString", "GenerateSecretString"} & set(properties)


def test_stack_outputs_the_jwt_keys_secret_arn(template: dict[str, Any]) -> None:
    # docs/deploy.md reads it to store the first key set and to rotate.
    assert template["Outputs"]["JwtKeysSecretArn"]["Value"] == {"Ref": "JwtKeysSecret"}


def _mail_identity(template: dict[str, Any]) -> dict[str, Any]:
    (identity,) = _resources(template, "AWS::SES::EmailIdentity").values()
    return identity


def test_mail_identity_is_the_mail_domain_parameter(template: dict[str, Any]) -> None:
    assert _mail_identity(template)["EmailIdentity"] == {"Ref": "MailDomain"}


def test_mail_identity_signs_with_2048_bit_easy_dkim(template: dict[str, Any]) -> None:
    identity = _mail_identity(template)

    assert identity["DkimAttributes"] == {"SigningEnabled": True}
    # Easy DKIM: SES keeps and rotates the key; no private key in the template (BYODKIM).
    assert identity["DkimSigningAttributes"] == {"NextSigningKeyLength": "RSA_2048_BIT"}


def test_stack_outputs_the_three_dkim_cname_records(template: dict[str, Any]) -> None:
    (identity_name,) = _resources(template, "AWS::SES::EmailIdentity")
    records = [template["Outputs"][f"MailDkimRecord{i}"]["Value"] for i in (1, 2, 3)]

    assert records == [
        {
            "Fn::Sub": f"${{{identity_name}.DkimDNSTokenName{i}}} CNAME "
            f"${{{identity_name}.DkimDNSTokenValue{i}}}"
        }
        for i in (1, 2, 3)
    ]


def test_functions_send_mail_only_from_mail_sender(template: dict[str, Any]) -> None:
    statements = [
        statement
        for function in _functions(template).values()
        for policy in function.get("Policies", [])
        for statement in policy.get("Statement", [])
        if any(action.startswith("ses:") for action in _as_list(statement["Action"]))
    ]

    assert statements
    assert all(
        statement["Condition"] == {"StringEquals": {"ses:FromAddress": {"Ref": "MailSender"}}}
        for statement in statements
    ), statements


@pytest.mark.parametrize(
    ("domain", "accepted"),
    [
        ("example.com", True),
        ("mail.staging.example.co.uk", True),
        ("Example.com", False),
        ("shop@example.com", False),
        ("example", False),
        ("-example.com", False),
        ("example.com.", False),
    ],
)
def test_mail_domain_parameter_accepts_lower_case_domain_names_only(
    template: dict[str, Any], domain: str, accepted: bool
) -> None:
    pattern = template["Parameters"]["MailDomain"]["AllowedPattern"]

    assert bool(re.fullmatch(pattern, domain)) is accepted


def test_samconfig_passes_every_required_parameter_and_no_unknown_one(
    template: dict[str, Any],
) -> None:
    passed = set(_samconfig_parameters())
    required = {name for name, spec in template["Parameters"].items() if "Default" not in spec}

    assert passed <= set(template["Parameters"]), passed - set(template["Parameters"])
    assert required <= passed, required - passed


def test_samconfig_mail_sender_is_an_address_at_mail_domain() -> None:
    # No CloudFormation rule can compare the two (Rules have no string functions).
    parameters = _samconfig_parameters()

    assert parameters["MailSender"].endswith(f"@{parameters['MailDomain']}")


def test_every_parameter_is_in_the_deploy_guide_table(template: dict[str, Any]) -> None:
    table = DEPLOY_GUIDE.read_text().split("| Parameter |", 1)[1].split("\n\n", 1)[0]
    first_cells = [row.split("|")[1] for row in table.splitlines()[2:]]
    documented = {name for cell in first_cells for name in re.findall(r"`(\w+)`", cell)}

    assert set(template["Parameters"]) <= documented, set(template["Parameters"]) - documented


def test_stripe_keys_are_read_from_the_stripe_secret_at_run_time(template: dict[str, Any]) -> None:
    # Only the ARN is in the configuration; the keys are fetched once per container.
    functions = _functions(template)
    for name in ("ApiFunction", "StripeWebhookFunction", "ReservationSweeperFunction"):
        variables = functions[name]["Environment"]["Variables"]

        assert variables["STRIPE_SECRET_ARN"] == {"Ref": "StripeSecretArn"}, name
        assert "STRIPE_SECRET_KEY" not in variables
        assert "STRIPE_WEBHOOK_SECRET" not in variables
        readable = {
            ref
            for statement in _secret_statements(functions[name])
            for resource in _as_list(statement["Resource"])
            for ref in _refs(resource)
        }
        assert {"StripeSecretArn", "DatabaseSecretArn"} <= readable, name


def test_stripe_webhook_has_its_own_function_and_route(template: dict[str, Any]) -> None:
    webhook = _functions(template)["StripeWebhookFunction"]

    assert (webhook["CodeUri"], webhook["Handler"]) == (
        "../functions/stripe_webhook/",
        "handler.handler",
    )
    assert _http_routes(webhook) == {"POST /api/v1/webhooks/stripe"}
    assert webhook["ReservedConcurrentExecutions"] == 20


def test_reservation_sweeper_runs_every_five_minutes(template: dict[str, Any]) -> None:
    sweeper = _functions(template)["ReservationSweeperFunction"]
    (schedule,) = sweeper["Events"].values()

    assert sweeper["Handler"] == "handler.handler"
    assert sweeper["CodeUri"] == "../functions/reservation_sweeper/"
    assert schedule["Type"] == "ScheduleV2"
    assert schedule["Properties"]["ScheduleExpression"] == "rate(5 minutes)"


def test_checkout_route_throttles_at_50_rps(template: dict[str, Any]) -> None:
    route = _http_api(template)["RouteSettings"]["POST /api/v1/checkout"]

    assert (route["ThrottlingRateLimit"], route["ThrottlingBurstLimit"]) == (50, 100)
    assert "POST /api/v1/checkout" in _http_routes(_functions(template)["ApiFunction"])


def test_function_environment_names_are_settings_fields(template: dict[str, Any]) -> None:
    # Settings ignore unknown variables, so a misspelt name would silently fall back to a default.
    fields = {name.upper() for name in Settings.model_fields} | NON_SETTINGS_VARIABLES
    unknown = {
        name: sorted(set(function["Environment"]["Variables"]) - fields)
        for name, function in _functions(template).items()
    }

    assert {name: names for name, names in unknown.items() if names} == {}


def _deployed_settings(
    template: dict[str, Any], function: str, conditions: dict[str, bool] = BRING_YOUR_OWN_DATABASE
) -> Settings:
    """The settings the function would validate at cold start, with the sample parameters."""
    variables = _functions(template)[function]["Environment"]["Variables"]
    values = {
        name.lower(): _resolve(template, value, conditions)
        for name, value in variables.items()
        if name not in NON_SETTINGS_VARIABLES
    }
    return Settings.model_validate(values)


def test_api_function_environment_passes_deployed_settings_validation(
    template: dict[str, Any],
) -> None:
    settings = _deployed_settings(template, "ApiFunction")

    assert settings.is_deployed
    assert settings.database_secret_arn == SAMPLE_PARAMETERS["DatabaseSecretArn"]
    assert settings.database_host == SAMPLE_PARAMETERS["DatabaseHost"]
    assert settings.stripe_secret_arn == SAMPLE_PARAMETERS["StripeSecretArn"]
    assert settings.jwt_keys_secret_arn == SAMPLE_RESOURCE_REFS["JwtKeysSecret"]
    assert settings.mail_sender == SAMPLE_PARAMETERS["MailSender"]


def test_with_a_created_database_the_functions_use_its_secret_behind_the_proxy(
    template: dict[str, Any],
) -> None:
    for name in _functions(template):
        settings = _deployed_settings(template, name, CREATED_DATABASE)

        assert settings.database_secret_arn == SAMPLE_RESOURCE_REFS["DatabaseSecret"], name
        assert settings.database_host == SAMPLE_ATTRIBUTES["DatabaseProxy.Endpoint"], name
        assert settings.database_behind_proxy, name


def test_functions_run_in_the_created_vpc_or_the_given_one(template: dict[str, Any]) -> None:
    vpc = template["Globals"]["Function"]["VpcConfig"]["Fn::If"]

    assert vpc[0] == "CreateDatabase"
    assert vpc[1] == {
        "SubnetIds": [{"Ref": "PrivateSubnetA"}, {"Ref": "PrivateSubnetB"}],
        "SecurityGroupIds": [{"Ref": "FunctionSecurityGroup"}],
    }
    assert vpc[2]["Fn::If"][0] == "InVpc"


def test_the_created_database_is_encrypted_private_and_kept_on_delete(
    template: dict[str, Any],
) -> None:
    instance = template["Resources"]["DatabaseInstance"]
    cluster = template["Resources"]["DatabaseCluster"]

    assert instance["Properties"]["StorageEncrypted"] is True
    assert instance["Properties"]["PubliclyAccessible"] is False
    assert cluster["Properties"]["StorageEncrypted"] is True
    for database in (instance, cluster):
        assert (database["DeletionPolicy"], database["UpdateReplacePolicy"]) == (
            "Snapshot",
            "Snapshot",
        )
        assert database["Properties"]["DeletionProtection"] is True


def test_the_proxy_requires_tls_and_authenticates_with_the_stack_secret(
    template: dict[str, Any],
) -> None:
    proxy = template["Resources"]["DatabaseProxy"]["Properties"]

    assert proxy["RequireTLS"] is True
    assert proxy["Auth"] == [
        {
            "AuthScheme": "SECRETS",
            "SecretArn": {"Ref": "DatabaseSecret"},
            "IAMAuth": "DISABLED",
            "ClientPasswordAuthType": "POSTGRES_SCRAM_SHA_256",
        }
    ]


def test_migrations_run_on_every_code_or_layer_change_before_the_functions_update(
    template: dict[str, Any],
) -> None:
    migration = template["Resources"]["DatabaseMigration"]
    functions = {
        name: resource
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function" and name != "MigrateFunction"
    }

    assert migration["Properties"]["ServiceToken"] == {"Fn::GetAtt": ["MigrateFunction", "Arn"]}
    assert migration["Properties"]["CodeVersion"] == {"Ref": "MigrateFunction.Version"}
    assert migration["Properties"]["LayerVersion"] == {"Ref": "SharedLayer"}
    assert {name: f.get("DependsOn") for name, f in functions.items()} == dict.fromkeys(
        functions, "DatabaseMigration"
    )


def test_the_migrate_function_bundles_the_repository_migrations() -> None:
    bundled = ROOT / "functions" / "migrate" / "migrations"

    assert bundled.is_symlink()
    assert bundled.resolve() == (ROOT / "migrations").resolve()


def _behaviours(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    config = template["Resources"]["Distribution"]["Properties"]["DistributionConfig"]
    behaviours = {b["PathPattern"]: b for b in config["CacheBehaviors"]}
    return {"*": config["DefaultCacheBehavior"], **behaviours}


CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"


def test_cloudfront_never_caches_the_api_and_forwards_no_host(template: dict[str, Any]) -> None:
    api = _behaviours(template)["/api/*"]
    policy = template["Resources"]["ApiOriginRequestPolicy"]["Properties"]
    forwarded = policy["OriginRequestPolicyConfig"]

    assert api["CachePolicyId"] == CACHING_DISABLED
    assert api["ViewerProtocolPolicy"] == "https-only"
    assert "POST" in api["AllowedMethods"]
    assert forwarded["CookiesConfig"] == {
        "CookieBehavior": "whitelist",
        "Cookies": ["__Host-session"],
    }
    headers = {h.lower() for h in forwarded["HeadersConfig"]["Headers"]}
    assert {"origin", "sec-fetch-site", "stripe-signature", "idempotency-key"} <= headers
    assert "host" not in headers


def test_cloudfront_serves_only_public_images_through_oac(template: dict[str, Any]) -> None:
    media = _behaviours(template)["/media/*"]
    (statement,) = (
        s
        for s in template["Resources"]["ImagesBucketPolicy"]["Properties"]["PolicyDocument"][
            "Statement"
        ]
        if s.get("Principal") == {"Service": "cloudfront.amazonaws.com"}
    )

    assert statement["Action"] == "s3:GetObject"
    assert statement["Resource"] == {"Fn::Sub": "${ImagesBucket.Arn}/public/*"}
    assert "Distribution" in statement["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"]
    assert media["TargetOriginId"] == "media"


def test_spa_fallback_is_a_function_not_a_custom_error_response(template: dict[str, Any]) -> None:
    # A custom error response would turn the API's 403/404 answers into index.html too.
    config = template["Resources"]["Distribution"]["Properties"]["DistributionConfig"]
    behaviours = _behaviours(template)

    assert "CustomErrorResponses" not in config
    for path in ("*", "/seller/*"):
        (association,) = behaviours[path]["FunctionAssociations"]
        assert association["FunctionARN"]["Fn::GetAtt"][0] == "SpaRoutingFunction"


def test_site_responses_carry_hsts_nosniff_and_a_no_framing_csp(template: dict[str, Any]) -> None:
    for name in ("ShopHeadersPolicy", "SellerHeadersPolicy"):
        config = template["Resources"][name]["Properties"]["ResponseHeadersPolicyConfig"]
        headers = config["SecurityHeadersConfig"]
        csp = headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]
        csp_text = csp if isinstance(csp, str) else csp["Fn::Sub"]

        assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31_536_000
        assert headers["ContentTypeOptions"]["Override"] is True
        assert "frame-ancestors 'none'" in csp_text
        assert "script-src 'self';" in csp_text


def test_every_alarm_notifies_the_alarm_topic(template: dict[str, Any]) -> None:
    alarms = _resources(template, "AWS::CloudWatch::Alarm")

    notified = {name: a.get("AlarmActions") for name, a in alarms.items()}

    assert notified == {name: [{"Ref": "AlarmTopic"}] for name in alarms}


def test_every_checkov_skip_is_justified(template: dict[str, Any]) -> None:
    skips = [
        (name, skip)
        for name, resource in template["Resources"].items()
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
    ]

    assert skips
    assert all(len(skip.get("comment", "")) >= 30 for _, skip in skips), skips
