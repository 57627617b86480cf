# Qashqai Trunk Assistant: a slim, non-root image that polls Telegram (or serves a webhook when WEBHOOK_URL is set).
# docker build -t qashqai-trunk . && docker run -e TELEGRAM_BOT_TOKEN=... -v trunk-data:/data qashqai-trunk
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    BOT_DATA_DIR=/data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY knowledge ./knowledge
# Installs the dependencies; the bot itself runs from /app, beside its knowledge/.
RUN pip install --no-cache-dir . \
    && useradd --system --uid 10001 --home-dir /app bot \
    && mkdir -p /data && chown bot /data \
    && python -m bot check

USER bot
VOLUME ["/data"]
EXPOSE 8443
# /metrics: set METRICS_PORT, and METRICS_LISTEN=0.0.0.0 to reach it from outside the container.
# The poller (or, in webhook mode, a timer) touches /data/heartbeat; stale for 90 s means stuck.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-m", "bot", "health"]
# The bot finishes updates in progress within 7 s of SIGTERM, inside Docker's 10 s grace.
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot", "run"]
