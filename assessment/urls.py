from django.urls import path

from . import views

app_name = "assessment"

urlpatterns = [
    path("<slug:slug>/", views.intro, name="intro"),
    path("<slug:slug>/q/<int:n>/", views.question, name="question"),
    path("<slug:slug>/details/", views.details, name="details"),
    path("<slug:slug>/result/", views.result, name="result"),
    path("<slug:slug>/download/<str:token>/", views.download, name="download"),
    path("<slug:slug>/report/<str:token>/", views.report, name="report"),
    path("<slug:slug>/new-link/", views.new_link, name="new_link"),
    path("<slug:slug>/share/<int:band_id>/", views.share, name="share"),
    path("<slug:slug>/share/<int:band_id>/card.png", views.share_image, name="share_image"),
]
