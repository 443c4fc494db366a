# The README's two commands: `make demo` and `make test`.
BUILD      ?= build
TEST_BUILD ?= build-test
FUZZ_BUILD ?= build-fuzz
FUZZ_TIME  ?= 300
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all demo test deps build build-test bench fuzz fuzz-build fuzz-smoke format clean

all: build

build:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	./$(BUILD)/synack demo

deps:
	bash scripts/deps.sh

build-test: deps
	cmake -S . -B $(TEST_BUILD) -DCMAKE_BUILD_TYPE=Debug -DSYNACK_SANITIZE=ON >/dev/null
	cmake --build $(TEST_BUILD) -j $(JOBS)

# Every test under ASan+UBSan, then the demo under valgrind on a plain build (valgrind and the
# sanitizers do not mix).
test: build-test
	cd $(TEST_BUILD) && ctest --output-on-failure -j $(JOBS) -LE valgrind
	$(MAKE) build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -L valgrind
	@if command -v clang >/dev/null 2>&1; then $(MAKE) fuzz-smoke; \
	else echo "fuzz: no clang here, the fuzz smoke runs are skipped"; fi

# libFuzzer targets (fuzz/), built with clang: `make test` runs each on a fixed number of seeded
# inputs; `make fuzz` fuzzes each for FUZZ_TIME seconds, keeping what it finds in $(FUZZ_BUILD).
fuzz-build:
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DSYNACK_FUZZ=ON -DSYNACK_BENCH=OFF \
		-DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_wire fuzz_stack

fuzz-smoke: fuzz-build
	cd $(FUZZ_BUILD) && ctest --output-on-failure -L fuzz

fuzz: fuzz-build
	for t in fuzz_wire fuzz_stack; do \
		mkdir -p $(FUZZ_BUILD)/fuzz/found-$$t && \
		$(FUZZ_BUILD)/fuzz/$$t -max_total_time=$(FUZZ_TIME) -max_len=4096 \
			$(FUZZ_BUILD)/fuzz/found-$$t fuzz/corpus/$$t || exit 1; \
	done

# Benchmarks (bench/README.md): synack and lwIP side by side on an optimised build, medians and
# their ratio. BENCH_ARGS go to bench/run.sh, e.g. BENCH_ARGS="--bytes 1G --runs 9". lwIP comes
# from `scripts/deps.sh bench`; without it (not root), synack runs alone.
BENCH_ARGS ?=
bench:
	bash scripts/deps.sh bench || echo "bench: could not install liblwip-dev; lwIP is left out"
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j $(JOBS) --target benchmarks
	bash bench/run.sh --build $(BUILD) $(BENCH_ARGS)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(TEST_BUILD) $(FUZZ_BUILD)
