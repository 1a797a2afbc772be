from django.core.management.base import BaseCommand

from studio.review.inbox import send_digests


class Command(BaseCommand):
    help = "E-mail each person a digest of the last day (also scheduled daily in the cluster)."

    def handle(self, *args, **options):
        sent = send_digests()
        self.stdout.write(f"Sent {sent} digest{'s' if sent != 1 else ''}.")
