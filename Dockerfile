# Qashqai Trunk Assistant: a slim, non-root image that polls Telegram (or serves a webhook when WEBHOOK_URL is set).
# docker build -t qashqai-trunk . && docker run -e TELEGRAM_BOT_TOKEN=... -v trunk-data:/data qashqai-trunk
#
# NOT BUILT HERE: written on a machine without a Docker engine, and checked by reading
# (tests/unit/test_build_files.py checks what can be checked without building: the locks,
# what is copied and what .dockerignore leaves out).

# -- build: the wheel, from the locked build backend, after the framework workaround's test
FROM python:3.12-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
# The dependencies, the build backend and pytest, each at its locked version and hash.
COPY requirements-build.lock ./
RUN pip install --require-hashes --no-deps -r requirements-build.lock
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY knowledge ./knowledge
COPY tests/fake_telegram ./tests/fake_telegram
COPY tests/unit/test_framework_workaround.py ./tests/unit/
# The workarounds for python-telegram-bot (bot/telegram/persistence_marks.py and
# stray_parse_mode.py), tested against the locked framework: a framework that changed what
# they work around fails the build, not the bot.
RUN python -m pytest --noconftest -p no:cacheprovider tests/unit/test_framework_workaround.py \
    && pip wheel --no-deps --no-build-isolation --no-index --wheel-dir /wheels .

# -- the image: the locked dependencies and the wheel, nothing of the source tree. The lock
# holds the postgres extra (PostgreSQL's driver, for DATABASE_URL): one image serves either store.
FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    BOT_DATA_DIR=/data
COPY requirements.lock /tmp/requirements.lock
COPY --from=build /wheels /tmp/wheels
# The wheel carries its knowledge (bot/knowledge/data), so the bot runs from any directory;
# `bot check` proves it from / before the image is done.
RUN pip install --require-hashes --no-deps -r /tmp/requirements.lock \
    && pip install --no-deps --no-index /tmp/wheels/*.whl \
    && rm -rf /tmp/requirements.lock /tmp/wheels \
    && useradd --system --uid 10001 --no-create-home --home-dir /data bot \
    && mkdir -p /data && chown bot /data && chmod 700 /data \
    && cd / && python -m bot check

USER bot
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8443
# /metrics: set METRICS_PORT, and METRICS_LISTEN=0.0.0.0 to reach it from outside the container.
# The bot touches /data/heartbeat once it serves, on every poll (or, in webhook mode, a timer);
# stale for 90 s means stuck, and `health` prints why.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-m", "bot", "health"]
# The bot finishes updates in progress within 7 s of SIGTERM, inside Docker's 10 s grace.
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot", "run"]
