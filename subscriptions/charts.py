"""Subscriber counts over time, drawn as a server-rendered SVG (no third-party script)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.formats import date_format

from .models import Subscription


@dataclass
class Chart:
    days: list[date]
    values: list[int]
    width: int = 720
    height: int = 220
    pad_left: int = 48
    pad_right: int = 16
    pad_top: int = 16
    pad_bottom: int = 28

    @property
    def top(self) -> int:
        """A round number at or above the highest value, for the y axis."""
        peak = max(self.values, default=0)
        if peak <= 5:
            return 5
        step = 10 ** (len(str(peak)) - 1)
        return ((peak + step - 1) // step) * step

    def _x(self, index: int) -> float:
        span = self.width - self.pad_left - self.pad_right
        return self.pad_left + span * index / max(1, len(self.values) - 1)

    def _y(self, value: int) -> float:
        span = self.height - self.pad_top - self.pad_bottom
        return self.pad_top + span * (1 - value / self.top)

    @property
    def line_points(self) -> str:
        return " ".join(f"{self._x(i):.1f},{self._y(v):.1f}" for i, v in enumerate(self.values))

    @property
    def area_points(self) -> str:
        base = self.height - self.pad_bottom
        last_x = self._x(len(self.values) - 1)
        return f"{self.pad_left:.1f},{base} {self.line_points} {last_x:.1f},{base}"

    @property
    def y_ticks(self):
        return [(self._y(v), v) for v in (0, self.top // 2, self.top)]

    @property
    def x_ticks(self):
        if not self.days:
            return []
        picks = sorted({0, len(self.days) // 3, 2 * len(self.days) // 3, len(self.days) - 1})
        return [(self._x(i), self.days[i]) for i in picks]

    @property
    def baseline_y(self) -> int:
        return self.height - self.pad_bottom

    @property
    def summary(self) -> str:
        if not self.values:
            return "No data."
        return (
            f"{self.values[0]} subscribers on {date_format(self.days[0], 'MONTH_DAY_FORMAT')}, "
            f"{self.values[-1]} on {date_format(self.days[-1], 'MONTH_DAY_FORMAT')}."
        )


def subscribers_over_time(newsletter, *, days: int = 90, today: date | None = None) -> Chart:
    """Active subscriptions at the end of each of the last `days` days (three queries).

    Built from each subscription's subscribed_at / unsubscribed_at; someone who left and came
    back is counted from their latest return.
    """
    today = today or timezone.localdate()
    first_day = today - timedelta(days=days - 1)
    start = timezone.make_aware(datetime.combine(first_day, time.min))
    subscriptions = Subscription.objects.filter(newsletter=newsletter)
    baseline = (
        subscriptions.filter(subscribed_at__lt=start)
        .filter(Q(unsubscribed_at__isnull=True) | Q(unsubscribed_at__gte=start))
        .count()
    )

    def per_day(field, rows=subscriptions):
        rows = (
            rows.filter(**{f"{field}__gte": start})
            .annotate(day=TruncDate(field))
            .values("day")
            .annotate(n=Count("pk"))
            .values_list("day", "n")
        )
        return dict(rows)

    joined = per_day("subscribed_at")
    # Only leaves after a join: a pending signup that was withdrawn never counted.
    left = per_day(
        "unsubscribed_at",
        subscriptions.filter(subscribed_at__isnull=False, subscribed_at__lte=F("unsubscribed_at")),
    )
    day_list = [first_day + timedelta(days=i) for i in range(days)]
    values, running = [], baseline
    for day in day_list:
        running += joined.get(day, 0) - left.get(day, 0)
        values.append(max(0, running))
    return Chart(days=day_list, values=values)
