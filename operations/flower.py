"""`make flower`: Celery's Flower dashboard on loopback, never without a password.

Flower shows every task with its arguments (lead ids, email rows) and can cancel tasks, so
it listens on 127.0.0.1 only (reach it through an SSH tunnel) and refuses to start unless
FLOWER_BASIC_AUTH=user:password is set.
"""

import os
import sys


def main() -> int:
    auth = os.environ.get("FLOWER_BASIC_AUTH", "")
    user, _, password = auth.partition(":")
    if not user or len(password) < 12:
        print(
            "Set FLOWER_BASIC_AUTH=user:password (a password of 12 characters or more) first:"
            " Flower shows every task's arguments and can cancel tasks.",
            file=sys.stderr,
        )
        return 2
    # Flower reads FLOWER_BASIC_AUTH and FLOWER_PORT itself: the password stays out of `ps`.
    os.environ.setdefault("FLOWER_PORT", "5555")
    command = [sys.executable, "-m", "celery", "-A", "site_project", "flower"]
    command += ["--address=127.0.0.1"]
    os.execv(sys.executable, command)  # noqa: S606 - our own interpreter and arguments
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
