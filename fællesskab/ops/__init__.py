"""Running the service: health and readiness probes, request ids and structured logs.

Sits on top with the web layer: it reads the other packages (database, search,
mail) and no domain package imports it.
"""
