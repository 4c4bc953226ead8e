"""Newcomer matching: rank associations and events for a household (issue 5)."""
