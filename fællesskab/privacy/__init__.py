"""GDPR tools: consent withdrawal, the newcomer's self-service (see, download, delete),
the coordinator's erasure of a person, retention purge and the admin's audit-log viewer."""
