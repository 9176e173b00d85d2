from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .phone import display_phone, normalize_phone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, phone, email, password, **extra):
        if not phone and not email:
            raise ValueError("A user needs a phone number or an email.")
        user = self.model(
            phone=normalize_phone(phone) if phone else None,
            email=self.normalize_email(email).lower() if email else None,
            **extra,
        )
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, phone=None, email=None, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(phone, email, password, **extra)

    def create_superuser(self, phone=None, email=None, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create(phone, email, password, **extra)

    def get_by_natural_key(self, phone):
        return self.get(phone=phone)


class User(AbstractBaseUser, PermissionsMixin):
    """One person, one login. Roles live per cooperative (cooperatives.RoleAssignment)."""

    phone = models.CharField(
        _("phone number"), max_length=16, unique=True, null=True, blank=True,
        help_text=_("Stored in E.164 form, e.g. +6281234567890."),
    )
    email = models.EmailField(_("email"), unique=True, null=True, blank=True)
    full_name = models.CharField(_("full name"), max_length=150)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("may use the admin site"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "phone"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email", "full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(phone__isnull=False) | Q(email__isnull=False),
                name="user_has_phone_or_email",
            ),
        ]

    def __str__(self):
        return self.full_name or self.email or self.phone or f"#{self.pk}"

    def clean(self):
        super().clean()
        if self.email:
            self.email = self.email.strip().lower()
        if self.phone:
            self.phone = normalize_phone(self.phone)

    @property
    def phone_display(self):
        return display_phone(self.phone)

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return (self.full_name or "").split(" ")[0]


def user_display(user) -> str:
    """How allauth names a person in messages ("Berhasil masuk sebagai …"): never a raw +62 number."""
    return user.full_name or user.email or display_phone(user.phone)
