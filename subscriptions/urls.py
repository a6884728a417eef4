from django.urls import path

from . import views

app_name = "subscriptions"

urlpatterns = [
    path("signup/", views.SignupView.as_view(), name="signup"),
    path("signup/thanks/", views.signup_thanks, name="signup_thanks"),
    path("confirm/resend/", views.resend_confirmation, name="resend_confirmation"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"),
    path("unsubscribe/<str:token>/undo/", views.resubscribe, name="resubscribe"),
    path("preferences/<str:token>/", views.PreferencesView.as_view(), name="preferences"),
]
