from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """`?page=N` (from 1) and `?page_size=N` (at most 500; default 100)."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
