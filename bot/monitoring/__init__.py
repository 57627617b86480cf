"""How the running bot is doing, for the people who run it: metrics.py defines every metric
for Prometheus, pages.py serves /metrics and /health (on the webhook server, or on
METRICS_PORT when polling), health.py keeps the heartbeat `python -m bot health` reads,
logs.py writes the log (redacted, as text or JSON) and log_summary.py its line every ten
minutes of what happened.

Nothing here is imported by this file: `bot health` must load health.py alone.

No metric identifies anyone: labels are kinds of things (a reply's kind, a retry policy),
never a chat id or a text.
"""
