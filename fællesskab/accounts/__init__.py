"""Accounts, roles, login and the role-required decorator."""
