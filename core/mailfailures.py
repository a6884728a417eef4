"""What a failed email hand-off means: certainly not sent, or perhaps sent.

A refusal (the server answered with an error) or a connection that never opened means the
message did not go out: it may be retried. Anything else raised while the message was on the
wire (a timeout after DATA, a dropped connection, an API call with no answer) leaves the
outcome unknown: the message may have been accepted, so it is never re-sent blindly.
Newsletter deliveries (newsletters/sending.py) and confirmation emails
(subscriptions/emails.py) both decide by these rules.
"""

import smtplib

__all__ = ["is_refusal", "refusal_is_permanent"]


def refusal_is_permanent(exc: BaseException) -> bool:
    """A 5xx answer means retrying will not help (unknown user, policy refusal)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def is_refusal(exc: BaseException) -> bool:
    """True when the backend said no, so the message certainly did not go out."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPResponseException):
        return True
    from anymail.exceptions import AnymailAPIError, AnymailError

    if isinstance(exc, AnymailAPIError):
        # An API call that got an answer was refused; one that got none (network error,
        # timeout) may have been accepted before the line dropped.
        return getattr(exc, "response", None) is not None
    return isinstance(exc, AnymailError)  # raised before anything was sent (bad address, ...)
