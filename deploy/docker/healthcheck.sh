#!/bin/sh
# Docker HEALTHCHECK of the vilstream image: GET /health on the service's ops port.
# The port: VILSTREAM_HEALTH_PORT if set, else the retriever's HTTP port when this is a
# retriever (VILSTREAM_RETRIEVER_PORT), else VILSTREAM_METRICS_PORT, else 9401 (the encoder's).
# /health answers 200 when every check of the service is up, 503 otherwise.
set -eu
port="${VILSTREAM_HEALTH_PORT:-${VILSTREAM_RETRIEVER_PORT:-${VILSTREAM_METRICS_PORT:-9401}}}"
exec curl -fsS --max-time 4 -o /dev/null "http://127.0.0.1:${port}/health"
