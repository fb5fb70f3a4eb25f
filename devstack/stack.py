"""`python -m devstack run` and `python -m devstack migration`: the local product, start to stop."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
from contextlib import ExitStack
from datetime import UTC, date, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import URL

from devstack import assets, aws, emulator, media, payments, postgres, seed
from devstack.lambda_runtime import FunctionContainer
from devstack.server import Function, Gateway, LocalServer, load_routes
from devstack.sqs_poller import THUMBNAILER, QueuePoller
from shop.auth import keys
from shop.config import Settings, get_settings
from shop.db.engine import Database, build_engine
from shop.db.session import transaction

HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DATABASE_NAME = "facet"
VERSIONS_DIR = postgres.ROOT / "migrations" / "versions"
REVISION_FILE = re.compile(r"^\d{8}_(\d{4})_")
# The local stack always talks to the emulator, so real AWS credentials never leave the shell.
LOCAL_ENVIRONMENT = {
    "ENVIRONMENT": "local",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}
LOCAL_DEFAULTS = {
    # Local http: a plain `session` cookie without Secure/__Host- (refused when deployed).
    "SESSION_COOKIE_SECURE": "false",
}
# `make shop-dev` (5173) and `make seller-dev` (5174)
VITE_DEV_ORIGINS = tuple(
    f"http://{host}:{port}" for port in (5173, 5174) for host in ("127.0.0.1", "localhost")
)


def _origin_defaults(port: int) -> None:
    """The apps are served from this origin (as CloudFront serves them in AWS): it is the one
    the CSRF check allows, and where mail links and Stripe's return URLs lead."""
    own = f"http://{HOST}:{port}"
    origins = (own, f"http://localhost:{port}", *VITE_DEV_ORIGINS)
    os.environ.setdefault("CORS_ORIGINS", ",".join(origins))
    os.environ.setdefault("PUBLIC_BASE_URL", own)


def _local_environment() -> None:
    # Before anything calls get_settings(): it reads the environment once and caches.
    os.environ.update(LOCAL_ENVIRONMENT)
    for name, value in LOCAL_DEFAULTS.items():
        os.environ.setdefault(name, value)


def _use_database(server: URL, *, fresh: bool = False) -> URL:
    """Create the app's database on the server if missing (anew when fresh) and point
    DATABASE_URL at it."""
    name = server.database if server.database not in (None, "postgres") else DATABASE_NAME
    url = server.set(database=name)
    asyncio.run(postgres.create_database(url, recreate=fresh))
    os.environ["DATABASE_URL"] = url.render_as_string(hide_password=False)
    return url


def _alembic_config() -> Config:
    return Config(str(postgres.ROOT / "alembic.ini"))


async def _seed(settings: Settings) -> int:
    database = Database.from_engine(build_engine(settings))
    try:
        async with transaction(database) as session:
            return await seed.seed(session, settings)
    finally:
        await database.engine.dispose()


def run(port: int = DEFAULT_PORT, *, fresh: bool = False) -> None:
    """Start everything, serve on HOST:port until SIGINT/SIGTERM, then stop what was started.
    With fresh, the database is dropped and created again first (the browser tests' start)."""
    # Both unwind as KeyboardInterrupt, so the embedded PostgreSQL and moto are stopped either
    # way; SIGINT explicitly too, since shells start background jobs with it ignored.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.default_int_handler)
    _local_environment()
    # Image URLs point at the local stand-in for CloudFront's /media/ (devstack/media.py).
    os.environ.setdefault("MEDIA_BASE_URL", media.media_base_url(HOST, port))
    # `frontend` (server, functions) closes before `services` (database, emulator) stop.
    with ExitStack() as services, ExitStack() as frontend:
        # Bound first: a taken port fails before anything is started. Functions load lazily.
        routes = load_routes()
        functions: dict[str, Function] = {media.HANDLER: media.MediaOrigin()}
        for handler in {r.handler for r in routes}:
            container = functions[handler] = FunctionContainer(handler)
            frontend.callback(container.close)
        static = [media.ROUTE]
        for app in assets.APPS:
            functions[app.handler] = assets.StaticApp(app)
            static += assets.routes(app)
        server = LocalServer((HOST, port), Gateway([*routes, *static], functions))
        frontend.callback(server.server_close)
        _origin_defaults(server.server_port)

        url = _use_database(services.enter_context(postgres.server()), fresh=fresh)
        # AWS_EMULATOR_PORT: the browser tests' stack runs its own, apart from `make run`'s.
        emulator_port = int(os.environ.get("AWS_EMULATOR_PORT", emulator.PORT))
        aws_endpoint = services.enter_context(emulator.aws_emulator(port=emulator_port))
        os.environ["AWS_ENDPOINT_URL"] = aws_endpoint.url
        webhook_url = f"http://{HOST}:{server.server_port}/api/v1/webhooks/stripe"
        stripe = services.enter_context(payments.stripe_endpoint(webhook_url))
        settings = get_settings()
        aws.bootstrap(settings)
        # Outside AWS the session-token signing keys come from this file (never overwritten).
        keys.ensure_local_keyset_file(settings.jwt_keys_file, settings.jwt_algorithm)
        command.upgrade(_alembic_config(), "head")
        inserted = asyncio.run(_seed(settings))
        seed.publish_images(settings)  # the emulator's bucket starts empty on every start
        # S3 upload events: queue -> poller -> the thumbnailer's warm container.
        thumbnailer = FunctionContainer(THUMBNAILER)
        frontend.callback(thumbnailer.close)
        poller = QueuePoller(settings, settings.image_events_queue, thumbnailer)
        poller.start()
        frontend.callback(poller.stop)
        # The scheduled functions, on timers: the reservation sweeper and the mailer.
        frontend.enter_context(payments.periodic(payments.SWEEPER, payments.SWEEP_EVERY_SECONDS))
        frontend.enter_context(payments.periodic(payments.MAILER, payments.MAIL_EVERY_SECONDS))

        site = f"http://{HOST}:{server.server_port}"
        sys.stdout.write(_banner(site, settings.api_prefix, url, aws_endpoint, inserted, stripe))
        sys.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            sys.stdout.write("\nStopping.\n")


def _banner(
    site: str,
    api_prefix: str,
    database: URL,
    aws_endpoint: emulator.Emulator,
    inserted: int,
    stripe: payments.StripeEndpoint,
) -> str:
    accounts = seed.accounts()
    logins = [("seller", a) for a in accounts["sellers"]]
    logins += [("customer", a) for a in accounts["customers"]]
    origin = "moto, started here" if aws_endpoint.started_here else "reused"
    api = f"{site}{api_prefix}"
    lines = [
        "",
        "Facet is running locally. Ctrl-C stops everything started here.",
        f"  Shop       {site}{assets.CUSTOMER.prefix}",
        f"  Sellers    {site}{assets.SELLER.prefix}",
        f"  API        {api}",
        f"  Health     {api}/health",
        f"  API docs   {api}/docs",
        f"  Database   {database.render_as_string(hide_password=True)}",
        f"  AWS        {aws_endpoint.url} ({origin})",
        f"  Stripe     {stripe.description}; to pay: {stripe.pay_hint}",
        f"  Demo data  {inserted} new rows",
        f'  Demo logins (local only), password "{seed.DEMO_PASSWORD}":',
        *(f"    {role:<9} {a['email']:<28} {a['display_name']}" for role, a in logins),
        "",
    ]
    return "\n".join(lines) + "\n"


def next_revision_id(versions: Path, today: date) -> str:
    """YYYYMMDD_NNNN: today's date and one more than the highest NNNN of any date."""
    numbers = [
        int(found.group(1))
        for path in versions.glob("*.py")
        if (found := REVISION_FILE.match(path.name))
    ]
    return f"{today:%Y%m%d}_{max(numbers, default=0) + 1:04d}"


def write_openapi(path: Path) -> None:
    """The API's OpenAPI document as the local stack serves it, sorted so a diff shows a change:
    the frontends' types are generated from it (`make api-types`)."""
    _local_environment()
    from shop.api.app import create_app  # the whole app: only this command needs it

    document = create_app(Settings()).openapi()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")


def new_migration(message: str) -> None:
    """Autogenerate a revision against the local database, migrated to head first."""
    _local_environment()
    with postgres.server() as server:
        _use_database(server)
        config = _alembic_config()
        command.upgrade(config, "head")
        revision_id = next_revision_id(VERSIONS_DIR, datetime.now(UTC).date())
        command.revision(config, message=message, autogenerate=True, rev_id=revision_id)
