// After django-otp-webauthn registers a passkey, show the updated list (and, on first
// enrolment, go on to the recovery codes, which the page offers once a factor exists).
document.addEventListener("otp_webauthn.register_complete", () => {
  window.location.reload();
});
