"""/cme/ pages for the s19 area."""

urlpatterns: list = []
