from __future__ import annotations

import pytest

from shop.config import Settings
from tests.helpers.mailbox import verify_sender


@pytest.fixture(autouse=True, scope="session")
def _verified_sender(settings: Settings) -> None:
    verify_sender(settings)
