"""Celery tasks: thin wrappers that load by id and call a service. Safe to run twice."""

from celery import shared_task

from .services import deliveries_prune, deliveries_sweep, delivery_deliver


@shared_task
def deliver_webhook(delivery_id: int) -> None:
    delivery_deliver(delivery_id=delivery_id)


@shared_task
def sweep_webhooks() -> int:
    """Every minute (celery beat): send what the hand-off missed, retries that came due, and
    rows a dead worker left; switch off endpoints that keep failing."""
    return deliveries_sweep()


@shared_task
def prune_webhook_payloads() -> int:
    """Daily (celery beat): old payloads go, see WEBHOOK_PAYLOAD_RETENTION_DAYS."""
    return deliveries_prune()
