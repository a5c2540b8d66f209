import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attend.settings")
application = get_wsgi_application()

from attend.accounts.startup import refuse_public_secret_key  # noqa: E402  (needs the settings loaded above)

refuse_public_secret_key()
