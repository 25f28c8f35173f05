"""Writes one JSON summary per file of parquet-testing/data, as pyarrow reads it.

Run with /work/main/.venv/bin/python generate.py ../../../../../shared/parquet-testing/data
Values are normalised to strings so the Swift test can compare them exactly (see ParquetTestingFilesTests).
"""
import json, os, struct, sys, zlib
import pyarrow as pa, pyarrow.parquet as pq

N = 6

def norm(value, typ, pq_col):
    if value is None:
        return None
    if pa.types.is_boolean(typ):
        return "true" if value else "false"
    if pa.types.is_floating(typ):
        if value != value:
            return "nan"
        fmt = {16: "<e", 32: "<f", 64: "<d"}[typ.bit_width]
        return struct.pack(fmt, value).hex()
    if pa.types.is_decimal(typ):
        return str(int(value.scaleb(typ.scale)))
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).hex()
    if isinstance(value, str):
        return value.encode().hex()
    if hasattr(value, "bytes"):  # uuid.UUID
        return value.bytes.hex()
    return str(value)

def column_values(arr):
    typ = arr.type
    if pa.types.is_timestamp(typ) or pa.types.is_time(typ) or pa.types.is_date(typ):
        arr = arr.cast(pa.int64() if not pa.types.is_date32(typ) else pa.int32())
        typ = arr.type
    if isinstance(typ, pa.ExtensionType):
        arr = arr.storage
        typ = arr.type
    return typ, arr.to_pylist()

def summarize(path):
    f = pq.ParquetFile(path, coerce_int96_timestamp_unit="us")
    out = {"num_rows": f.metadata.num_rows, "columns": {}, "nested": []}
    flat = [fld for fld in f.schema_arrow if not (pa.types.is_nested(fld.type))]
    out["nested"] = [fld.name for fld in f.schema_arrow if pa.types.is_nested(fld.type)]
    table = f.read(columns=[fld.name for fld in flat])
    for name in table.column_names:
        typ, values = column_values(table.column(name).combine_chunks())
        normed = [norm(v, typ, None) for v in values]
        crc = 0
        for v in normed:
            if v is not None:
                crc = (crc + zlib.crc32(v.encode())) & 0xFFFFFFFF
        out["columns"][name] = {
            "nulls": sum(1 for v in normed if v is None),
            "checksum": crc,
            "first": normed[:N],
            "last": normed[-N:] if len(normed) > N else [],
        }
    return out

data = sys.argv[1]
for name in sorted(os.listdir(data)):
    if not name.endswith(".parquet"):
        continue
    try:
        summary = summarize(os.path.join(data, name))
    except Exception as e:  # pyarrow cannot read it: the Swift test only checks for no crash
        summary = {"pyarrow_error": str(e)[:200]}
    with open(name + ".json", "w") as fh:
        json.dump(summary, fh, indent=1, sort_keys=True)
    print(name, "error" if "pyarrow_error" in summary else summary["num_rows"])
