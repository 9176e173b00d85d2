from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from members.self_selectors import register_shu_source

        from .selectors import shu_received_rows

        register_shu_source(shu_received_rows)  # the member's home shows their SHU per year

        from members.self_selectors import register_paper_source

        from .page_selectors import minutes_papers

        register_paper_source(minutes_papers)  # ... and the published minutes

        from members.personal_data import register_section

        from . import personal_data

        # a member's download of all their data (UU 27/2022) includes their SHU and attendance
        register_section("shu", _("SHU received"), personal_data.shu_rows, personal_data.SHU_COLUMNS)
        register_section("meetings_attended", _("Meetings attended"), personal_data.attendance_rows,
                         personal_data.ATTENDANCE_COLUMNS)
