from django.contrib import admin

from .models import CityRole, Cooperative, Kecamatan, Kelurahan, RoleAssignment


class UnscopedAdmin(admin.ModelAdmin):
    """Admin is operators' tooling across cooperatives (DESIGN.md §5.3 allows it here)."""

    def get_queryset(self, request):
        return self.model.objects.with_scopes_disabled().all()


@admin.register(Cooperative)
class CooperativeAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "kind", "kecamatan", "legal_entity_number")
    list_filter = ("kind", "kecamatan")
    search_fields = ("name", "slug", "legal_entity_number", "nik_koperasi")


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(UnscopedAdmin):
    list_display = ("user", "cooperative", "role", "title")
    list_filter = ("role",)
    raw_id_fields = ("user", "cooperative")


admin.site.register(CityRole)
admin.site.register(Kecamatan)
admin.site.register(Kelurahan)
