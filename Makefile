# Souk's two commands: `make demo` and `make test`. Both install what is missing first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
# Where the Parquet comparison writes its files: tmpfs, so that no writer waits for the disk.
BENCH_PARQUET_DIR ?= /dev/shm/souk-bench-parquet
# Options for `make demo`, e.g. make demo DEMO_ARGS="--rate 1000 --duration 5m".
DEMO_ARGS   ?=
# Seeds per simulated power-loss case in `make reliability` (make test runs the tests' defaults, 40 and 24).
POWER_LOSS_SEEDS ?= 300
# Seconds each libFuzzer target runs in `make fuzz`.
FUZZ_SECONDS ?= 600
# Length and rate of `make soak`.
SOAK_SECONDS ?= 900
SOAK_RATE ?= 20000
# Options for `make bench`, e.g. make bench BENCH_ARGS="--only convert,parquet --runs 7" (see python -m Benchmarks.report -h).
BENCH_ARGS  ?=
PYTHON      := $(VENV)/bin/python
REQUIREMENTS := Tests/Interop/requirements.txt
# Quix Streams pins an older confluent-kafka than the other tests use: it gets a venv of its own.
QUIX_VENV   := .venv-quix
QUIX_REQUIREMENTS := Tests/Interop/requirements-quix.txt
# System packages: the C codec libraries Souk links, and the peers the tests drive.
APT_PACKAGES := libzstd-dev libsnappy-dev liblz4-dev zlib1g-dev pkg-config python3-venv kcat libjs-chart.js chromium chromium-driver docker-compose tmux openjdk-17-jre-headless strace
# Only for the benchmarks: librdkafka's C API (the load driver and mock cluster) and Redis Streams.
BENCH_APT_PACKAGES := librdkafka-dev redis-server redis-tools
# Everything `make bench` runs: the above, Java 17 for PySpark and Flink, hey for the API, iperf3 for the ceilings.
BENCH_ALL_APT_PACKAGES := $(BENCH_APT_PACKAGES) openjdk-17-jdk-headless bc kcat time hey curl iperf3
BREW_PACKAGES := zstd snappy lz4 zlib pkg-config python kcat
SWIFT_FORMAT_PATHS := Package.swift Sources Tests Fuzz Benchmarks/Package.swift Benchmarks/Benchmarks

.PHONY: reliability fuzz sanitize soak bench-micro bench-packages bench-engine-peers bench-ceilings bench-smoke bench-parquet bench-convert bench-tables bench-demo screenshot bench-analyze bench-broker bench-engine bench-web interop-full help setup system-packages python-packages build release test unit-test interop-test demo lint format bench clean

help: ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

setup: system-packages python-packages ## Install what is missing: system packages (apt-get) and the Python test clients (.venv, and .venv-quix for Quix Streams).

system-packages:
	@command -v swift >/dev/null || { echo "make setup: Swift 6.1 or newer is required: https://www.swift.org/install/" >&2; exit 1; }
	@if command -v dpkg-query >/dev/null; then \
	  missing=""; \
	  for package in $(APT_PACKAGES); do \
	    dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$package"; \
	  done; \
	  if [ -z "$$missing" ]; then exit 0; fi; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; \
	  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo"; \
	  else echo "make setup: missing system packages; install them with: sudo apt-get install$$missing" >&2; exit 1; fi; \
	  echo "make setup: installing$$missing"; \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing </dev/null; \
	elif command -v brew >/dev/null; then \
	  brew list $(BREW_PACKAGES) >/dev/null 2>&1 || brew install $(BREW_PACKAGES); \
	else \
	  echo "make setup: no apt-get or brew here; install the development packages of zstd, snappy, lz4 and zlib, pkg-config, python3 with venv, and kcat" >&2; exit 1; \
	fi

python-packages: $(VENV)/.installed $(QUIX_VENV)/.installed

$(VENV)/.installed: $(REQUIREMENTS)
	@test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install -q --disable-pip-version-check -r $(REQUIREMENTS)
	@touch $@

$(QUIX_VENV)/.installed: $(QUIX_REQUIREMENTS)
	@test -x $(QUIX_VENV)/bin/python || python3 -m venv $(QUIX_VENV)
	$(QUIX_VENV)/bin/python -m pip install -q --disable-pip-version-check -r $(QUIX_REQUIREMENTS)
	@touch $@

build: system-packages ## Build the debug binary (.build/debug/souk).
	swift build

# The release binary links the Swift runtime in, as the image's does: it runs where no Swift is
# installed, and starts in about half the time (no dynamic symbol lookups for the runtime).
RELEASE_BUILD = swift build -c release --static-swift-stdlib

release: system-packages ## Build the release binary (.build/release/souk), the Swift runtime linked in.
	$(RELEASE_BUILD)

test: setup lint ## Install what is missing, then run every test: Swift unit tests and the interop suite.
	swift build --build-tests
	swift test --skip-build
	SOUK_BIN=$(CURDIR)/.build/debug/souk $(PYTHON) -m pytest -q -p no:cacheprovider Tests/Interop

unit-test: system-packages ## Only the Swift tests.
	swift test

interop-test: setup build ## Only the interop tests (real binary, real Python clients and readers).
	SOUK_BIN=$(CURDIR)/.build/debug/souk $(PYTHON) -m pytest -q -p no:cacheprovider Tests/Interop

interop-full: setup build ## The interop grid with 100,000 records per case (long).
	SOUK_INTEROP_RECORDS=100000 SOUK_BIN=$(CURDIR)/.build/debug/souk $(PYTHON) -m pytest -q -p no:cacheprovider Tests/Interop

demo: ## Install what is missing, build a release binary and run the pipeline on embedded defaults.
	@echo "make demo: checking the system packages (apt-get installs what is missing)"
	@$(MAKE) --no-print-directory system-packages
	@echo "make demo: building the release binary (the first build takes several minutes, later ones seconds)"
	$(RELEASE_BUILD)
	@echo "make demo: starting souk demo $(DEMO_ARGS); Ctrl-C stops it and prints what it did"
	.build/release/souk demo $(DEMO_ARGS)

lint: ## Check formatting (swift format, strict).
	swift format lint --strict --recursive $(SWIFT_FORMAT_PATHS)

format: ## Reformat the code in place.
	swift format --in-place --recursive $(SWIFT_FORMAT_PATHS)

bench: setup release bench-packages ## Every comparison, 5 runs each (BENCH_ARGS): CSV and SVG in Benchmarks/results/, the generated block of BENCHMARKS.md.
	cd Benchmarks && swift build -c release --product ParquetBenchmarks && swift build -c release --product CodecBenchmarks
	SOUK_BIN=$(CURDIR)/.build/release/souk $(PYTHON) -m Benchmarks.report $(BENCH_ARGS)

# What the comparisons of `make bench` need beyond `make setup`, as their own bench-* targets install it.
bench-packages: bench-engine-peers
	@$(MAKE) --no-print-directory system-packages APT_PACKAGES="$(BENCH_ALL_APT_PACKAGES)"
	$(PYTHON) -m pip install -q --disable-pip-version-check -r Benchmarks/Analyze/requirements.txt

# PySpark (.venv-bench) and PyFlink (.venv-flink), each in a venv of its own (see Benchmarks/Engine/requirements.txt).
bench-engine-peers:
	@test -x .venv-bench/bin/python || python3 -m venv .venv-bench
	.venv-bench/bin/python -m pip install -q --disable-pip-version-check -r Benchmarks/Engine/requirements.txt
	@test -x .venv-flink/bin/python || python3 -m venv .venv-flink
	.venv-flink/bin/python -m pip install -q --disable-pip-version-check -r Benchmarks/Engine/requirements-flink.txt

reliability: setup build ## The reliability suites at full length (RELIABILITY.md): simulated power loss and full disk over 300 seeds per case, disk full on a tmpfs, abuse over raw sockets, kill -9 of broker and engine, then the 15-minute soak.
	swift build --build-tests
	SOUK_POWER_LOSS_SEEDS=$(POWER_LOSS_SEEDS) SOUK_DISK_FULL_SEEDS=$(POWER_LOSS_SEEDS) swift test --skip-build --filter "PowerLoss|DiskFull"
	SOUK_KILL_CYCLES=20 SOUK_BIN=$(CURDIR)/.build/debug/souk $(PYTHON) -m pytest -q -p no:cacheprovider \
	  Tests/Interop/test_broker_kill_cycles.py Tests/Interop/test_disk_full.py Tests/Interop/test_abuse.py Tests/Interop/test_rotten_log.py Tests/Interop/test_stream_crash.py \
	  "Tests/Interop/test_broker.py::test_kill_9_keeps_every_acknowledged_record_with_fsync_always"
	@$(MAKE) --no-print-directory soak

soak: setup release ## souk demo at SOAK_RATE events/s (20,000) for SOAK_SECONDS (900): RSS, open descriptors, consumer lag and batch duration every second, judged flat; Benchmarks/results/soak.{csv,json,svg}.
	$(PYTHON) Benchmarks/Demo/soak.py $(CURDIR)/.build/release/souk --seconds $(SOAK_SECONDS) --rate $(SOAK_RATE)

fuzz: setup ## libFuzzer with AddressSanitizer on every decoder of untrusted bytes (Fuzz/), FUZZ_SECONDS each (default 600): Kafka request frames and bodies, record batches, decompressors, Parquet footers and files, JSON lines, API query strings.
	FUZZ_SECONDS=$(FUZZ_SECONDS) PYTHON=$(PYTHON) Fuzz/run.sh

sanitize: system-packages ## The Swift tests under ThreadSanitizer, then AddressSanitizer (builds of their own in .build/tsan and .build/asan).
	swift build --build-tests --sanitize=thread --scratch-path .build/tsan
	SWIFT_BACKTRACE=enable=no swift test --skip-build --sanitize=thread --scratch-path .build/tsan
	swift build --build-tests --sanitize=address --scratch-path .build/asan
	# LeakSanitizer cannot follow Swift's pointers that carry flags in their high bits (strings, indirect
	# enums, bridge objects), so it takes live memory for leaks; memory errors still stop the run.
	ASAN_OPTIONS=detect_leaks=0 SWIFT_BACKTRACE=enable=no swift test --skip-build --sanitize=address --scratch-path .build/asan

bench-micro: system-packages ## The package-benchmark suites in Benchmarks/: codecs and CRC-32C, Parquet, engine decode (release build).
	cd Benchmarks && swift package --disable-sandbox benchmark

bench-broker: ## Broker throughput and latency beside Redis Streams and librdkafka's mock cluster (one run).
	@$(MAKE) --no-print-directory system-packages APT_PACKAGES="$(BENCH_APT_PACKAGES)"
	Benchmarks/Broker/run.sh

bench-engine: setup release ## The stream engine beside PySpark Structured Streaming and Apache Flink (one run; installs Java 17, PySpark and PyFlink).
	@$(MAKE) --no-print-directory system-packages APT_PACKAGES="openjdk-17-jdk-headless bc kcat time"
	@$(MAKE) --no-print-directory bench-engine-peers
	SOUK_BIN=$(CURDIR)/.build/release/souk Benchmarks/Engine/run.sh

bench-web: setup release ## The dashboard: API latency with hey over 1M and 10M transactions, SSE fan-out, page load (one run).
	@$(MAKE) --no-print-directory system-packages APT_PACKAGES="hey bc curl"
	SOUK_BIN=$(CURDIR)/.build/release/souk Benchmarks/Web/run.sh

bench-analyze: setup release ## souk analyze beside DuckDB and pandas + pyarrow over 10M transactions (one run).
	$(VENV)/bin/python -m pip install -q --disable-pip-version-check -r Benchmarks/Analyze/requirements.txt
	SOUK_BIN=$(CURDIR)/.build/release/souk Benchmarks/Analyze/run.sh

bench-tables: setup release ## Table bytes per row and read time before and after souk compact, beside pyarrow; compacting a 10M-row hour (one run).
	@$(MAKE) --no-print-directory system-packages APT_PACKAGES="time"
	$(PYTHON) Benchmarks/Tables/measure.py $(CURDIR)/.build/release/souk $(CURDIR)/.build/bench-tables

bench-ceilings: ## The machine's ceilings: cores, memory, kernel, disk, loopback TCP (iperf3) and fdatasync'd sequential write (dd).
	@$(MAKE) --no-print-directory system-packages APT_PACKAGES="iperf3"
	Benchmarks/ceilings.sh

bench-smoke: setup build ## The comparison scripts and the report generator (--smoke --runs 2) on tiny inputs with the debug binary, so the harness keeps working (under a minute; part of make test).
	SOUK_BIN=$(CURDIR)/.build/debug/souk $(PYTHON) -m pytest -q -p no:cacheprovider Tests/Interop/test_bench_harness.py

bench-parquet: setup ## Parquet write and read beside pyarrow, DuckDB and polars, one thread each, the same 1M rows for all (one run).
	mkdir -p $(BENCH_PARQUET_DIR)
	test -f $(BENCH_PARQUET_DIR)/input.parquet || $(PYTHON) Benchmarks/Parquet/make_input.py $(BENCH_PARQUET_DIR)/input.parquet
	rm -f $(BENCH_PARQUET_DIR)/souk-*.parquet
	$(PYTHON) Benchmarks/Parquet/peers.py write $(BENCH_PARQUET_DIR)/input.parquet $(BENCH_PARQUET_DIR)
	cd Benchmarks && SOUK_PARQUET_DIR=$(BENCH_PARQUET_DIR) swift package --disable-sandbox benchmark --target ParquetBenchmarks
	$(PYTHON) Benchmarks/Parquet/peers.py read $(BENCH_PARQUET_DIR)

bench-convert: setup release ## JSON lines to Parquet: souk convert beside pyarrow, DuckDB and polars on 1M original-schema transactions (5 runs each, every run printed).
	mkdir -p $(CURDIR)/.build/bench-convert
	test -f $(CURDIR)/.build/bench-convert/transactions.jsonl || \
		$(PYTHON) Benchmarks/Convert/generate.py $(CURDIR)/.build/bench-convert/transactions.jsonl --count 1000000
	$(PYTHON) Benchmarks/Convert/measure.py $(CURDIR)/.build/bench-convert/transactions.jsonl --runs 5 --souk $(CURDIR)/.build/release/souk

bench-demo: setup release ## souk demo: cold start to the dashboard answering, RSS idle and at 10,000 events/s for 5 minutes (one run).
	$(PYTHON) Benchmarks/Demo/measure.py $(CURDIR)/.build/release/souk

screenshot: setup build ## Refresh docs/dashboard.png: the demo's dashboard in headless Chromium after a minute.
	SOUK_SCREENSHOT_DIR=$(CURDIR)/docs SOUK_SCREENSHOT_SECONDS=60 SOUK_BIN=$(CURDIR)/.build/debug/souk \
	  $(PYTHON) -m pytest -q -p no:cacheprovider Tests/Interop/test_dashboard_browser.py -k demo_dashboard

clean: ## Remove build products and the virtualenvs.
	rm -rf .build Benchmarks/.build $(VENV) $(QUIX_VENV) .venv-bench .venv-flink
