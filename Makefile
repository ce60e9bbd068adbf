# Hyv's entry point. On a fresh Debian 12 machine:
#   make run    installs everything, builds, and starts Hyv Studio (http://127.0.0.1:$(PORT)/) on the
#               bundled models, with its data in ./hyv-data
#   make test   installs everything, builds, and runs every test
BUILD ?= build
JOBS ?= $(shell nproc)
PORT ?= 8080
DATA ?= hyv-data
.PHONY: deps build web wasm canisters run test bench clean

deps:
	@tools/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# The studio's web app (React + TypeScript, web/), built into web/dist, which `hyv serve` serves.
web: deps
	@cd web && npm run --silent build

# The engine core for wasm32-wasi and the test module that Node runs: $(BUILD)/wasm/hyv_engine_test.wasm.
wasm: deps
	@cmake -S hosts/wasm -B $(BUILD)/wasm -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
	@cmake --build $(BUILD)/wasm -j $(JOBS)

# The hyv_ai_engine canister for the Internet Computer (imports only ic0.*, shrunk, with its Candid
# interface embedded): $(BUILD)/canisters/hyv_ai_engine.wasm. See docs/canister.md.
canisters: deps
	@cmake -S hosts/canister -B $(BUILD)/canisters -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
	@cmake --build $(BUILD)/canisters -j $(JOBS)

run: build web
	@$(BUILD)/hyv serve --port $(PORT) --data $(DATA)

test: build web wasm canisters
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: build
	@tools/install-deps.sh --dev
	@bench/run.sh

clean:
	rm -rf $(BUILD)
