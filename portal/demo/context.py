"""What every seeding step receives: the options, the day, and deterministic random sources."""

import random
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from cooperatives.book_years import last_closed_book_year

DEFAULT_SEED = 20211028  # the day Kota Sukabumi published 332 / 200 / 70
DEFAULT_COOPERATIVES = 332
DEFAULT_MEMBERS_PER_COOPERATIVE = 25
BOOK_YEAR_END_MONTH = 12  # every demo cooperative closes its book year in December

# The city's real figures (October 2021): registered, active, RAT for the last closed book year.
CITY_REGISTERED, CITY_ACTIVE, CITY_RAT_LAST_YEAR = 332, 200, 70


@dataclass(frozen=True)
class SeedOptions:
    cooperatives: int = DEFAULT_COOPERATIVES
    members_per_cooperative: int = DEFAULT_MEMBERS_PER_COOPERATIVE
    seed: int = DEFAULT_SEED
    today: date | None = None
    cooperatives_per_transaction: int = 50
    logins_file: Path | None = None
    books: bool = True  # journal entries for the active cooperatives (charts of accounts always)

    def target_counts(self) -> tuple[int, int]:
        """(active, RAT in the last closed year): the city's numbers, scaled to N."""
        n = self.cooperatives

        def scaled(x):
            return int(n * x / CITY_REGISTERED + 0.5)

        return scaled(CITY_ACTIVE), scaled(CITY_RAT_LAST_YEAR)


@dataclass
class SeedContext:
    options: SeedOptions
    today: date
    write: callable = print  # one line of progress
    stats: dict = field(default_factory=dict)
    regions: list = field(default_factory=list)  # regions.Region, loaded once by the runner

    @property
    def last_closed_year(self) -> int:
        return last_closed_book_year(self.today, BOOK_YEAR_END_MONTH)

    def rng(self, *parts) -> random.Random:
        """An independent random stream per (seed, purpose…), e.g. ctx.rng("members", slug).

        Each step and each cooperative draws from its own stream, so adding a step or seeding
        only the missing cooperatives never changes what the others get.
        """
        return random.Random(":".join(str(p) for p in (self.options.seed, *parts)))

    def count(self, key: str, n: int = 1):
        self.stats[key] = self.stats.get(key, 0) + n
