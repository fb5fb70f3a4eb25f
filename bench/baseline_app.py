"""The cold-start reference: a bare FastAPI app with one route behind Mangum, nothing else.

`make bench` times importing this module next to the real handlers in the same run; the API
handler's budget is 1.5x this import. Keep it bare: no settings, database, logging or middleware.
"""

from __future__ import annotations

from fastapi import FastAPI
from mangum import Mangum

app = FastAPI()


@app.get("/health")
async def health() -> dict[str, str]:
    """Report that the process is up."""
    return {"status": "ok"}


handler = Mangum(app, lifespan="off")
