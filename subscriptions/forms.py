from django import forms

from .address_typos import suggest_address
from .models import Newsletter

BAD_EMAIL = "Please enter a correct email address"
CONSENT_LINE = (
    "We'll email you {what} and nothing else. We first send a confirmation link: nothing "
    "starts until you click it. Every email has a one-click unsubscribe link."
)


def consent_line(newsletters=None) -> str:
    """The consent sentence under the form; the same words, with the newsletters the reader
    ticked, are stored with the signup as what they agreed to."""
    names = [n.name for n in newsletters or []]
    if not names:
        what = "the newsletters you tick"
    elif len(names) == 1:
        what = names[0]
    else:
        what = ", ".join(names[:-1]) + " and " + names[-1]
    return CONSENT_LINE.format(what=what)


class SignupForm(forms.Form):
    """The signup box and page. No CSRF token: it sits on pages cached for everyone."""

    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={"required": BAD_EMAIL, "invalid": BAD_EMAIL, "max_length": BAD_EMAIL},
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "placeholder": "you@example.com", "inputmode": "email"}
        ),
    )
    newsletters = forms.ModelMultipleChoiceField(
        queryset=Newsletter.objects.public(),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Please choose at least one newsletter.",
            "invalid_choice": "Please choose from the newsletters listed.",
            "invalid_pk_value": "Please choose from the newsletters listed.",
        },
    )
    first_name = forms.CharField(
        label="First name (optional)",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    # The honeypot: hidden from people (CSS + aria-hidden), irresistible to form-filling bots.
    website = forms.CharField(required=False, label="Leave this field empty")
    next = forms.CharField(required=False, widget=forms.HiddenInput)
    # The address the reader was already asked "did you mean" about: sent again unchanged,
    # it is what they meant (address_typos.py).
    email_kept = forms.CharField(required=False, max_length=254, widget=forms.HiddenInput)

    def __init__(self, data=None, *args, **kwargs):
        # The "Use …" button of a suggestion posts the suggested address beside the typed one;
        # an address edited since the suggestion was made wins over it.
        if (
            data is not None
            and data.get("email_suggested")
            and data.get("email", "").strip() == data.get("email_kept", "").strip()
        ):
            data = data.copy()
            data["email"] = data["email_suggested"]
        super().__init__(data, *args, **kwargs)
        self.email_suggestion = None

    def clean_email(self):
        email = self.cleaned_data["email"]
        suggestion = suggest_address(email)
        if suggestion and self.data.get("email_kept", "").strip() != email:
            self.email_suggestion = suggestion
            raise forms.ValidationError(
                "Did you mean %(suggestion)s?", code="typo", params={"suggestion": suggestion}
            )
        return email

    def is_bot(self) -> bool:
        return bool(self.data.get("website", "").strip())


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={"required": BAD_EMAIL, "invalid": BAD_EMAIL},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class PreferencesForm(forms.Form):
    newsletters = forms.ModelMultipleChoiceField(
        queryset=Newsletter.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Send me",
    )

    def __init__(self, *args, offered, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["newsletters"].queryset = Newsletter.objects.filter(
            pk__in=[n.pk for n in offered]
        ).order_by("position", "name")
