# Hyv's entry point. On a fresh Debian 12 machine:
#   make run    installs everything, builds, and starts Hyv Studio (http://127.0.0.1:$(PORT)/) on the
#               bundled models, with its data in ./hyv-data
#   make test   installs everything, builds, and runs every test
#   make run-ic the dapp on the local IC endpoint (canisters, web app, bundled models; docs/dapp.md)
BUILD ?= build
JOBS ?= $(shell nproc)
PORT ?= 8080
IC_PORT ?= 4943
DATA ?= hyv-data
FUZZ_SECONDS ?= 60
FUZZ ?=
ASAN_BUILD ?= build-asan
.PHONY: deps build web wasm canisters run run-ic test test-asan fuzz bench clean

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

# The dapp: the generator, two engines, the web app and a sign-in page on the local IC endpoint
# (tools/ic-local, in memory), the bundled models deployed with the agent; prints the URL.
run-ic: canisters web
	@node tools/ic-local/run.mjs --port $(IC_PORT) --canisters $(BUILD)/canisters

test: build web wasm canisters
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The native code and its tests built with AddressSanitizer and UndefinedBehaviorSanitizer (any
# report fails the test), then the native suite. Left out: tests that build wasm32 modules or
# canisters, or drive the web app (canister.*, ic_local.*, e2e.*, wasm.*, *wasm_parity*): what they check is
# the wasm32 code, which these sanitizers do not instrument; and cli.hostile_flags_test, which runs
# hyv under `ulimit -v`, where AddressSanitizer cannot map its shadow memory. See docs/fuzzing.md.
# GCC's -Wmaybe-uninitialized is unreliable with the sanitizers' instrumentation (GCC's manual says
# so): it flags libstdc++'s std::regex and std::function in four tests, so it is off here only.
HYV_SANITIZE_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
test-asan: deps
	@cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHYV_BUILD_BENCH=OFF \
	  -DCMAKE_CXX_FLAGS="$(HYV_SANITIZE_FLAGS) -Wno-maybe-uninitialized" \
	  -DCMAKE_EXE_LINKER_FLAGS="$(HYV_SANITIZE_FLAGS)" > /dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) -E '^(canister|e2e|wasm|ic_local)\.|wasm_parity|^cli\.hostile_flags_test$$'

# libFuzzer harnesses for every parser (fuzz/, docs/fuzzing.md), built with clang, each run for
# FUZZ_SECONDS on its corpus (FUZZ="csv schema" runs only those); prints executions and crashes.
fuzz: deps
	@cmake -S fuzz -B $(BUILD)/fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ > /dev/null
	@cmake --build $(BUILD)/fuzz -j $(JOBS)
	@fuzz/run.sh $(BUILD)/fuzz $(FUZZ_SECONDS) $(FUZZ)

bench: build
	@tools/install-deps.sh --dev
	@bench/run.sh

clean:
	rm -rf $(BUILD)
