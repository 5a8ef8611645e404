# Sourced by the scripts/spark/*.sh scripts: where the Spark venv and the extracted protos live.
# ROOT must be set to the repository root by the caller.
PYSPARK_VERSION=4.3.0
SPARK_VENV="${FRAMEGATE_SPARK_VENV:-$ROOT/.cache/spark/venv}"
SPARK_PROTOS="${FRAMEGATE_SPARK_PROTOS:-$ROOT/.cache/spark/protos}"

# pyspark's package folder is a complete SPARK_HOME (bin/, sbin/, jars/).
spark_home() {
  local site
  site="$(echo "$SPARK_VENV"/lib/python3*/site-packages)"
  echo "$site/pyspark"
}

spark_connect_jar() {
  local jar
  for jar in "$(spark_home)"/jars/spark-connect_2.13-*.jar; do
    echo "$jar"
    return
  done
}
