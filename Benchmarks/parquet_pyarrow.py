"""pyarrow's side of the Parquet benchmark (BENCHMARKS.md): 1M transaction rows, one thread."""
import random, time, io
import pyarrow as pa, pyarrow.parquet as pq
pa.set_cpu_count(1); pa.set_io_thread_count(1)
rng = random.Random(7); n = 1_000_000
cities = ["Casablanca","Rabat","Marrakech","Fes","Tangier","Agadir","Meknes","Oujda"]
cats = ["Electronics","Clothing","Home & Kitchen","Books","Sports","Beauty","Toys"]
pays = ["credit_card","debit_card","paypal","apple_pay","google_pay"]
t = pa.table({
 "transaction_id": pa.array([f"{rng.getrandbits(128):032x}" for _ in range(n)]),
 "user_id": pa.array([f"user_{rng.randrange(1000)}" for _ in range(n)]),
 "city": pa.array([rng.choice(cities) for _ in range(n)]),
 "category": pa.array([rng.choice(cats) for _ in range(n)]),
 "amount": pa.array([rng.randrange(200000)/100 for _ in range(n)], pa.float64()),
 "quantity": pa.array([rng.randint(1,5) for _ in range(n)], pa.int32()),
 "payment_method": pa.array([rng.choice(pays) for _ in range(n)]),
 "timestamp": pa.array([1_795_555_807_000_000 + i*3600 for i in range(n)], pa.timestamp("us", tz="UTC")),
})
for codec in ["none","snappy","zstd"]:
    best=1e9; size=0
    for _ in range(3):
        buf = io.BytesIO(); s=time.perf_counter(); pq.write_table(t, buf, compression=codec, write_page_index=False); best=min(best,time.perf_counter()-s); size=buf.tell()
    data = buf.getvalue(); rb=1e9
    for _ in range(3):
        s=time.perf_counter(); pq.read_table(pa.BufferReader(data), use_threads=False); rb=min(rb,time.perf_counter()-s)
    print(f"pyarrow {codec}: write {best*1000:.0f} ms ({n/best/1e6:.2f} M rows/s), {size} bytes; read {rb*1000:.0f} ms")
