"""/cme/ pages for the ehe area."""

urlpatterns: list = []
