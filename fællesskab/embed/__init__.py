"""Pages for other websites' iframes: a place's events and associations, and a list of events."""
