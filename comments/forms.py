from django import forms

from .models import Comment


class CommentForm(forms.ModelForm):
    # A honeypot: hidden from people (and from screen readers), filled in by naive bots.
    website = forms.CharField(required=False, label="Leave this field empty")

    class Meta:
        model = Comment
        fields = ["name", "email", "body"]
        labels = {"name": "Your name", "email": "Your email", "body": "Your comment"}
        help_texts = {
            "name": "Shown with your comment.",
            "email": "Never shown. We use it only if we need to reach you about your comment.",
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "body": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The model allows a blank address only for erased writers; readers must give one.
        self.fields["email"].required = True
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    @property
    def is_bot(self):
        return bool(self.cleaned_data.get("website"))
