from django.db import models


class ClockPin(models.Model):
    """At most one row: the date the service treats as today (attend.core.clock), set by the demo loader."""

    day = models.DateField()
    reason = models.CharField(max_length=200)
    set_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"today pinned to {self.day}: {self.reason}"
