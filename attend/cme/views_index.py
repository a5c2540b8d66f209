"""The LA's page for children missing education, deletions from the roll, home education and s19 decisions: one
panel per area, each built by its area's `index_panel(user, today)`."""

from django.shortcuts import render

from attend.accounts.permissions import permission_required_for
from attend.core import clock

from . import ehe, enquiries, roll, s19


@permission_required_for("cme.view")
def index(request):
    today = clock.today()
    context = {"today": today}
    for area in (enquiries, roll, ehe, s19):
        context.update(area.index_panel(request.user, today))
    return render(request, "cme/index.html", context)
