"""Pages of casework: meetings."""

urlpatterns: list = []
