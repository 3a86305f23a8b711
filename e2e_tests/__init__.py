"""Browser journeys: Playwright in Chromium, axe on every page."""
