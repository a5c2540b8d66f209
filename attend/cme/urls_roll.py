"""/cme/ pages for the roll area."""

urlpatterns: list = []
