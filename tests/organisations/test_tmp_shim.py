import werkzeug.routing
import werkzeug.routing.converters as c

werkzeug.routing.NumberConverter = c.NumberConverter
from tests.organisations.test_listings import *  # noqa
