"""Pages of casework: safeguarding."""

urlpatterns: list = []
