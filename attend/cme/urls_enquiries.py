"""/cme/ pages for the enquiries area."""

urlpatterns: list = []
