"""ASGI entry point, for hosts that only speak ASGI (WSGI is faster for our polling)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tabletop.settings")
application = get_asgi_application()
