"""Reviewing a scan: the decision rules, the terminal review, the review file, the web review, the push to the
WA Tool."""
