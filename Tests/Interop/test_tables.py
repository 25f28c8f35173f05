"""The tables as readers meet them: a part rolled at a low rate holds row groups of a useful size, and
takes about the bytes pyarrow takes for the same rows in one row group."""

import glob
import os
import subprocess

import pyarrow.parquet as pq

from conftest import souk_binary


def test_a_demo_at_200_per_second_rolls_parts_of_one_row_group_as_compact_as_pyarrow(tmp_path):
    data = tmp_path / "data"
    run = subprocess.run(
        [str(souk_binary()), "demo", "--data-dir", str(data), "--broker-port", "0", "--web-port", "0",
         "--rate", "200", "--trigger", "200ms", "--duration", "15"],
        capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 0, run.stderr
    parts = glob.glob(str(data / "tables" / "transactions" / "date=*" / "hour=*" / "*.parquet"))
    assert parts and not glob.glob(str(data / "tables" / "**" / "*.inprogress"), recursive=True)
    checked = 0
    for part in parts:
        metadata = pq.ParquetFile(part).metadata
        if metadata.num_rows < 1000:
            continue  # a part cut short by an hour boundary
        # 75 batches of about 40 rows each were appended, one row group each; the roll rewrote them.
        assert metadata.num_row_groups == 1, (part, metadata.num_row_groups)
        table = pq.read_table(part)
        again = tmp_path / "pyarrow.parquet"
        pq.write_table(table, again, compression="snappy", row_group_size=len(table))
        # The whole files, footers included, and the column chunks alone.
        file_ratio = os.path.getsize(part) / os.path.getsize(again)
        chunks = [sum(m.row_group(0).column(c).total_compressed_size for c in range(m.num_columns))
                  for m in (metadata, pq.ParquetFile(again).metadata)]
        assert file_ratio <= 1.1 and chunks[0] / chunks[1] <= 1.1, (part, metadata.num_rows, file_ratio, chunks)
        assert table.equals(pq.read_table(again))
        checked += 1
    assert checked, [pq.ParquetFile(p).metadata.num_rows for p in parts]
