"""Facet's benchmark suite (`make bench`): cold start and warm latency against the budgets in
ARCHITECTURE.md. A developer tool; nothing here ships to AWS."""
