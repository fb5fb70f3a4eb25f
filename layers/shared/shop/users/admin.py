"""Create or promote an administrator: `python -m shop.users.admin EMAIL` (`make admin`).

Admins never come from sign-up or migrations (no default admin account, ASVS 6.3.2). A new
admin gets no password here: the command mails a password-reset link, so the password is only
ever typed by its owner, into the site.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from shop import runtime
from shop.auth import service as auth_service
from shop.clock import utcnow
from shop.config import get_settings
from shop.db.engine import Database
from shop.db.session import unit_of_work
from shop.mail.outbox import deliver
from shop.mail.sender import get_mail_sender
from shop.models import User
from shop.observability import get_logger
from shop.users.repository import UserRepository

UNUSABLE_PASSWORD = "!"  # matches no password: Argon2 verification fails on it


async def make_admin(email: str, display_name: str, database: Database | None = None) -> str:
    """Promote the live account with this email, or create one; returns what was done."""
    settings, now = get_settings(), utcnow()
    async with unit_of_work(database) as session:
        users = UserRepository(session)
        user = await users.by_email(email)
        if user is not None:
            user.role = "admin"
            outcome = "promoted"
        else:
            user = await users.add(
                User(
                    email=email,
                    password_hash=UNUSABLE_PASSWORD,
                    role="admin",
                    display_name=display_name,
                    verified_at=now,
                )
            )
            outcome = "created"
        # Role changes end existing sessions: the next sign-in gets the admin lifetimes.
        await auth_service.revoke_all_sessions(session, user, now)
        outgoing = await auth_service.forgot_password(session, settings, email, now)
    get_logger().info(
        "admin account",
        extra={"event": "sensitive_update", "user_id": str(user.id), "outcome": outcome},
    )
    await deliver(get_mail_sender(settings), outgoing)
    return outcome


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shop.users.admin", description=__doc__)
    parser.add_argument("email")
    parser.add_argument("--name", default="Administrator", help="display name of a new account")
    args = parser.parse_args(argv)
    outcome = runtime.run(make_admin(args.email, args.name))
    sys.stdout.write(f"{args.email}: {outcome}; a password-reset link was mailed to it\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
