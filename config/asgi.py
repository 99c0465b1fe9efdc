import os

from django.core.asgi import get_asgi_application

from cairn.core.runtime import tune_garbage_collection

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
application = get_asgi_application()
tune_garbage_collection()
