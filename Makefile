# pinblame - who pinned the page that broke the allocation.
#
#   make            build ./pinblame
#   make demo       install missing packages, build, import the bundled capture
#   make check      install missing packages, build, run every test (also
#                   under ASan+UBSan, and each fuzz target briefly)
#   make bench      import benchmark against baselines (ratios in one run)
#   make fuzz       run every libFuzzer target (FUZZ_SECONDS each)
#   make e2e        record on a real kernel under qemu, then import and blame
#   make bench-bpf  record --bpf's overhead on a GUP loop under qemu (ratios)
#   make install    PREFIX=/usr/local (program, man pages, completion)
#   make deb        the Debian package, in build-deb/
#   make static-record  self-contained pinblame for aarch64 and this machine
#
# BUILD=dir keeps objects apart (e.g. BUILD=build-asan SAN=1); the program is
# ./pinblame for the default build, BUILD/pinblame otherwise.

CC ?= cc
BUILD ?= build
PREFIX ?= /usr/local
FUZZ_SECONDS ?= 300
CHECK_FUZZ_SECONDS ?= 10
# The version, in one place: the program (-DPB_VERSION), the man pages'
# footer and the Debian package (debian/changelog, checked by t9001) read it.
VERSION := $(shell cat VERSION)

PKGS := libtraceevent libtracefs libtracecmd jansson sqlite3 zlib liblzma libzstd
# Debian packages that provide the pkg-config modules above: all that
# 'make demo' needs. 'make check' adds the test tools (chromium renders the
# HTML report in the end-to-end tests).
DEMO_PKGS := gcc make pkg-config libtraceevent-dev libtracefs-dev libtracecmd-dev \
	libjansson-dev libsqlite3-dev zlib1g-dev liblzma-dev libzstd-dev
DEB_PKGS := $(DEMO_PKGS) \
	libcmocka-dev scdoc clang libclang-rt-14-dev xz-utils zstd gzip \
	perl sqlite3 python3 chromium libbpf-dev bpftool libelf-dev trace-cmd

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wno-unused-parameter
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE -DPB_VERSION='"$(VERSION)"' -Iinclude $(WARN) -g
OPT_CFLAGS ?= -O2
ifdef SAN
OPT_CFLAGS := -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all
SAN_LDFLAGS := -fsanitize=address,undefined
endif
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -lpthread
# STATIC=1 (make static-record): no libtracecmd.a in Debian, a stub instead
ifdef STATIC
PKG_LIBS = -static $(shell pkg-config --static --libs $(filter-out libtracecmd,$(PKGS)) \
	2>/dev/null) -lm -lpthread
STATIC_OBJS := $(BUILD)/contrib/static/tracecmd_stub.o
endif
# record --bpf: the BPF object (lib/capture/bpf/pinblame.bpf.c) is compiled
# by clang against a vmlinux.h that bpftool writes from this machine's BTF
# (CO-RE: the object then loads on any kernel with BTF) and embedded in the
# program through a bpftool skeleton. BPF=auto builds it when clang,
# bpftool, libbpf and BTF are all here, and says why not otherwise (the
# program then refuses --bpf); BPF=1 makes their absence an error, BPF=0
# leaves it out. The static builds leave it out (no BTF of the target).
BPF ?= $(if $(STATIC),0,auto)
BPFTOOL ?= $(or $(shell command -v bpftool 2>/dev/null),$(wildcard /usr/sbin/bpftool))
BPF_CLANG ?= clang
BPF_BTF ?= /sys/kernel/btf/vmlinux
BPF_ARCH := $(patsubst aarch64,arm64,$(patsubst x86_64,x86,$(firstword $(subst -, ,$(shell $(CC) -dumpmachine)))))
BPF_MISSING := $(if $(shell command -v $(BPFTOOL) 2>/dev/null),,bpftool) \
	$(if $(shell command -v $(BPF_CLANG) 2>/dev/null),,$(BPF_CLANG)) \
	$(if $(shell pkg-config --exists libbpf 2>/dev/null && echo y),,libbpf-dev) \
	$(if $(wildcard $(BPF_BTF)),,BTF ($(BPF_BTF)))
ifeq ($(BPF),auto)
BPF := $(if $(strip $(BPF_MISSING)),0,1)
ifneq ($(BPF),1)
$(info record --bpf left out of this build: missing $(strip $(BPF_MISSING)) (make deps installs the packages))
endif
endif
ifeq ($(BPF),1)
ifneq ($(strip $(BPF_MISSING)),)
$(error BPF=1 but missing $(strip $(BPF_MISSING)): install libbpf-dev bpftool clang (make deps); BTF needs a kernel with CONFIG_DEBUG_INFO_BTF=y)
endif
BPF_DIR := $(BUILD)/lib/capture/bpf
BPF_CFLAGS := -DPB_HAVE_BPF -I$(BPF_DIR) $(shell pkg-config --cflags libbpf)
PKG_LIBS += $(shell pkg-config $(if $(STATIC),--static) --libs libbpf)
# a static libbpf needs libelf.a, whose trixie build lacks two functions
ifdef STATIC
STATIC_OBJS += $(BUILD)/contrib/static/libelf_search_stub.o
endif
# vmlinux.h comes from this machine's BTF; a program for another
# architecture (make static-aarch64 BPF=1 on x86) gets the few arm64 types
# the kprobe argument macros need from pinblame.bpf.c itself.
BPF_FOREIGN := $(if $(filter $(BPF_ARCH),$(patsubst aarch64,arm64,$(patsubst x86_64,x86,$(shell uname -m)))),,-DPB_BPF_FOREIGN_VMLINUX)
endif
ALL_CFLAGS = $(BASE_CFLAGS) $(OPT_CFLAGS) $(PKG_CFLAGS) $(BPF_CFLAGS) $(CPPFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SAN_LDFLAGS) $(LDFLAGS)

LIB_SRCS := $(sort $(wildcard lib/*/*.c))
CMD_SRCS := $(sort $(wildcard cmd/*.c))
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRCS := $(sort $(wildcard fuzz/fuzz_*.c))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
CMD_OBJS := $(CMD_SRCS:%.c=$(BUILD)/%.o)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
HEADERS := $(wildcard include/pinblame/*.h) $(wildcard lib/*/*.h)
LIBA := $(BUILD)/libpinblame.a
PROG := $(if $(filter build,$(BUILD)),pinblame,$(BUILD)/pinblame)
MAN_SRCS := $(wildcard man/*.scd)
MAN_PAGES := $(MAN_SRCS:%.scd=%)

.PHONY: all deps deps-demo demo check unit cli check-static check-asan check-fuzz fuzz bench e2e bench-bpf \
	install clean man deb static-record static-aarch64 static-x86_64
.SUFFIXES:

all: $(PROG) man

$(BUILD)/%.o: %.c $(HEADERS) VERSION
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

ifeq ($(BPF),1)
$(BPF_DIR)/vmlinux.h:
	@mkdir -p $(dir $@)
	$(BPFTOOL) btf dump file $(BPF_BTF) format c > $@.tmp && mv $@.tmp $@
$(BPF_DIR)/pinblame.bpf.o: lib/capture/bpf/pinblame.bpf.c lib/capture/bpf/record.h $(BPF_DIR)/vmlinux.h
	$(BPF_CLANG) -g -O2 -target bpf -D__TARGET_ARCH_$(BPF_ARCH) $(BPF_FOREIGN) -Wall -Werror \
		-I$(BPF_DIR) -Ilib/capture/bpf -c -o $@ $<
$(BPF_DIR)/pinblame.skel.h: $(BPF_DIR)/pinblame.bpf.o
	$(BPFTOOL) gen skeleton $< name pinblame_bpf > $@.tmp && mv $@.tmp $@
$(BUILD)/lib/capture/bpf.o $(BUILD)/lib/capture/bpf_attach.o: $(BPF_DIR)/pinblame.skel.h
endif
$(patsubst %.c,$(BUILD)/%.o,$(wildcard lib/capture/bpf*.c)): lib/capture/bpf/record.h

$(LIBA): $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(PROG): $(CMD_OBJS) $(LIBA) $(STATIC_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $(CMD_OBJS) $(STATIC_OBJS) $(LIBA) $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags cmocka) -o $@ $< $(LIBA) \
		$(ALL_LDFLAGS) $(PKG_LIBS) $(shell pkg-config --libs cmocka)

# Man pages: scdoc sources, rendered when scdoc is present (through a
# temporary file, so that a page scdoc rejects is not left half written).
man: $(MAN_PAGES)
# The footer names the version: scdoc's title line takes it as its second field.
man/%: man/%.scd VERSION
	@if command -v scdoc >/dev/null; then \
		sed '1s/^\([a-z-]*([0-9])\).*/\1 "pinblame $(VERSION)"/' $< | scdoc > $@.tmp \
		&& mv $@.tmp $@; fi

# install-missing PACKAGE...: apt-get installs those not installed (root or sudo).
define install-missing
	@missing=""; for p in $(1); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' \
			|| missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
endef

# Installs the Debian packages that are missing (needs root or sudo):
# those of make check (deps), or only those of make demo (deps-demo).
deps: PKGS_WANTED = $(DEB_PKGS)
deps-demo: PKGS_WANTED = $(DEMO_PKGS)
deps deps-demo:
	$(call install-missing,$(PKGS_WANTED))

demo: deps-demo
	@$(MAKE) --no-print-directory all
	@tests/demo.sh ./pinblame

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do \
		PB_TESTDATA=$(CURDIR)/testdata $$t; done
	@# the portable SHA-256 too, where the CPU has SHA-NI
	@PINBLAME_NO_SHANI=1 $(BUILD)/tests/test_core

cli: $(PROG)
	PINBLAME=$(CURDIR)/$(PROG) PB_TESTDATA=$(CURDIR)/testdata \
		prove -j2 tests/cli/t*.sh

check: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory check-static
	@$(MAKE) --no-print-directory unit cli
	@$(MAKE) --no-print-directory check-asan
	@$(MAKE) --no-print-directory check-fuzz
	@echo "make check: all passed"

# The host's static pinblame of 'make static-record' (t9004 runs it): a
# libtracecmd function that tracedat.c starts to call and the stub lacks
# fails here, not later in 'make e2e' or a user's 'make static-record'.
check-static:
	@$(MAKE) --no-print-directory BUILD=$(STATIC_DIR)/$(HOST_ARCH) STATIC=1 \
		$(STATIC_DIR)/$(HOST_ARCH)/pinblame > /dev/null

# The whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer.
check-asan:
	@LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
		$(MAKE) --no-print-directory BUILD=build-asan SAN=1 CC=clang \
		build-asan/pinblame unit cli
	@echo "sanitizer run: all passed"

# Each libFuzzer target for a short, bounded time over its seed corpus.
check-fuzz:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(CHECK_FUZZ_SECONDS)

FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=build-fuzz/%.o)
FUZZ_BINS := $(FUZZ_SRCS:fuzz/%.c=build-fuzz/%)
FUZZ_CFLAGS := $(BASE_CFLAGS) -O1 -fno-omit-frame-pointer \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
build-fuzz/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) $(PKG_CFLAGS) -c -o $@ $<
build-fuzz/fuzz_%: fuzz/fuzz_%.c $(wildcard fuzz/*.h) $(FUZZ_LIB_OBJS)
	clang $(FUZZ_CFLAGS) $(PKG_CFLAGS) -fsanitize=fuzzer,address,undefined \
		-o $@ $< $(FUZZ_LIB_OBJS) $(PKG_LIBS)
fuzz: $(FUZZ_BINS)
	@set -e; for f in $(FUZZ_BINS); do \
		name=$${f#build-fuzz/}; corpus=fuzz/corpus/$${name#fuzz_}; \
		work=build-fuzz/corpus-$${name#fuzz_}; mkdir -p $$work; \
		echo "fuzz: $$name for $(FUZZ_SECONDS)s"; \
		LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
		$$f -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -rss_limit_mb=1024 \
			-timeout=10 -print_final_stats=0 $$work $$corpus \
			> build-fuzz/$$name.log 2>&1 \
			|| { tail -40 build-fuzz/$$name.log; exit 1; }; \
		grep -E '^(#[0-9]+.*DONE|Done)' build-fuzz/$$name.log | tail -1; \
	done

bench: all
	@bench/run.sh $(PROG)

e2e: all
	@PINBLAME=$(CURDIR)/$(PROG) tests/e2e/run.sh

# The e2e guests running the GUP loop of tests/e2e/gupbench.c with no
# tracing, under record --probe-gup and under record --bpf (bench/README.md)
bench-bpf: all
	@PB_E2E_BENCH=1 PINBLAME=$(CURDIR)/$(PROG) tests/e2e/run.sh

# Completion goes where bash-completion and zsh look under PREFIX: zsh's
# vendor directory for a distribution's /usr, site-functions otherwise.
BASH_COMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSH_COMPDIR ?= $(PREFIX)/share/zsh/$(if $(filter /usr,$(PREFIX)),vendor-completions,site-functions)
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(BASH_COMPDIR) $(DESTDIR)$(ZSH_COMPDIR)
	install -m 755 $(PROG) $(DESTDIR)$(PREFIX)/bin/pinblame
	for m in $(MAN_PAGES); do install -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man1/; done
	install -m 644 contrib/completion/pinblame.bash $(DESTDIR)$(BASH_COMPDIR)/pinblame
	install -m 644 contrib/completion/pinblame.zsh $(DESTDIR)$(ZSH_COMPDIR)/_pinblame

# make deb: the Debian package, built by dpkg-buildpackage in a copy of the
# tree (its clean step runs 'make clean'), checked by lintian; the .deb is
# left in $(DEB_DIR)/ for tests/cli/t9001-deb.sh.
DEB_DIR := build-deb
DEB_TOOLS := dpkg-dev debhelper fakeroot lintian pkg-config scdoc libcmocka-dev \
	libtraceevent-dev libtracefs-dev libtracecmd-dev libjansson-dev \
	libsqlite3-dev zlib1g-dev liblzma-dev libzstd-dev
deb:
	$(call install-missing,$(DEB_TOOLS))
	@rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/pinblame-$(VERSION)
	@git ls-files -z --cached --others --exclude-standard | \
		tar -c --null -T - --ignore-failed-read 2>/dev/null | \
		tar -x -C $(DEB_DIR)/pinblame-$(VERSION)
	@t0=$$(date +%s); \
	(cd $(DEB_DIR)/pinblame-$(VERSION) && dpkg-buildpackage -b -us -uc) \
		> $(DEB_DIR)/build.log 2>&1 || { tail -30 $(DEB_DIR)/build.log; exit 1; }; \
	echo "deb: $$(ls $(DEB_DIR)/pinblame_$(VERSION)_*.deb) built in $$(( $$(date +%s) - t0 )) s" \
		"(log: $(DEB_DIR)/build.log)"
	lintian --fail-on error $(DEB_DIR)/pinblame_$(VERSION)_*.deb

# make static-record: pinblame for a board or phone with nothing installed,
# one static binary per architecture in $(STATIC_DIR)/ARCH/pinblame: this
# machine's and aarch64's (cross-compiled against Debian 12's arm64
# libraries, which contrib/static/sysroot.sh downloads). Debian ships a .a
# of every library but libtracecmd: these binaries do everything but read
# trace.dat (contrib/static/tracecmd_stub.c says so when asked to).
# Checked here: 'file' says statically linked, and each runs --version and
# 'record --help' (aarch64 under qemu-user).
STATIC_DIR := build-static
HOST_ARCH := $(shell uname -m)
STATIC_SYSROOT ?= $(or $(PB_E2E_CACHE),tests/e2e/cache)/arm64-sysroot
STATIC_TOOLS := file qemu-user-static debootstrap gcc-aarch64-linux-gnu \
	binutils-aarch64-linux-gnu libc6-dev pkg-config libtraceevent-dev \
	libtracefs-dev libtracecmd-dev libjansson-dev libsqlite3-dev zlib1g-dev \
	liblzma-dev libzstd-dev
static-record:
	$(call install-missing,$(STATIC_TOOLS))
	@$(MAKE) --no-print-directory BUILD=$(STATIC_DIR)/$(HOST_ARCH) STATIC=1 \
		$(STATIC_DIR)/$(HOST_ARCH)/pinblame
ifneq ($(HOST_ARCH),aarch64)
	@contrib/static/sysroot.sh $(STATIC_SYSROOT)
	@$(MAKE) --no-print-directory static-aarch64 SYSROOT=$(CURDIR)/$(STATIC_SYSROOT)/root
endif
	@for arch in $(sort $(HOST_ARCH) aarch64); do \
		bin=$(STATIC_DIR)/$$arch/pinblame; run=; \
		[ $$arch = $(HOST_ARCH) ] || run=qemu-$$arch-static; \
		file -b $$bin | grep -q 'statically linked' || { file $$bin; exit 1; }; \
		$$run $$bin --version > /dev/null && $$run $$bin record --help > /dev/null || exit 1; \
		echo "static-record: $$bin: $$(file -b $$bin | cut -d, -f1,2,4), $$(du -h $$bin | cut -f1)"; \
	done

# The aarch64 one alone, against the arm64 headers and libraries in SYSROOT
# (an unpacked Debian arm64 root; tests/e2e/run.sh passes its guest's).
static-aarch64:
	@test -d "$(SYSROOT)/usr/lib/aarch64-linux-gnu" || { echo "static-aarch64: set SYSROOT"; exit 2; }
	PKG_CONFIG_LIBDIR=$(SYSROOT)/usr/lib/aarch64-linux-gnu/pkgconfig:$(SYSROOT)/usr/share/pkgconfig \
	PKG_CONFIG_SYSROOT_DIR=$(SYSROOT) \
		$(MAKE) --no-print-directory BUILD=$(STATIC_DIR)/aarch64 STATIC=1 \
		CC="aarch64-linux-gnu-gcc --sysroot=$(SYSROOT)" $(STATIC_DIR)/aarch64/pinblame

# The x86_64 one against the amd64 headers and libraries in SYSROOT, with
# this machine's gcc (tests/e2e/run.sh with PB_E2E_ARCH=amd64 passes its
# guest's root: the guest's libtracefs and libbpf, not this machine's).
static-x86_64:
	@test -d "$(SYSROOT)/usr/lib/x86_64-linux-gnu" || { echo "static-x86_64: set SYSROOT"; exit 2; }
	PKG_CONFIG_LIBDIR=$(SYSROOT)/usr/lib/x86_64-linux-gnu/pkgconfig:$(SYSROOT)/usr/share/pkgconfig \
	PKG_CONFIG_SYSROOT_DIR=$(SYSROOT) \
		$(MAKE) --no-print-directory BUILD=$(STATIC_DIR)/x86_64 STATIC=1 \
		CC="gcc --sysroot=$(SYSROOT)" $(STATIC_DIR)/x86_64/pinblame

clean:
	rm -rf build build-asan build-fuzz $(DEB_DIR) $(STATIC_DIR) pinblame $(MAN_PAGES)
