"""Use cases. Each checks policy, applies the transition, appends the event and flushes — never commits."""
