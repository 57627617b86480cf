# Qashqai Trunk Assistant: a slim, non-root image that polls Telegram.
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
RUN pip install --no-cache-dir . \
    && useradd --system --uid 10001 --home-dir /app bot \
    && mkdir -p /data && chown bot /data \
    && python -m bot check

USER bot
VOLUME ["/data"]
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot", "run"]
