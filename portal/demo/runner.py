"""Runs the seeding steps: plan the registry, create the missing cooperatives batch by batch
(each batch and everything of its cooperatives in one transaction), then the global steps.

Adding a step (ledger, savings, …): write `seed_batch(ctx, batch)` in a module of this package
and append it to BATCH_STEPS (it runs, in the batch's transaction, for cooperatives created in this
run; `item.members` holds their members with primary keys), or a `fn(ctx)` to FINAL_STEPS for
once-per-run work. Draw randomness only from `ctx.rng("<step>", item.plan.slug)`.
"""

import time
from dataclasses import dataclass, field

from django.db import transaction

from django_scopes import scopes_disabled

from cooperatives.models import Cooperative

from . import books, city, logins, meetings, people
from .context import SeedContext, SeedOptions
from .cooperatives import CooperativePlan, create_cooperatives, plan_cooperatives
from .regions import load_regions


@dataclass
class BatchItem:
    plan: CooperativePlan
    cooperative: Cooperative
    members: list = field(default_factory=list)


# Called as step(ctx, batch) for each batch of newly created cooperatives, in this order.
BATCH_STEPS = [
    meetings.seed_batch,
    people.seed_batch,
    logins.seed_batch,  # the demo member's register lines (before the books: she has savings too)
    books.seed_batch,  # charts for all, books for the active ones (needs members and RAT dates)
]

# Called as step(ctx) once, after every batch.
FINAL_STEPS = [
    logins.seed_demo_users,
    city.rebuild,  # the city's figures from everything written above (the seed bypasses the services)
]


def seed(ctx: SeedContext) -> dict:
    """Seed what is missing; returns counts of the rows created."""
    options = ctx.options
    started = time.monotonic()
    with scopes_disabled():
        ctx.regions = load_regions()
        plans = plan_cooperatives(options=options, today=ctx.today, regions=ctx.regions)
        existing = set(Cooperative.objects.values_list("slug", flat=True))
        missing = [p for p in plans if p.slug not in existing]
        if len(missing) < len(plans):
            ctx.write(f"{len(plans) - len(missing)} of {len(plans)} demo cooperatives exist already; creating {len(missing)}.")
        size = max(1, options.cooperatives_per_transaction)
        for start in range(0, len(missing), size):
            chunk = missing[start : start + size]
            with transaction.atomic():
                rows = create_cooperatives(ctx, chunk)
                batch = [BatchItem(plan, row) for plan, row in zip(chunk, rows)]
                for step in BATCH_STEPS:
                    step(ctx, batch)
            done = start + len(chunk)
            if done == len(missing) or done // size % 20 == 0:
                ctx.write(f"  {done}/{len(missing)} cooperatives, {ctx.stats.get('members', 0)} members ({time.monotonic() - started:.0f} s)")
        for step in FINAL_STEPS:
            step(ctx)
    ctx.stats["seconds"] = round(time.monotonic() - started, 1)
    return ctx.stats


__all__ = ["BATCH_STEPS", "FINAL_STEPS", "BatchItem", "SeedContext", "SeedOptions", "seed"]
