from attend.core import clock


def pinned_today(request) -> dict:
    """Every page says when the service's today is not the real date (the demo, a replayed year)."""
    day, reason = clock.pin_and_reason()
    return {"pinned_today": day, "pinned_today_reason": reason}
