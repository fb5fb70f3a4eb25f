"""The local stand-in for CloudFront's app behaviours: built files with the right type and cache,
client-side routes answered with index.html, and nothing outside dist/."""

from __future__ import annotations

from pathlib import Path

import pytest

from devstack.assets import App, StaticApp, routes
from devstack.server import Gateway
from shop.config import Settings
from tests.devstack.test_server import serving

INDEX = b"<!doctype html><div id=root></div>"
SCRIPT = b"console.log('shop')"


def built(tmp_path: Path, prefix: str = "/", uploads: bool = False) -> App:
    app = App("shop", prefix, uploads=uploads, root=tmp_path)
    (app.dist / "assets").mkdir(parents=True)
    (app.dist / "index.html").write_bytes(INDEX)
    (app.dist / "assets" / "index-abc123.js").write_bytes(SCRIPT)
    (tmp_path / "shop" / "secret.txt").write_bytes(b"outside dist")
    return app


def gateway(app: App, endpoint: str | None = None) -> Gateway:
    settings = Settings(aws_endpoint_url=endpoint)
    return Gateway(routes(app), {app.handler: StaticApp(app, lambda: settings)})


def test_hashed_files_are_cached_for_good_and_the_index_revalidates(tmp_path: Path) -> None:
    with serving(gateway(built(tmp_path))) as client:
        script = client.get("/assets/index-abc123.js")
        index = client.get("/")

    assert script.status_code == 200
    assert script.content == SCRIPT
    assert script.headers["content-type"].startswith(("text/javascript", "application/javascript"))
    assert script.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert index.content == INDEX
    assert index.headers["cache-control"] == "no-cache"
    assert "script-src 'self'" in index.headers["content-security-policy"]
    assert index.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("path", ["/products/42", "/account/orders", "/orders/abc"])
def test_a_client_side_route_gets_the_app(tmp_path: Path, path: str) -> None:
    with serving(gateway(built(tmp_path))) as client:
        response = client.get(path)

    assert response.status_code == 200
    assert response.content == INDEX
    assert response.headers["content-type"] == "text/html; charset=utf-8"


@pytest.mark.parametrize("path", ["/assets/index-gone.js", "/favicon.ico", "/%2E%2E/secret.txt"])
def test_a_missing_file_is_a_404_never_the_index(tmp_path: Path, path: str) -> None:
    with serving(gateway(built(tmp_path))) as client:
        response = client.get(path)

    assert response.status_code == 404
    assert response.content != INDEX


def test_the_dashboard_is_served_under_its_prefix_and_may_post_to_the_bucket(
    tmp_path: Path,
) -> None:
    app = built(tmp_path, "/seller/", uploads=True)
    with serving(gateway(app, "http://127.0.0.1:4566")) as client:
        bare = client.get("/seller")
        nested = client.get("/seller/products/new")
        script = client.get("/seller/assets/index-abc123.js")

    assert bare.content == nested.content == INDEX
    assert script.content == SCRIPT
    assert "connect-src 'self' http://127.0.0.1:4566" in bare.headers["content-security-policy"]


def test_an_unbuilt_app_says_how_to_build_it(tmp_path: Path) -> None:
    app = App("shop", "/", root=tmp_path)
    with serving(gateway(app)) as client:
        response = client.get("/")

    assert response.status_code == 503
    assert "make run" in response.text
