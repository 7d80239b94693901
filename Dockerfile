# The server image: runtime dependencies only (requirements.runtime.lock).
# The web client's npm packages are fetched in their own stage; only their built files are kept.
FROM node:20-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund --silent

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    CHAT_PORT=8080 CHAT_DATA_DIR=/data
WORKDIR /app
COPY requirements.runtime.lock requirements.nodeps.lock ./
RUN pip install --no-cache-dir -r requirements.runtime.lock \
 && pip install --no-cache-dir --no-deps -r requirements.nodeps.lock
COPY server ./server
COPY moderation ./moderation
COPY scripts ./scripts
COPY web ./web
COPY --from=web /web/node_modules/socket.io-client/dist/socket.io.min.js ./web/static/vendor/socket.io.min.js
RUN useradd --system --home /app chat && mkdir -p /data && chown chat /data \
    && python -c "import jieba; jieba.initialize()"
USER chat
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD python -c "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8080/api/health', timeout=2).status != 200)"
CMD ["python", "-m", "server"]
