from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class TwoStepConfig(AppConfig):
    name = "two_step"
    verbose_name = "Two-step sign-in"


class StaffAdminConfig(AdminConfig):
    """The admin, with our site class as `admin.site`, so every app's registrations and
    `admin_view` wrappers get the two-step check without knowing of it."""

    default_site = "two_step.sites.StaffAdminSite"
