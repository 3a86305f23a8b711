"""Signing in and out, server-side sessions, passwords and per-route access rules."""
