"""Default clocks until procedures become data (see the case engine): working days."""

ACKNOWLEDGE_WITHIN = 5  # Complaint Handling Code: acknowledge within 5 working days of receipt
STAGE_ONE_WITHIN = 10  # stage 1 answered within 10 working days of acknowledgement
TRIAGE_TARGET = 2  # the complaints team triages within 2 working days
