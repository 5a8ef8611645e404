#!/usr/bin/env bash
# Extracts the Spark Connect protocol (spark/connect/*.proto) from the server jar inside the
# pyspark wheel into FRAMEGATE_SPARK_PROTOS (default .cache/spark/protos, not committed).
# scripts/build.mjs copies them into dist/spark-protos next to the bundle.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=scripts/spark/env.sh
source "$ROOT/scripts/spark/env.sh"

JAR="$(spark_connect_jar)"
if [ ! -f "$JAR" ]; then
  echo "no Spark Connect jar under $(spark_home)/jars: run scripts/spark/install.sh first" >&2
  exit 1
fi
STAGE="$(mktemp -d "${SPARK_PROTOS%/}.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
# Python's zipfile, not unzip: Python is already needed for the venv.
"$SPARK_VENV/bin/python" - "$JAR" "$STAGE" <<'PY'
import sys, zipfile
jar, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(jar) as z:
    names = [n for n in z.namelist() if n.startswith('spark/connect/') and n.endswith('.proto')]
    if not names:
        sys.exit(f'no spark/connect/*.proto in {jar}')
    for name in names:
        z.extract(name, out)
print(f'{len(names)} protos from {jar}')
PY
basename "$JAR" > "$STAGE/SOURCE"
rm -rf "$SPARK_PROTOS"
mv "$STAGE" "$SPARK_PROTOS"
trap - EXIT
