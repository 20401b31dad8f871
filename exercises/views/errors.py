"""Error pages that say what happened in plain words."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string


def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No request context: whatever failed may fail again while rendering.
    return HttpResponseServerError(render_to_string("500.html"))
