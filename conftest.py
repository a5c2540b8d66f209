"""Shared pytest set-up. The suite runs twice in CI: on SQLite, and on PostgreSQL when DATABASE_URL points there."""
