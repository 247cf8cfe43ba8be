"""Superusers reset a staff member's two-step sign-in (a lost phone) from the user list.

django-otp's own device pages are left out: they show the secret keys, and a reset is all
staff ever need to do with a device.
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .services import two_step_reset

User = get_user_model()

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


class StaffUserAdmin(UserAdmin):
    # django-stubs types list_display per model, so reading it off the class is ambiguous.
    list_display = (*UserAdmin.list_display, "two_step_display")  # type: ignore[misc]
    actions = ["reset_two_step"]

    def get_queryset(self, request):
        # One query for the list, not one a row.
        has_app = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_two_step=Exists(has_app))

    @admin.display(description="two-step sign-in", boolean=True, ordering="has_two_step")
    def two_step_display(self, obj) -> bool:
        return obj.has_two_step

    def has_superuser_permission(self, request) -> bool:
        """Only a superuser may take away someone's second step."""
        return request.user.is_active and request.user.is_superuser

    @admin.action(
        description="Reset two-step sign-in (lost phone) for the selected people",
        permissions=["superuser"],
    )
    def reset_two_step(self, request, queryset):
        names = [user.get_username() for user in queryset if two_step_reset(user=user)]
        if names:
            self.message_user(
                request,
                f"Two-step sign-in reset for {', '.join(names)}. Their app and backup codes "
                "no longer work; they can set it up again after signing in with their password.",
                messages.SUCCESS,
            )
        else:
            self.message_user(request, "None of them had two-step sign-in set up.", messages.INFO)


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, StaffUserAdmin)
