"""The supervisor's side: the board's figures, item search and the whole record, the exceptions queue,
overrides, operator management. Queries and use cases over a unit of work; no Qt (docs/supervisor.md)."""
