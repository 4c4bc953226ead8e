"""Newcomer and leaver surveys, the KPI dashboard and the log of searches that found nothing."""
