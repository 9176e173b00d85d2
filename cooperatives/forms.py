from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from users.models import User
from users.phone import looks_like_phone, normalize_phone

from .models import Cooperative, CooperativeRole


class CooperativeProfileForm(forms.ModelForm):
    class Meta:
        model = Cooperative
        fields = [
            "name", "legal_entity_number", "nik_koperasi", "kind", "kecamatan", "kelurahan", "address", "founded_on",
            "book_year_end_month", "quorum_fraction", "quorum_more_than", "rat_deadline_months",
            "invitation_notice_days", "simpanan_pokok_amount", "simpanan_wajib_monthly_amount",
        ]
        widgets = {"founded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean(self):
        data = super().clean()
        kecamatan, kelurahan = data.get("kecamatan"), data.get("kelurahan")
        if kecamatan and kelurahan and kelurahan.kecamatan_id != kecamatan.pk:
            self.add_error("kelurahan", _("This kelurahan is not in the chosen kecamatan."))
        return data


class RoleAssignForm(forms.Form):
    login = forms.CharField(
        label=_("Phone number or email of the person"), max_length=150,
        help_text=_("The person must already have a login in the portal."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=CooperativeRole.choices)
    title = forms.CharField(label=_("Title (optional)"), max_length=80, required=False)

    def clean_login(self):
        login = self.cleaned_data["login"].strip()
        if "@" in login:
            user = User.objects.filter(email__iexact=login).first()
        elif looks_like_phone(login):
            user = User.objects.filter(phone=normalize_phone(login)).first()
        else:
            raise ValidationError(_("Enter a phone number (e.g. 0812 3456 7890) or an email address."))
        if user is None or not user.is_active:
            raise ValidationError(_("No active login with this phone number or email."))
        self.cleaned_data["user"] = user
        return login
