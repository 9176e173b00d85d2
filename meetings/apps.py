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
