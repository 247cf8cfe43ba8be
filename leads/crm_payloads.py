"""What a lead looks like to the firm's CRM: the `data` of the webhooks leads sends.

Only what a CRM import needs (name, address, role, status, result, consent state,
campaign): no IP, consent wording, notes or referrer. docs/webhooks.schema.json is the
contract; tests/crm_webhooks checks these against it.
"""

from typing import Any

from django.conf import settings
from django.urls import reverse

from .models import Lead


def lead_reference(lead: Lead) -> dict[str, Any]:
    """Enough to find the lead in the CRM: its id and address."""
    return {"id": lead.pk, "email": lead.email}


def lead_data(lead: Lead) -> dict[str, Any]:
    owner = lead.owner
    return {
        "lead": {
            **lead_reference(lead),
            "first_name": lead.first_name,
            "current_role": lead.current_role,
            "status": lead.status,
            "latest_result": lead.segment,
            "owner_email": (getattr(owner, "email", "") or None) if owner else None,
            "follow_ups": {
                "consented": lead.consented,
                "confirmed_at": lead.confirmed_at,
                "unsubscribed_at": lead.unsubscribed_at,
            },
            "source": {
                "landing_path": lead.landing_path,
                "utm_source": lead.utm_source,
                "utm_medium": lead.utm_medium,
                "utm_campaign": lead.utm_campaign,
            },
            "created_at": lead.created_at,
            "updated_at": lead.updated_at,
            "admin_url": settings.SITE_URL + reverse("admin:leads_lead_change", args=[lead.pk]),
        }
    }


def lead_subject(lead: Lead) -> str:
    """Whose data a delivery holds, so erasing the lead empties it (deliveries_forget)."""
    return f"lead:{lead.pk}"
