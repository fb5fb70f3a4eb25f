"""The application factory: one FastAPI app per container, built at import by the handler."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse
from starlette.middleware.cors import CORSMiddleware

from shop.api.csrf import CsrfMiddleware
from shop.api.errors import install_error_handlers
from shop.api.middleware import BodySizeLimitMiddleware, RequestContextMiddleware
from shop.auth.router import router as auth_router
from shop.catalog.router import router as catalog_router
from shop.catalog.router import seller_router as seller_catalog_router
from shop.config import Settings, get_settings
from shop.db.engine import Database, get_database
from shop.health.router import router as health_router
from shop.images.router import router as images_router
from shop.orders.router import router as orders_router
from shop.orders.router import seller_router as seller_orders_router
from shop.stats.router import router as stats_router
from shop.users.router import router as users_router


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="Facet",
        version="1",
        summary="Multi-seller commerce API",
        default_response_class=JSONResponse,
        # The schema is built on first request to /openapi.json, never at import; off when deployed.
        openapi_url=f"{settings.api_prefix}/openapi.json" if settings.openapi_enabled else None,
        docs_url=f"{settings.api_prefix}/docs" if settings.openapi_enabled else None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.database = database or get_database()

    api = APIRouter(prefix=settings.api_prefix)
    api.include_router(health_router)
    api.include_router(auth_router)
    api.include_router(users_router)
    api.include_router(catalog_router)
    api.include_router(seller_catalog_router)
    api.include_router(orders_router)
    api.include_router(seller_orders_router)
    api.include_router(stats_router)
    api.include_router(images_router)
    app.include_router(api)

    install_error_handlers(app)
    # add_middleware prepends: the last added runs first. CORS answers preflights inside the
    # request-context layer, so they carry the security headers too.
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=True,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=["Content-Type", "Idempotency-Key"],
        max_age=600,
    )
    app.add_middleware(CsrfMiddleware, allowed_origins=settings.cors_origins)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_request_body_bytes)
    app.add_middleware(RequestContextMiddleware, hsts_max_age=settings.hsts_max_age_seconds)
    return app
