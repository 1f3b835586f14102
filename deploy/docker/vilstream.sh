#!/bin/sh
# Entry point of the vilstream image: the same flags as the repository's ./vilstream launcher
# (DJL offline, no usage tracking, the incubating Vector API), container-aware heap sizing.
#
#   VILSTREAM_JAVA_OPTS  JVM flags (default: heap = 50% of the container's memory limit; the rest
#                        is for libtorch's native memory, thread stacks and the page cache)
set -eu
# libtorch's OpenMP threads sleep instead of spinning while they wait: containers share cores
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
# shellcheck disable=SC2086 # VILSTREAM_JAVA_OPTS is a list of JVM flags
exec java ${VILSTREAM_JAVA_OPTS:--XX:MaxRAMPercentage=50 -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError} \
  --add-modules jdk.incubator.vector \
  -Dai.djl.offline=true -DOPT_OUT_TRACKING=true \
  -jar /opt/vilstream/vilstream-cli.jar "$@"
