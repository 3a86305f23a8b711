"""The security suite (issue 10): attacks tried on every route and form, driven by the route inventory."""
