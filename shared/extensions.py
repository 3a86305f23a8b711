"""Flask extension instances, created once and bound in create_app()."""

from flask_babel import Babel
from flask_compress import Compress
from flask_wtf.csrf import CSRFProtect
from govuk_frontend_wtf.main import WTFormsHelpers
from htmx_flask import Htmx

babel = Babel()
compress = Compress()
csrf = CSRFProtect()
htmx = Htmx()
wtforms_helpers = WTFormsHelpers()
