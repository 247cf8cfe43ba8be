from django.urls import path

from . import invite_views, views

app_name = "calls"

urlpatterns = [
    path("<str:token>/", views.request_call, name="request"),
    path("<str:token>/sent/", views.request_sent, name="sent"),
    path("invite/<str:token>/confirm/", invite_views.invite_confirm, name="invite-confirm"),
    path(
        "invite/<str:token>/reschedule/", invite_views.invite_reschedule, name="invite-reschedule"
    ),
    path("invite/<str:token>/cancel/", invite_views.invite_cancel, name="invite-cancel"),
]
