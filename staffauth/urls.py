from django.urls import path
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import views as webauthn

from . import invites, views

app_name = "staffauth"

# The library's passkey endpoints, under its own namespace (its scripts reverse them), with
# the sign-in check swapped for the audited one.
webauthn_patterns = (
    [
        path(
            "registration/begin/",
            webauthn.BeginCredentialRegistrationView.as_view(),
            name="credential-registration-begin",
        ),
        path(
            "registration/complete/",
            webauthn.CompleteCredentialRegistrationView.as_view(),
            name="credential-registration-complete",
        ),
        path(
            "authentication/begin/",
            webauthn.BeginCredentialAuthenticationView.as_view(),
            name="credential-authentication-begin",
        ),
        path(
            "authentication/complete/",
            views.PasskeyVerifyView.as_view(),
            name="credential-authentication-complete",
        ),
        path(
            "jsi18n/",
            JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
            name="js-i18n-catalog",
        ),
    ],
    "otp_webauthn",
)

urlpatterns = [
    path("second-factor/", views.verify, name="verify"),
    path("second-factor/devices/", views.devices, name="devices"),
    path("second-factor/devices/app/", views.totp_add, name="totp_add"),
    path("second-factor/devices/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path(
        "second-factor/devices/<str:kind>/<int:pk>/remove/",
        views.device_remove,
        name="device_remove",
    ),
    path("sessions/", views.session_list, name="sessions"),
    path("sessions/end/", views.session_end, name="session_end"),
    # The invitation link (editorial.invites) and the page after choosing a password.
    path("welcome/<uidb64>/<token>/", invites.AcceptInviteView.as_view(), name="invite_accept"),
    path("welcome/done/", invites.InviteDoneView.as_view(), name="invite_done"),
]
