# The two commands of the README (make demo, make test) and a few more.
# Each installs missing Debian packages first (scripts/install-deps.sh), then builds.
PRESET ?= release
BUILD := build/$(PRESET)
SERVER := $(BUILD)/server/ranking-server
CLIENT := $(BUILD)/client/ranking-client
ARGS ?=

.PHONY: all deps test-deps build package test test-asan test-tsan fuzz demo live bench run cluster cluster-down cluster-demo format clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	@cmake --preset $(PRESET) >/dev/null
	@cmake --build --preset $(PRESET)

# The Debian package, in build/release: sudo dpkg -i build/release/ranking-server_*.deb
package: build
	@cd $(BUILD) && cpack -G DEB

# What only the tests need: promtool, a browser for the dashboard test (npm, for Playwright,
# comes with every target's dependencies), curl and jq for the crash and cluster tests, HAProxy
# for the cluster test, lintian for the package test.
test-deps:
	@scripts/install-deps.sh prometheus chromium clang libclang-rt-14-dev curl jq haproxy lintian

test: build test-deps
	@ctest --preset $(PRESET)

demo: build
	@demo/demo.sh $(BUILD) report

# A server under a steady open-loop load (200 req/s, rank=1,players=19) for an hour, and the
# dashboard's address: flip the mode there in front of a room. Ctrl-C stops all of it
# (demo/live.sh; RATE, MIX, CONNECTIONS, MINUTES).
live: build
	@demo/live.sh $(BUILD)

# ranking-server against nginx (one worker) on the same machine in one run, as ratios, about 8
# minutes (bench/bench.sh): req/s under wrk on a cheap endpoint (and with the stall detector
# armed and disarmed), CPU, system calls and context switches a request at the same rates, p99
# at half nginx's req/s (open loop), bytes per connection at 18,000 keep-alive connections,
# canary p99 with the hash pool saturated (offload against inline), latency against the rate
# where this machine can measure it, then a summary against the goals, PASS or MISS. Installs
# wrk, nginx-light, jq and linux-perf if missing; nginx runs as a child on loopback.
# LOAD_VS_WRK=1 adds ranking-load against wrk.
bench: build
	@bench/bench.sh $(BUILD)

# The server alone, in the foreground, on 127.0.0.1:8080 (admin 8081), its database ranking.db
# here (kept between runs): make run ARGS=--blocking. --allow-root, as every script that starts
# it: a development container's user is often root.
run: build
	@$(SERVER) --allow-root $(ARGS)

# Three servers over one throwaway PostgreSQL behind HAProxy on 127.0.0.1:8080 (scripts/cluster.sh);
# make cluster-down stops all of it.
cluster: build
	@scripts/install-deps.sh postgresql haproxy
	@scripts/cluster.sh up $(BUILD)

cluster-down:
	@scripts/cluster.sh down

# The lesson's remedies for a database call side by side, in one run (also make demo's last chapter).
cluster-demo: build
	@scripts/install-deps.sh postgresql
	@demo/remedies_chapter.sh $(BUILD) report

format:
	@clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	@rm -rf build

# The whole suite under a sanitizer: make test-asan, make test-tsan (CI runs TSan).
test-asan test-tsan: test-%: deps test-deps
	@cmake --preset $* >/dev/null
	@cmake --build --preset $*
	@ctest --preset $*

# A long fuzzing run: make fuzz FUZZ_SECONDS=3600
FUZZ_SECONDS ?= 600
fuzz: deps
	@scripts/fuzz.sh $(FUZZ_SECONDS)
