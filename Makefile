# roadmap: a git-native issue index. See README.md.
prefix = /usr/local
bindir = $(prefix)/bin
mandir = $(prefix)/share/man
CC = cc
CFLAGS = -g -O2
SANITIZE =
WARN = -Wall -Wextra -Wno-unused-parameter -Wdeclaration-after-statement
PKGS = libgit2 lmdb yaml-0.1 zlib libcurl jansson
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lgit2 -llmdb -lyaml -lz -lcurl -ljansson)
ALL_CFLAGS = -std=c99 -D_GNU_SOURCE -pthread -Ilib $(WARN) $(CFLAGS) $(SANITIZE) $(PKG_CFLAGS)
ALL_LDFLAGS = -pthread -Wl,--as-needed $(LDFLAGS) $(SANITIZE)
LIBS = $(PKG_LIBS) -lm
# the test files run two at a time (each in its own trash directory): the
# suite is mostly waiting on git and fsync; PROVE_OPTS= runs them one by one
PROVE_OPTS = -j2

PROGRAMS =
PROGRAMS += roadmap
PROGRAMS += roadmap-check
PROGRAMS += roadmap-close
PROGRAMS += roadmap-diff-index
PROGRAMS += roadmap-edit
PROGRAMS += roadmap-fetch
PROGRAMS += roadmap-fsck
PROGRAMS += roadmap-install-hooks
PROGRAMS += roadmap-list
PROGRAMS += roadmap-merge-base
PROGRAMS += roadmap-merge-file
PROGRAMS += roadmap-mv
PROGRAMS += roadmap-new
PROGRAMS += roadmap-refresh
PROGRAMS += roadmap-reindex
PROGRAMS += roadmap-set
PROGRAMS += roadmap-show
PROGRAMS += roadmap-status
PROGRAMS += roadmap-sync
PROGRAMS += roadmap-watch

LIB_OBJS =
LIB_OBJS += lib/actions.o
LIB_OBJS += lib/apply.o
LIB_OBJS += lib/atomicfile.o
LIB_OBJS += lib/baseline.o
LIB_OBJS += lib/blob.o
LIB_OBJS += lib/catfile.o
LIB_OBJS += lib/change.o
LIB_OBJS += lib/check.o
LIB_OBJS += lib/check_dups.o
LIB_OBJS += lib/compare.o
LIB_OBJS += lib/diff.o
LIB_OBJS += lib/dirremote.o
LIB_OBJS += lib/frontmatter.o
LIB_OBJS += lib/edit.o
LIB_OBJS += lib/fsck.o
LIB_OBJS += lib/layout.o
LIB_OBJS += lib/libgit.o
LIB_OBJS += lib/merge.o
LIB_OBJS += lib/newissue.o
LIB_OBJS += lib/gitactions.o
LIB_OBJS += lib/gitindex.o
LIB_OBJS += lib/ids.o
LIB_OBJS += lib/github.o
LIB_OBJS += lib/github_issue.o
LIB_OBJS += lib/heal.o
LIB_OBJS += lib/http.o
LIB_OBJS += lib/index.o
LIB_OBJS += lib/index_read.o
LIB_OBJS += lib/index_stats.o
LIB_OBJS += lib/issue.o
LIB_OBJS += lib/issue_path.o
LIB_OBJS += lib/output.o
LIB_OBJS += lib/odb.o
LIB_OBJS += lib/overlay.o
LIB_OBJS += lib/overlay_encode.o
LIB_OBJS += lib/overlay_sparse.o
LIB_OBJS += lib/packidx.o
LIB_OBJS += lib/postings.o
LIB_OBJS += lib/query.o
LIB_OBJS += lib/readahead.o
LIB_OBJS += lib/record.o
LIB_OBJS += lib/refresh.o
LIB_OBJS += lib/remotes.o
LIB_OBJS += lib/refreshstats.o
LIB_OBJS += lib/sha1.o
LIB_OBJS += lib/repo.o
LIB_OBJS += lib/rfile.o
LIB_OBJS += lib/rissue.o
LIB_OBJS += lib/run.o
LIB_OBJS += lib/strbuf.o
LIB_OBJS += lib/syncconflict.o
LIB_OBJS += lib/syncdb.o
LIB_OBJS += lib/sync.o
LIB_OBJS += lib/syncissue.o
LIB_OBJS += lib/syncjournal.o
LIB_OBJS += lib/syncmerge.o
LIB_OBJS += lib/treewalk.o
LIB_OBJS += lib/usage.o
LIB_OBJS += lib/watch.o
LIB_OBJS += lib/watchauto.o
LIB_OBJS += lib/watchcommit.o
LIB_OBJS += lib/watchd.o
LIB_OBJS += lib/watchdiff.o
LIB_OBJS += lib/watchjob.o
LIB_OBJS += lib/watchlog.o
LIB_OBJS += lib/write.o
LIB_OBJS += lib/xalloc.o
LIB_OBJS += lib/yamlquote.o

TEST_PROGRAMS =
TEST_PROGRAMS += t/helper/test-frontmatter
TEST_PROGRAMS += t/helper/test-github
TEST_PROGRAMS += t/helper/test-gitindex
TEST_PROGRAMS += t/helper/test-odb
TEST_PROGRAMS += t/helper/test-parse

DEPS = /usr/include/git2.h /usr/include/lmdb.h /usr/include/yaml.h /usr/include/zlib.h /usr/bin/prove \
	/usr/share/sharness/sharness.sh /usr/bin/mdb_dump /usr/bin/hyperfine /usr/bin/rg \
	/usr/lib/python3/dist-packages/yaml/__init__.py /usr/bin/pkg-config \
	/usr/bin/curl-config /usr/include/jansson.h /usr/bin/curl

all: $(PROGRAMS) $(TEST_PROGRAMS)

$(PROGRAMS): %: cmd/%.o libroadmap.a
	$(CC) $(ALL_LDFLAGS) -o $@ $< libroadmap.a $(LIBS)

# roadmap-merge-file is git's merge driver: git starts it once per file
# both branches changed, so its start is most of a merge's time. Linked
# statically (it needs libyaml and libc only) it starts in ~2 ms instead
# of ~5 (no ld.so, no relocations); dynamically under a sanitizer, or
# with MERGE_FILE_STATIC= where there is no static libyaml or libc.
MERGE_FILE_STATIC = $(if $(SANITIZE),,-static)
roadmap-merge-file: ALL_LDFLAGS += $(MERGE_FILE_STATIC)
roadmap-merge-file: LIBS = $(if $(MERGE_FILE_STATIC),-lyaml,$(PKG_LIBS) -lm)

$(TEST_PROGRAMS): %: %.o libroadmap.a
	$(CC) $(ALL_LDFLAGS) -o $@ $< libroadmap.a $(LIBS)

HOOKS = hooks/post-checkout hooks/post-commit hooks/post-merge hooks/post-rewrite hooks/pre-commit

cmd/hooks.h: $(HOOKS) hooks/gen-hooks-h.sh
	sh hooks/gen-hooks-h.sh $(HOOKS) >$@+ && mv $@+ $@

cmd/roadmap-install-hooks.o: cmd/hooks.h

libroadmap.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

%.o: %.c lib/*.h
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Install what the build, the tests and the benchmarks need (Debian).
deps:
	@missing=; for f in $(DEPS); do test -e $$f || missing=1; done; \
	if test -n "$$missing"; then \
		echo "installing build and test dependencies"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
			build-essential pkg-config git libgit2-dev liblmdb-dev libyaml-dev zlib1g-dev \
			lmdb-utils sharness hyperfine ripgrep python3 python3-yaml \
			libcurl4-openssl-dev libjansson-dev curl >/dev/null; \
	fi

# the longest first, so that none of them is left running alone at the end
SLOW_TESTS = t8000-crash.sh t3100-bad-input.sh t7040-hooks-misc.sh t5100-list-oracle.sh \
	t9110-sync-github.sh t7030-hooks-rebase.sh t7010-hooks-branch.sh
TESTS = $(SLOW_TESTS) $(filter-out $(SLOW_TESTS),$(notdir $(wildcard t/t[0-9]*.sh)))

test: deps
	$(MAKE) all
	cd t && prove $(PROVE_OPTS) $(TESTS)

test-sanitize: deps
	$(MAKE) clean
	$(MAKE) SANITIZE='-fsanitize=address,undefined -fno-omit-frame-pointer' CFLAGS='-g -O1' all
	cd t && ROADMAP_TEST_QUICK=1 ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/t/lsan.supp UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 prove $(PROVE_OPTS) $(TESTS)

# The long runs: 10,000 roadmap-new in each of two clones, 2,000 rounds of
# concurrent writers (not in make test: tens of minutes).
soak: deps
	$(MAKE) all
	cd t && ROADMAP_SOAK=1 prove $(PROVE_OPTS) t6100-set.sh t6200-new.sh t5360-watch-soak.sh

# The shape of the sources (lib/README): layers, no include circle, storage behind lib/index.
check-structure:
	python3 t/check-structure.py

demo: deps
	$(MAKE) all
	sh contrib/demo.sh

bench: deps
	$(MAKE) all
	sh t/perf/run.sh 1000 10000 100000
	sh t/perf/sync.sh 10000

bench-quick: deps
	$(MAKE) all
	PERF_BUDGET_MS=$${PERF_BUDGET_MS:-1000} PERF_BACKLOG_MAX=$${PERF_BACKLOG_MAX:-1000} \
		sh t/perf/run.sh 1000 10000

# Fuzzing (t/fuzz/, libFuzzer): not part of `make test`. Each target runs
# FUZZ_TIME seconds; `make -j2 fuzz` runs the two side by side. Objects are
# built apart, in t/fuzz/build/; new inputs go to t/fuzz/work/ (ignored).
FUZZ_CC ?= clang
FUZZ_TIME ?= 300
FUZZ_CFLAGS = -g -O1 -fno-omit-frame-pointer
FUZZ_SANITIZE = -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_ALL_CFLAGS = -std=c99 -D_GNU_SOURCE -Ilib -It/fuzz $(WARN) $(FUZZ_CFLAGS) $(FUZZ_SANITIZE) \
	$(shell pkg-config --cflags yaml-0.1 2>/dev/null)
FUZZ_LIBS = $(shell pkg-config --libs yaml-0.1 2>/dev/null || echo -lyaml)
FUZZ_OPTS = -timeout=5 -rss_limit_mb=2048 -print_final_stats=1

FUZZ_TARGETS =
FUZZ_TARGETS += t/fuzz/fuzz-parse
FUZZ_TARGETS += t/fuzz/fuzz-record
FUZZ_TARGETS += t/fuzz/fuzz-gitindex

FUZZ_LIB_OBJS =
FUZZ_LIB_OBJS += t/fuzz/build/gitindex.o
FUZZ_LIB_OBJS += t/fuzz/build/issue.o
FUZZ_LIB_OBJS += t/fuzz/build/output.o
FUZZ_LIB_OBJS += t/fuzz/build/record.o
FUZZ_LIB_OBJS += t/fuzz/build/strbuf.o
FUZZ_LIB_OBJS += t/fuzz/build/usage.o
FUZZ_LIB_OBJS += t/fuzz/build/xalloc.o

t/fuzz/build/%.o: lib/%.c lib/*.h | fuzz-deps
	@mkdir -p t/fuzz/build
	$(FUZZ_CC) $(FUZZ_ALL_CFLAGS) -c -o $@ $<

t/fuzz/build/fuzz-%.o: t/fuzz/fuzz-%.c t/fuzz/fuzz-check.h lib/*.h | fuzz-deps
	@mkdir -p t/fuzz/build
	$(FUZZ_CC) $(FUZZ_ALL_CFLAGS) -c -o $@ $<

$(FUZZ_TARGETS): t/fuzz/%: t/fuzz/build/%.o $(FUZZ_LIB_OBJS)
	$(FUZZ_CC) $(FUZZ_SANITIZE) -o $@ $^ $(FUZZ_LIBS)

# clang, and libFuzzer's runtime (its own package on Debian: libclang-rt-N-dev)
FUZZ_PROBE = printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' | \
	$(FUZZ_CC) -fsanitize=fuzzer -x c -o /dev/null - 2>/dev/null

fuzz-deps: deps
	@if ! $(FUZZ_PROBE); then \
		echo "installing clang and libFuzzer"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq clang >/dev/null && \
		if ! $(FUZZ_PROBE); then \
			v=$$($(FUZZ_CC) -dumpversion | cut -d. -f1) && \
			DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libclang-rt-$$v-dev >/dev/null; \
		fi; \
	fi

fuzz-build: $(FUZZ_TARGETS)

fuzz: fuzz-parse-run fuzz-record-run fuzz-gitindex-run

fuzz-parse-run: t/fuzz/fuzz-parse
	@mkdir -p t/fuzz/work/parse t/fuzz/work/artifacts
	UBSAN_OPTIONS=print_stacktrace=1 t/fuzz/fuzz-parse $(FUZZ_OPTS) -max_total_time=$(FUZZ_TIME) -dict=t/fuzz/yaml.dict \
		-artifact_prefix=t/fuzz/work/artifacts/parse- t/fuzz/work/parse t/fuzz/corpus/parse

fuzz-record-run: t/fuzz/fuzz-record
	@mkdir -p t/fuzz/work/record t/fuzz/work/artifacts
	UBSAN_OPTIONS=print_stacktrace=1 t/fuzz/fuzz-record $(FUZZ_OPTS) -max_total_time=$(FUZZ_TIME) \
		-artifact_prefix=t/fuzz/work/artifacts/record- t/fuzz/work/record t/fuzz/corpus/record

fuzz-gitindex-run: t/fuzz/fuzz-gitindex
	@mkdir -p t/fuzz/work/gitindex t/fuzz/work/artifacts
	UBSAN_OPTIONS=print_stacktrace=1 t/fuzz/fuzz-gitindex $(FUZZ_OPTS) -max_total_time=$(FUZZ_TIME) \
		-artifact_prefix=t/fuzz/work/artifacts/gitindex- t/fuzz/work/gitindex t/fuzz/corpus/gitindex

# Regenerate the record seeds from the parse seeds (normal build).
t/fuzz/mkrecord: t/fuzz/mkrecord.o libroadmap.a
	$(CC) $(ALL_LDFLAGS) -o $@ $< libroadmap.a $(LIBS)

fuzz-corpus: t/fuzz/mkrecord
	rm -f t/fuzz/corpus/record/*
	@mkdir -p t/fuzz/corpus/record
	for f in t/fuzz/corpus/parse/*; do \
		b=$${f##*/} && t/fuzz/mkrecord $$f t/fuzz/corpus/record/$${b%.md}.rec || exit 1; \
	done

install: all
	mkdir -p $(DESTDIR)$(bindir) $(DESTDIR)$(mandir)/man1 $(DESTDIR)$(mandir)/man7
	install -m 0755 $(PROGRAMS) $(DESTDIR)$(bindir)
	ln -sf roadmap $(DESTDIR)$(bindir)/git-roadmap
	install -m 0644 doc/*.1 $(DESTDIR)$(mandir)/man1
	install -m 0644 doc/*.7 $(DESTDIR)$(mandir)/man7

clean:
	rm -f $(PROGRAMS) $(TEST_PROGRAMS) libroadmap.a cmd/*.o lib/*.o t/helper/*.o cmd/hooks.h
	rm -rf t/trash\ directory.* t/test-results t/perf/repos
	rm -rf t/fuzz/build $(FUZZ_TARGETS) t/fuzz/mkrecord t/fuzz/mkrecord.o

.PHONY: all deps test test-sanitize soak check-structure demo bench bench-quick install clean \
	fuzz fuzz-deps fuzz-build fuzz-parse-run fuzz-record-run fuzz-corpus
