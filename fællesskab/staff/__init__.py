"""Staff entry pages: the coordinator's and a village forum's dashboards."""
