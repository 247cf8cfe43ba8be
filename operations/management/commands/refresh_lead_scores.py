"""Work out every lead's score again: once after deploying the score, or after its formula
changes (docs/recruiters.md#the-lead-score)."""

from typing import Any

from django.core.management.base import BaseCommand

from leads.scoring import leads_score_refresh


class Command(BaseCommand):
    help = "Recompute the stored score of every lead (fit plus engagement)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = leads_score_refresh()
        self.stdout.write(f"Scored {count} lead(s).")
