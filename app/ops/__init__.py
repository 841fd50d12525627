"""Operator tools: the CLI, migrations, sample data, health and metrics routes."""
