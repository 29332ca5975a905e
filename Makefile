# Thin wrapper around Meson: the two newcomer commands are `make demo` and
# `make check`. Everything a fresh Debian 12 machine lacks is installed by
# scripts/install-deps.sh first.

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FIXTURES   ?= $(CURDIR)/$(BUILD)/fixtures
MESON_OPTS ?=

.PHONY: all deps build asan check demo bench fuzz format format-check clean

all: build

deps:
	@scripts/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false \
		-Dbuildtype=debug $(MESON_OPTS)

build: $(BUILD)/build.ninja
	ninja -C $(BUILD)

asan: $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)

check: deps
	@$(MAKE) --no-print-directory build asan
	@tests/fixtures/build.sh $(FIXTURES)
	@tests/run-all.sh $(BUILD) $(ASAN_BUILD)

demo: deps build
	@scripts/demo.sh $(BUILD)

bench: deps build
	@bench/run.sh $(BUILD)

$(FUZZ_BUILD)/build.ninja:
	CC=clang meson setup $(FUZZ_BUILD) -Dfuzz=true -Db_sanitize=address,undefined \
		-Db_lundef=false -Dbuildtype=debug $(MESON_OPTS)

# Run every fuzz target for FUZZ_SECONDS each (default 60), growing the corpus.
fuzz: deps $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD)
	@tests/fuzz/run.sh $(FUZZ_BUILD) $${FUZZ_SECONDS:-60}

format:
	@git ls-files '*.c' '*.h' | xargs clang-format -i

format-check:
	@git ls-files '*.c' '*.h' | xargs clang-format --dry-run --Werror

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
