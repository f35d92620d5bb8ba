"""Helper of scripts/check-sql.ts (by hand, not CI): runs exported SQL in local Spark, or parses it with sqlglot.

  python check-sql.py spark JOB.json   JOB: {"csv": path, "sql": path, "columns": [{"name", "text"}], "id": column}
      Reads the CSV into a view `customers` (text columns STRING, the others DOUBLE; FAILFAST), runs the SQL file
      unchanged with spark.sql, prints "version <spark version>" then one "id,cluster,distance" line per row, the
      distance as Python's repr (shortest text that reads back to the same double; "" for NULL).
  python check-sql.py parse JOB.json   JOB: [{"label", "read", "sql"}]
      Parses each SQL with sqlglot.parse(sql, read=READ) and prints one JSON line per item:
      {"label", "read", "ok", "statements", "error"} then "version <sqlglot version>". A parse check, not a run.

Needs pyspark (and a Java runtime) or sqlglot in the Python that runs it; neither is a project dependency.
"""
import json
import sys


def spark(job):
    from pyspark.sql import SparkSession
    from pyspark.sql.types import DoubleType, StringType, StructField, StructType

    session = (
        SparkSession.builder.master("local[2]")
        .appName("check-sql")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    try:
        schema = StructType([StructField(c["name"], StringType() if c["text"] else DoubleType()) for c in job["columns"]])
        session.read.csv(job["csv"], header=True, schema=schema, mode="FAILFAST").createOrReplaceTempView("customers")
        with open(job["sql"], encoding="utf-8") as f:
            sql = f.read()
        print(f"version {session.version}")
        out = sys.stdout
        for row in session.sql(sql).toLocalIterator():
            distance = "" if row["distance"] is None else repr(row["distance"])
            out.write(f"{row[job['id']]},{row['cluster']},{distance}\n")
    finally:
        session.stop()


def parse(job):
    import sqlglot

    for item in job:
        result = {"label": item["label"], "read": item["read"], "ok": False, "statements": 0, "error": None}
        try:
            trees = [t for t in sqlglot.parse(item["sql"], read=item["read"]) if t is not None]
            result.update(ok=True, statements=len(trees))
        except Exception as e:  # sqlglot's ParseError and TokenError
            result["error"] = f"{type(e).__name__}: {str(e).splitlines()[0][:300]}"
        print(json.dumps(result))
    print(f"version {sqlglot.__version__}")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("spark", "parse"):
        sys.exit("usage: check-sql.py spark|parse JOB.json (see the docstring)")
    with open(sys.argv[2], encoding="utf-8") as f:
        {"spark": spark, "parse": parse}[sys.argv[1]](json.load(f))
