"""One module per comparison, each with TITLE, TOOLS (the table's columns, Souk's first) and
measure(ctx, result), which fills the result's rows (figures and goals), samples (one per run per tool)
and the commands it ran. ORDER is the report's order, BENCHMARKS.md's; SMOKE the cheap ones `--smoke`
runs by default."""

from . import analyze, broker, ceilings, codecs, convert, demo, engine, parquet, tables, web

MODULES = {"ceilings": ceilings, "codecs": codecs, "parquet": parquet, "broker": broker, "engine": engine,
           "web": web, "analyze": analyze, "demo": demo, "convert": convert, "tables": tables}
ORDER = list(MODULES)
SMOKE = ["ceilings", "parquet", "analyze", "convert"]
