#!/usr/bin/env bash
# Installs what the Spark engine's tests need, from registries only, idempotently:
# - Java 17+ (Debian's openjdk-17-jre-headless when no java is on PATH);
# - a Python venv with pyspark (its wheel carries the Spark Connect server jar and spark-submit).
# Then extracts the Spark Connect .proto files from that jar (scripts/spark/protos.sh).
# Where: FRAMEGATE_SPARK_VENV (default .cache/spark/venv). .ci/run calls this before npm test.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=scripts/spark/env.sh
source "$ROOT/scripts/spark/env.sh"

if ! command -v java >/dev/null 2>&1; then
  echo "installing Java 17 (Debian)"
  apt-get update -q
  apt-get install -y -q openjdk-17-jre-headless
fi
JAVA_MAJOR="$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)"
if [ -z "$JAVA_MAJOR" ] || [ "$JAVA_MAJOR" -lt 17 ]; then
  echo "Spark $PYSPARK_VERSION needs Java 17 or newer; found: $(java -version 2>&1 | head -1)" >&2
  exit 1
fi

if "$SPARK_VENV/bin/python" -c "import pyspark, sys; sys.exit(pyspark.__version__ != '$PYSPARK_VERSION')" 2>/dev/null; then
  echo "pyspark $PYSPARK_VERSION present in $SPARK_VENV"
else
  echo "creating $SPARK_VENV with pyspark $PYSPARK_VERSION"
  rm -rf "$SPARK_VENV"
  mkdir -p "$(dirname "$SPARK_VENV")"
  python3 -m venv "$SPARK_VENV"
  PIP_DISABLE_PIP_VERSION_CHECK=1 "$SPARK_VENV/bin/pip" install -q "pyspark==$PYSPARK_VERSION"
fi
test -f "$(spark_connect_jar)" || { echo "no Spark Connect jar in $(spark_home)/jars" >&2; exit 1; }
bash "$ROOT/scripts/spark/protos.sh"
echo "Spark ready: SPARK_HOME=$(spark_home), java $JAVA_MAJOR"
