from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """`?page=N` (from 1) and `?page_size=N` (1 to 500; default 100). Unlike DRF's default, a value that is not a
    whole number in range is refused (400) rather than quietly replaced; a page past the end is 404."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        errors = {}
        for name, most in (("page", None), ("page_size", self.max_page_size)):
            value = request.query_params.get(name)
            if value is None:
                continue
            if not (value.isascii() and value.isdigit() and int(value) >= 1):
                errors[name] = ["Must be a whole number of at least 1."]
            elif most is not None and int(value) > most:
                errors[name] = [f"Must be at most {most}."]
        if errors:
            raise ValidationError(errors)
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"] = {"type": "integer", "minimum": 1}
            if parameter["name"] == "page_size":
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters
