"""How the running bot is doing, for Prometheus: metrics.py defines every metric, pages.py
serves /metrics and /health (on the webhook server, or on METRICS_PORT when polling).

No metric identifies anyone: labels are kinds of things (a reply's kind, a retry policy),
never a chat id or a text.
"""
