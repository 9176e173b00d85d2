from django.contrib import admin

from .models import User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("full_name", "phone", "email", "is_active", "is_staff")
    search_fields = ("full_name", "phone", "email")
    exclude = ("password",)
