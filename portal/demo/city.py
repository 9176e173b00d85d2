"""The city's figures (city.models.CooperativeYearFigures) for the seeded city.

The seed writes in bulk (no services, so no refresh after each commit); this last step rebuilds
every cooperative's figures from what was written, the same as `manage.py city_rebuild_figures`,
so the demo dashboard shows 332 / 200 / 70 for the last closed book year at once."""

from city.figures import rebuild_figures

from .context import SeedContext


def rebuild(ctx: SeedContext) -> None:
    rows = rebuild_figures(write=ctx.write)
    ctx.count("city_figure_rows", rows)
