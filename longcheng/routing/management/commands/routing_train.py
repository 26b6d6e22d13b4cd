from django.core.management.base import BaseCommand, CommandError

from longcheng.routing.services import RoutingError, routing_promote
from longcheng.routing.training import routing_train


class Command(BaseCommand):
    help = "Train a new version of the routing model from dispatched matters."

    def add_arguments(self, parser):
        parser.add_argument(
            "--promote", action="store_true", help="make the new version the active one"
        )

    def handle(self, *args, promote=False, **options):
        try:
            record = routing_train()
        except RoutingError as error:
            raise CommandError(error.message) from None
        e = record.evaluation
        self.stdout.write(
            f"v{record.version}: {record.trained_on} 件, accuracy={e['accuracy']:.3f}"
            f" macro_f1={e['macro_f1']:.3f} top3={e['top3']:.3f}"
        )
        if promote:
            routing_promote(record=record, actor=None)
            self.stdout.write(f"v{record.version} 已启用。")
