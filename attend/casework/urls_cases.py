"""Pages of casework: cases."""

urlpatterns: list = []
