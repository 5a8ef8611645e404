#!/usr/bin/env bash
# A local Spark Connect server for tests, benchmarks and trying the Spark engine out.
#
#   server.sh run   --port PORT --dir DIR   foreground: this process becomes the server's JVM (exec),
#                                           so its PID is the one to stop; logs on stderr
#   server.sh start [--port PORT] --dir DIR background: writes DIR/server.pid, DIR/server.log,
#                                           waits until the port accepts connections, prints sc://…
#   server.sh stop  --dir DIR               stops the server started there (by PID) and waits for it
#
# The server: local[2], loopback only, UI off, warehouse in DIR/warehouse, 4 shuffle partitions,
# session time zone UTC. FRAMEGATE_SPARK_DRIVER_MEMORY (default 1g) sizes the driver;
# FRAMEGATE_SPARK_START_TIMEOUT (default 600 s) bounds the wait in `start`.
# Needs scripts/spark/install.sh to have run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=scripts/spark/env.sh
source "$ROOT/scripts/spark/env.sh"

usage() { echo "usage: $0 run|start|stop [--port PORT] --dir DIR" >&2; exit 2; }
[ $# -ge 1 ] || usage
COMMAND="$1"
shift
PORT=""
DIR=""
while [ $# -gt 0 ]; do
  case "$1" in
    --port) PORT="$2"; shift 2 ;;
    --dir) DIR="$2"; shift 2 ;;
    *) usage ;;
  esac
done
[ -n "$DIR" ] || usage

free_port() {
  "$SPARK_VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

case "$COMMAND" in
  run)
    [ -n "$PORT" ] || usage
    SPARK_HOME="$(spark_home)"
    export SPARK_HOME SPARK_LOCAL_IP=127.0.0.1
    mkdir -p "$DIR/warehouse" "$DIR/local"
    cd "$DIR"
    exec "$SPARK_HOME/bin/spark-submit" \
      --class org.apache.spark.sql.connect.service.SparkConnectServer \
      --name framegate-spark-connect \
      --master 'local[2]' \
      --driver-memory "${FRAMEGATE_SPARK_DRIVER_MEMORY:-1g}" \
      --conf spark.connect.grpc.binding.address=127.0.0.1 \
      --conf "spark.connect.grpc.binding.port=$PORT" \
      --conf spark.driver.host=127.0.0.1 \
      --conf spark.driver.bindAddress=127.0.0.1 \
      --conf spark.ui.enabled=false \
      --conf spark.sql.shuffle.partitions=4 \
      --conf spark.sql.session.timeZone=UTC \
      --conf "spark.sql.warehouse.dir=$DIR/warehouse" \
      --conf "spark.local.dir=$DIR/local" \
      --conf "spark.driver.extraJavaOptions=-Dderby.system.home=$DIR" \
      spark-internal
    ;;
  start)
    mkdir -p "$DIR"
    if [ -f "$DIR/server.pid" ] && kill -0 "$(cat "$DIR/server.pid")" 2>/dev/null; then
      echo "a server is already running from $DIR (PID $(cat "$DIR/server.pid"))" >&2
      exit 1
    fi
    [ -n "$PORT" ] || PORT="$(free_port)"
    nohup bash "$0" run --port "$PORT" --dir "$DIR" >"$DIR/server.log" 2>&1 &
    PID=$!
    echo "$PID" >"$DIR/server.pid"
    echo "$PORT" >"$DIR/server.port"
    LIMIT="${FRAMEGATE_SPARK_START_TIMEOUT:-600}"
    START=$SECONDS
    until port_open "$PORT"; do
      if ! kill -0 "$PID" 2>/dev/null; then
        echo "Spark Connect server exited before listening; see $DIR/server.log" >&2
        tail -20 "$DIR/server.log" >&2
        exit 1
      fi
      if ((SECONDS - START > LIMIT)); then
        echo "Spark Connect server not listening on $PORT after $LIMIT s; stopping it" >&2
        kill "$PID" 2>/dev/null || true
        exit 1
      fi
      sleep 0.5
    done
    echo "sc://127.0.0.1:$PORT"
    ;;
  stop)
    [ -f "$DIR/server.pid" ] || { echo "no server.pid in $DIR" >&2; exit 1; }
    PID="$(cat "$DIR/server.pid")"
    if kill "$PID" 2>/dev/null; then
      # The JVM runs its shutdown hooks (stops the SparkContext) on SIGTERM; wait for it to exit.
      START=$SECONDS
      while kill -0 "$PID" 2>/dev/null; do
        if ((SECONDS - START > 60)); then kill -9 "$PID" 2>/dev/null || true; fi
        sleep 0.2
      done
    fi
    rm -f "$DIR/server.pid" "$DIR/server.port"
    ;;
  *) usage ;;
esac
