from django.core.management.base import BaseCommand

from exercises import services


class Command(BaseCommand):
    help = "Close every round whose deadline has passed (for rounds nobody touched; run from cron)."

    def handle(self, *args, **options):
        closed = services.close_expired_rounds()
        self.stdout.write(f"Closed {closed} expired round{'s' if closed != 1 else ''}.")
