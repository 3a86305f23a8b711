"""Portal views, one module per area; each view parses, calls one service, then redirects or renders."""
