"""Many accounts: which to scan and how to enter each (targets), the fan-out and roll-up (fanout), the command
(scan_many)."""
