# Hyv's entry point. On a fresh Debian 12 machine:
#   make run    installs everything, builds, and generates text with the bundled model
#   make test   installs everything, builds, and runs every test
BUILD ?= build
JOBS ?= $(shell nproc)
PROMPT ?= The
.PHONY: deps build wasm canisters run test bench clean

deps:
	@tools/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
	@cmake --build $(BUILD) -j $(JOBS)

# The engine core for wasm32-wasi and the test module that Node runs: $(BUILD)/wasm/hyv_engine_test.wasm.
wasm: deps
	@cmake -S hosts/wasm -B $(BUILD)/wasm -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
	@cmake --build $(BUILD)/wasm -j $(JOBS)

# The hyv_ai_engine canister for the Internet Computer (imports only ic0.*, shrunk, with its Candid
# interface embedded): $(BUILD)/canisters/hyv_ai_engine.wasm. See docs/canister.md.
canisters: deps
	@cmake -S hosts/canister -B $(BUILD)/canisters -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
	@cmake --build $(BUILD)/canisters -j $(JOBS)

run: build
	@$(BUILD)/hyv generate text --prompt "$(PROMPT)" --max-tokens 60 --seed 1

test: build wasm canisters
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: build
	@tools/install-deps.sh --dev
	@bench/run.sh

clean:
	rm -rf $(BUILD)
