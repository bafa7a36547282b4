"""Offline-first sync with the central database: outbox push, delta pull, conflict log (issue 5).

docs/central-database.md explains the modes, the conflict rule and the station role.
"""
