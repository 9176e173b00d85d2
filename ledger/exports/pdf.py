"""A report as an A4 PDF: WeasyPrint renders the print template (CSS inline, system fonts).

WeasyPrint never touches the network or the disk for a report: the fetcher refuses every URL
but inline `data:` ones, and there is no base URL to resolve relative links against."""

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from .document import Report

CONTENT_TYPE = "application/pdf"
TEMPLATE = "ledger/reports/print.html"


class OfflineURLFetcher(URLFetcher):
    """Refuses anything but data: URLs (no http, https, ftp or file)."""

    def __init__(self):
        super().__init__(timeout=1, allowed_protocols={"data"}, allow_redirects=False, fail_on_errors=False)

    def fetch(self, url, headers=None):
        if not str(url).lower().startswith("data:"):
            raise ValueError(f"Portal Koperasi reports load nothing from outside: {url}")
        return super().fetch(url, headers)


def render_html(report: Report, *, request=None) -> str:
    return render_to_string(TEMPLATE, {"report": report, "rows": report.html_rows(), "for_pdf": True}, request=request)


def render_pdf(report: Report, *, request=None) -> bytes:
    html = render_html(report, request=request)
    return HTML(string=html, base_url=None, url_fetcher=OfflineURLFetcher()).write_pdf()
