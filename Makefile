# The two commands of the README (make demo, make test) and a few more.
# Each installs missing Debian packages first (scripts/install-deps.sh), then builds.
PRESET ?= release
BUILD := build/$(PRESET)
SERVER := $(BUILD)/server/ranking-server
CLIENT := $(BUILD)/client/ranking-client
ARGS ?=

.PHONY: all deps test-deps build test demo run format clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	@cmake --preset $(PRESET) >/dev/null
	@cmake --build --preset $(PRESET)

# What only the tests need: promtool, a browser for the dashboard test, and npm for Playwright.
test-deps:
	@scripts/install-deps.sh prometheus chromium
	@command -v npm >/dev/null || scripts/install-deps.sh nodejs npm

test: build test-deps
	@ctest --preset $(PRESET)

demo: build
	@scripts/demo.sh $(BUILD)

# The server alone, in the foreground, on 127.0.0.1:8080 (admin 8081): make run ARGS=--blocking
run: build
	@$(SERVER) $(ARGS)

format:
	@clang-format -i $$(git ls-files '*.cpp' '*.hpp')

clean:
	@rm -rf build
