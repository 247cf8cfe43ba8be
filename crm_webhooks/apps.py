from django.apps import AppConfig


class CrmWebhooksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "crm_webhooks"
    verbose_name = "CRM webhooks"
