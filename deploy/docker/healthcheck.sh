#!/bin/sh
# Docker HEALTHCHECK of the vilstream image: GET the health endpoint of the service this
# container runs, on that service's own port. One image runs every role, so the role is read
# from the command line of the vilstream process (the word after vilstream-cli.jar: encoder,
# trainer, retriever, registry), and the port is resolved as the service resolves it:
#
#   role       port (first that is set)                                               path
#   encoder    metrics.port flag, VILSTREAM_METRICS_PORT, config file, 9401            /health
#   trainer    metrics.port flag, VILSTREAM_METRICS_PORT, config file, 9402            /health
#   retriever  retriever.port, then metrics.port (flag, env, file), 8080               /health
#   registry   --port flag, 8081 (the embedded registry has no /health)                /subjects
#
# (defaults: EncoderConfig, TrainerConfig, RetrieverConfig and RegistryCommand; deploy/validate
# runs this script for each role and compares with its contract). VILSTREAM_HEALTH_PORT
# overrides the port for every role. Other commands (topics, produce, model, eval, bench) have
# no ops endpoint: they count as healthy while they run.
#
#   vilstream-healthcheck                          what the image's HEALTHCHECK runs
#   vilstream-healthcheck --print-url ROLE [ARG…]  prints the URL for that command line (tests)
# /health answers 200 when every check of the service is up, 503 otherwise.
set -eu

print=false
if [ "${1:-}" = "--print-url" ]; then
  print=true
  shift
fi

# the command line: given (tests), or that of the vilstream JVM (PID 1 without an init; a child
# of docker-init with `init: true`)
if [ "$#" -gt 0 ]; then
  cmdline=$(printf '%s\n' "$@")
else
  cmdline=""
  for f in /proc/1/cmdline /proc/[0-9]*/cmdline; do
    [ -r "$f" ] || continue
    c=$(tr '\0' '\n' <"$f" 2>/dev/null) || continue
    case "$c" in
      *vilstream-cli.jar*) cmdline=$(printf '%s\n' "$c" | sed -n '/vilstream-cli\.jar$/,$p' | sed 1d); break ;;
    esac
  done
fi

role=""
for word in $cmdline; do
  case "$word" in
    encoder | trainer | retriever | registry) role="$word"; break ;;
    topics | produce | model | eval | bench | engine | demo | broker) role="$word"; break ;;
  esac
done

# a key from the command line (--set KEY=V, -DKEY=V, --set=KEY=V), then the properties file
flag() {
  printf '%s\n' "$cmdline" | sed -n "s/^\(--set=\|-D\)\{0,1\}$1=\([0-9][0-9]*\)\$/\2/p" | tail -n 1
}
from_file() {
  file="${VILSTREAM_CONFIG:-}"
  conf=$(printf '%s\n' "$cmdline" | sed -n '/^--config$/{n;p;}; s/^--config=\(.*\)$/\1/p' | tail -n 1)
  [ -n "$conf" ] && file="$conf"
  [ -n "$file" ] && [ -r "$file" ] || return 0
  sed -n "s/^[[:space:]]*$1[[:space:]]*[=:][[:space:]]*\([0-9][0-9]*\)[[:space:]]*\$/\1/p" "$file" | tail -n 1
}
metrics_port() {
  p=$(flag 'metrics\.port')
  [ -n "$p" ] || p="${VILSTREAM_METRICS_PORT:-}"
  [ -n "$p" ] || p=$(from_file 'metrics\.port')
  [ -n "$p" ] || p="$1"
  printf '%s' "$p"
}

path=/health
case "$role" in
  encoder) port=$(metrics_port 9401) ;;
  trainer) port=$(metrics_port 9402) ;;
  retriever)
    port=$(flag 'retriever\.port')
    [ -n "$port" ] || port="${VILSTREAM_RETRIEVER_PORT:-}"
    [ -n "$port" ] || port=$(from_file 'retriever\.port')
    [ -n "$port" ] || port=$(metrics_port 8080)
    ;;
  registry)
    path=/subjects
    port=$(printf '%s\n' "$cmdline" | sed -n '/^--port$/{n;p;}; s/^--port=\([0-9][0-9]*\)$/\1/p' | tail -n 1)
    [ -n "$port" ] || port=8081
    ;;
  *)
    # a one-shot command or an unknown role: no endpoint to ask
    if $print; then echo "none"; fi
    exit 0
    ;;
esac
port="${VILSTREAM_HEALTH_PORT:-$port}"
url="http://127.0.0.1:${port}${path}"
if $print; then
  echo "$url"
  exit 0
fi
exec curl -fsS --max-time 4 -o /dev/null "$url"
