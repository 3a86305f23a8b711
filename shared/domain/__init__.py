"""Pure domain rules: enumerations, working-day calendar, references, transitions, access policy."""
