"""Pages of casework: plans."""

urlpatterns: list = []
