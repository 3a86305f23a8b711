"""The route inventory's sample world (a resident with a case in the responder's service)."""

from unit_tests.test_route_access import world  # noqa: F401 (a fixture)
