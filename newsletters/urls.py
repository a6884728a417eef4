from django.urls import path

from . import views

app_name = "newsletters"

urlpatterns = [
    path("", views.NewsletterIndexView.as_view(), name="index"),
    path("<slug:slug>/archive/", views.NewsletterArchiveView.as_view(), name="archive"),
    path("<slug:slug>/archive/<int:pk>/", views.IssueDetailView.as_view(), name="issue"),
    # A private newsletter's issue: only its random token leads there (never listed).
    path("read/<str:token>/", views.IssueByTokenView.as_view(), name="issue_by_token"),
]
