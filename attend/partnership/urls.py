"""/partnership/...: one URL module per area."""

app_name = "partnership"

urlpatterns: list = []
