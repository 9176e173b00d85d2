from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Gender, Member


class MemberForm(forms.ModelForm):
    class Meta:
        model = Member
        fields = ["full_name", "gender", "nik_ktp", "phone", "joined_on"]
        widgets = {
            "joined_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "nik_ktp": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 16}),
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "0812 3456 7890"}),
        }
        help_texts = {"nik_ktp": _("16 digits, as on the KTP. Only managers see it in full.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gender"].choices = Gender.choices
        self.fields["phone"].max_length = 20
        self.fields["phone"].widget.attrs["maxlength"] = 20
        if not self.instance.pk:
            self.initial.setdefault("joined_on", timezone.localdate())

    def _post_clean(self):
        # The service validates (NIK, phone, duplicates) and writes in one transaction; the
        # model's own full_clean would reject a not-yet-normalised phone with a worse message.
        pass


class MemberSearchForm(forms.Form):
    q = forms.CharField(label=_("Search name, member number or phone"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("All"))] + [(v, l) for v, l in Member._meta.get_field("status").choices],
    )
