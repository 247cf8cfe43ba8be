from django.urls import path

from . import views

app_name = "calls"

urlpatterns = [
    path("<str:token>/", views.request_call, name="request"),
    path("<str:token>/sent/", views.request_sent, name="sent"),
]
