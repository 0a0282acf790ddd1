import werkzeug.routing
import werkzeug.routing.converters as c
werkzeug.routing.NumberConverter = c.NumberConverter
from tests.admin.test_moderation import *  # noqa
