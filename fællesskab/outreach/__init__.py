"""Outreach: newcomers, consent, the coordinator's cases, hand-overs to village forums, follow-up."""
