# Locality Explorer as a container: the one-machine layout (deploy/serve.py: app replicas
# behind nginx), the same entrypoint CI runs outside a container (tests/browser/test_browser_proxy.py).
# Build: docker build -t locality-explorer .   Run: see compose.yaml (the warehouse is a volume).
FROM python:3.11-slim-bookworm

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx-light chromium \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 explorer

WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY . .
RUN chown -R explorer:explorer /app/data
USER explorer

# The ETL is a separate job (compose: the "build" service); this image serves the live build.
ENV REPLICAS=2
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/_stcore/health', timeout=4)"
# a first start with an empty data folder builds the demo once, before the replicas start
CMD ["sh", "-c", "python -m demo --if-no-data && { [ -e data/warehouse ] || python -m etl build; } && exec python -m deploy.serve --host 0.0.0.0 --port 8080 --replicas ${REPLICAS}"]
