from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("<slug:slug>/write/", views.WriteCommentView.as_view(), name="write"),
]
