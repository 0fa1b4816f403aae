"""Telegram handlers, terminal chat, formatting and the command line (bot/cli.py, the composition root)."""
