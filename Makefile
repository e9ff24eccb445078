# Thin wrapper over CMake/CTest. Packages come from scripts/deps.sh only.
#   make / make build   configure (once) and build into $(BUILD_DIR)
#   make deps           install missing Debian packages (needs root or sudo)
#   make test           deps if missing, build, then every test (ctest)
#   make sanitize       ASan+UBSan build (build-asan): unit and a subset of the
#                       black-box tests, then each fuzzer for FUZZ_SECONDS
#   make demo           the deploy story end to end (scripts/demo.sh)
#   make bench          benchmarks (bench/run.sh)
#   make format         clang-format on src/ and tests/
#   make format-check   fail, naming the files, when any would be reformatted
#   make clean          stop a leftover test cluster, remove $(BUILD_DIR)
# Variables: BUILD_DIR, BUILD_TYPE, JOBS (build), CTEST_JOBS, CTEST_ARGS
# (e.g. make test CTEST_ARGS='-R blackbox').

BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CTEST_JOBS ?= 2
CTEST_ARGS ?=
CLANG_FORMAT ?= clang-format
MAKEFLAGS += --no-print-directory

.PHONY: all configure build deps test sanitize demo bench format format-check clean

all: build

# Configures only when there is no generated build system yet (also after a
# failed configure); later CMakeLists changes re-run it from the build itself.
configure:
	@if [ ! -f $(BUILD_DIR)/Makefile ] && [ ! -f $(BUILD_DIR)/build.ninja ]; then \
	  echo "cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)"; \
	  cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE); \
	fi

build: configure
	cmake --build $(BUILD_DIR) -j$(JOBS)

deps:
	bash scripts/deps.sh

# One recipe, in order, so that `make -j test` cannot build before deps.
test:
	bash scripts/deps.sh
	$(MAKE) build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j$(CTEST_JOBS) $(CTEST_ARGS)

sanitize:
	bash scripts/deps.sh
	bash scripts/sanitize.sh

demo:
	bash scripts/deps.sh
	$(MAKE) build
	bash scripts/demo.sh

bench:
	$(MAKE) build
	bash bench/run.sh

format:
	@command -v $(CLANG_FORMAT) >/dev/null || { echo "make format: $(CLANG_FORMAT) not found (apt-get install clang-format)" >&2; exit 1; }
	find src tests bench \( -name '*.cpp' -o -name '*.hpp' \) -print0 | xargs -0 -r $(CLANG_FORMAT) -i

format-check:
	@command -v $(CLANG_FORMAT) >/dev/null || { echo "make format-check: $(CLANG_FORMAT) not found (apt-get install clang-format)" >&2; exit 1; }
	@find src tests bench \( -name '*.cpp' -o -name '*.hpp' \) -print0 | xargs -0 -r $(CLANG_FORMAT) --dry-run --Werror \
	  || { echo "make format-check: run 'make format' and commit the result" >&2; exit 1; }

clean:
	bash scripts/pg_cluster.sh stop $(BUILD_DIR)/pgtest
	rm -rf $(BUILD_DIR)
