"""The thumbnailer on a large photo: wall time per invocation and the function's peak memory.

The handler runs in a fresh process (its peak RSS is what Lambda's memory setting must cover)
against the bench database and a moto server started here: for each run an image row waits as
the API leaves it and a JPEG sits under its upload key; the process invokes the real handler
with the SQS event S3 would cause, as the event source mapping does.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import statistics
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import NullPool
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from bench.coldstart import ImportFailed, probe_env, run_probe
from bench.database import BenchContext
from bench.results import Check, Result
from shop.config import Settings
from shop.images.storage import variant_key

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

HANDLER = "functions.thumbnailer.handler"
BUCKET = "facet-images-bench"
QUEUE = "facet-image-events-bench"
ISSUE_TARGET = "issue 5 (docs/benchmarks.md)"

# Runs in the fresh process: invoke the handler once per key, time each call, report peak RSS.
_PROBE = """\
import json, resource, sys, time
keys = json.loads(sys.argv[1])
from functions.thumbnailer.handler import handler
seconds, failures = [], 0
for key in keys:
    body = {"Records": [{"eventName": "ObjectCreated:Post",
                         "s3": {"bucket": {"name": sys.argv[2]}, "object": {"key": key}}}]}
    event = {"Records": [{"messageId": key, "receiptHandle": key, "body": json.dumps(body),
                          "eventSource": "aws:sqs"}]}
    started = time.perf_counter()
    response = handler(event, None)
    seconds.append(time.perf_counter() - started)
    failures += len(response["batchItemFailures"])
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
sys.stdout.write("\\n" + json.dumps({"seconds": seconds, "peak_kb": peak_kb,
                                     "failures": failures}) + "\\n")
"""


@dataclass(frozen=True, slots=True)
class ThumbnailScenario:
    """One photo size through the thumbnailer, with its time and memory budgets."""

    name: str
    description: str
    width: int
    height: int
    max_p50_ms: float
    max_peak_rss_mb: float
    content_type: str = "image/jpeg"  # a key of MAKERS
    runs: int = 5  # timed invocations, after one warm-up
    source: str = ISSUE_TARGET


def photo(width: int, height: int) -> bytes:
    """A JPEG with camera-like content: gradients and fine noise (12 MP is about 2 MB)."""
    from PIL import Image, ImageFilter

    gradient = Image.linear_gradient("L").resize((width, height))
    noise = Image.effect_noise((width, height), 24).filter(ImageFilter.GaussianBlur(1))
    image = Image.merge("RGB", (gradient, noise, gradient.transpose(Image.Transpose.ROTATE_180)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def graphic(width: int, height: int) -> bytes:
    """A PNG with transparency and smooth gradients: the most pixels a small file can hold, so
    the decoder's full RGBA buffer is the worst case the function's memory must cover."""
    from PIL import Image

    gradient = Image.linear_gradient("L").resize((width, height))
    flipped = gradient.transpose(Image.Transpose.ROTATE_180)
    image = Image.merge("RGBA", (gradient, flipped, gradient, flipped))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


MAKERS = {"image/jpeg": photo, "image/png": graphic}


async def _pending_images(context: BenchContext, count: int, content_type: str) -> list[str]:
    """A seller, a product and `count` pending image rows; their upload keys."""
    from shop.images.storage import upload_key
    from shop.models import Product, ProductImage, User

    engine = create_async_engine(context.database_url, poolclass=NullPool)
    seller = User(
        email=f"bench-seller-{uuid.uuid4().hex[:8]}@example.com",
        password_hash="!",  # never logs in
        role="seller",
        display_name="Bench Seller",
        verified_at=datetime.now(UTC),
    )
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session, session.begin():
            session.add(seller)
            await session.flush()
            product = Product(
                seller_id=seller.id,
                name="Bench ring",
                description="",
                material="gold",
                price_cents=1000,
                currency="EUR",
                stock=1,
                status="active",
            )
            session.add(product)
            await session.flush()
            images = [
                ProductImage(
                    id=(image_id := uuid.uuid4()),
                    product_id=product.id,
                    seller_id=seller.id,
                    s3_key=upload_key(seller.id, image_id),
                    content_type=content_type,
                    status="pending",
                    variants={},
                    position=n,
                )
                for n in range(count)
            ]
            session.add_all(images)
        return [image.s3_key for image in images]
    finally:
        await engine.dispose()


def _run(scenario: ThumbnailScenario, context: BenchContext, endpoint: str) -> Result:
    import boto3

    keys = asyncio.run(_pending_images(context, scenario.runs + 1, scenario.content_type))
    data = MAKERS[scenario.content_type](scenario.width, scenario.height)
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    for key in keys:
        s3.put_object(Bucket=BUCKET, Key=key, Body=data)
    env = probe_env(context)
    env.update(
        AWS_ENDPOINT_URL=endpoint,
        IMAGES_BUCKET=BUCKET,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
    )
    try:
        stdout = run_probe(_PROBE, [json.dumps(keys), BUCKET], env)
    except ImportFailed as exc:
        return Result(scenario.name, "thumbnail", error=str(exc))
    report = json.loads(stdout.strip().splitlines()[-1])
    details = {
        "description": scenario.description,
        "handler": HANDLER,
        "photo_bytes": len(data),
        "pixels": scenario.width * scenario.height,
        "first_call_ms": round(report["seconds"][0] * 1000, 1),
        "samples_ms": [round(s * 1000, 1) for s in report["seconds"][1:]],
    }
    if report["failures"] or _published(s3, keys) != len(keys):
        return Result(
            scenario.name, "thumbnail", details=details, error="not every photo was published"
        )
    timed = report["seconds"][1:]
    p50_ms = statistics.median(timed) * 1000
    peak_mb = report["peak_kb"] / 1024
    return Result(
        scenario.name,
        "thumbnail",
        n=len(timed),
        metrics={
            "p50_ms": round(p50_ms, 1),
            "max_ms": round(max(timed) * 1000, 1),
            "peak_rss_mb": round(peak_mb, 1),
        },
        checks=(
            Check(
                f"p50 ≤ {scenario.max_p50_ms:g} ms",
                "p50_ms",
                scenario.max_p50_ms,
                p50_ms,
                scenario.source,
            ),
            Check(
                f"peak RSS ≤ {scenario.max_peak_rss_mb:g} MB",
                "peak_rss_mb",
                scenario.max_peak_rss_mb,
                peak_mb,
                scenario.source,
            ),
        ),
        details=details,
    )


def _published(s3: S3Client, keys: Sequence[str]) -> int:
    """How many of the uploads became a largest variant in public/ (their original gone)."""
    listed = s3.list_objects_v2(Bucket=BUCKET)
    names = {item["Key"] for item in listed.get("Contents", [])}
    largest = max(Settings().image_variant_sizes)
    return sum(
        1
        for key in keys
        if key not in names and variant_key(key.rsplit("/", 1)[1], largest) in names
    )


def measure(
    scenarios: Sequence[ThumbnailScenario],
    context: BenchContext,
    *,
    progress: Callable[[str], None],
) -> list[Result]:
    from moto.server import ThreadedMotoServer

    from devstack.aws import bootstrap

    # The emulator's request log would drown the progress lines.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
        bootstrap(
            Settings(aws_endpoint_url=endpoint, images_bucket=BUCKET, image_events_queue=QUEUE)
        )
        results = []
        for scenario in scenarios:
            progress(f"thumbnail: {scenario.name} (1 warm-up + {scenario.runs} invocations)")
            results.append(_run(scenario, context, endpoint))
        return results
    finally:
        server.stop()
