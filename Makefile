# libprana_webhook: build, header, tests and install.
#
#   make lib                 release build of libprana_webhook.{a,so}
#   make header              regenerate include/prana_webhook.h with cbindgen
#   make check-header        fail if the checked-in header is stale
#   make test-c              C tests (plain build) and the C++17 TU
#   make test-asan           C tests under AddressSanitizer + UBSan
#   make test-valgrind       C tests under valgrind (errors and leaks fail)
#   make test-go             go vet and go test -race in go/ (in-tree library)
#   make go-dev-pc           target/pkgconfig/prana_webhook.pc for the in-tree library
#   make install PREFIX=...  header, libs and prana_webhook.pc into PREFIX
#   make uninstall PREFIX=...
#
# CARGO_TARGET_DIR may be set in the environment; the default is ./target.

PREFIX     ?= /usr/local
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
CARGO      ?= cargo
CBINDGEN   ?= cbindgen
GO         ?= go

CARGO_TARGET_DIR ?= $(CURDIR)/target
export CARGO_TARGET_DIR
RELEASE_DIR := $(CARGO_TARGET_DIR)/release
STATIC_LIB  := $(RELEASE_DIR)/libprana_webhook.a
SHARED_LIB  := $(RELEASE_DIR)/libprana_webhook.so
HEADER      := include/prana_webhook.h
# What a program linking the static library needs besides libc
# (`cargo rustc -- --print native-static-libs`).
NATIVE_LIBS := -lpthread -ldl -lm -lrt -lutil

VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
MAJOR   := $(firstword $(subst ., ,$(VERSION)))

.PHONY: all lib header check-header test-c test-asan test-valgrind test-go \
        go-dev-pc install uninstall clean-c

all: lib

lib:
	$(CARGO) build --release -p prana-webhook-ffi

# cbindgen reads the macro-expanded crate (the status table is a macro);
# expansion needs -Zunpretty=expanded, allowed on stable by RUSTC_BOOTSTRAP.
CBINDGEN_ENV := RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR=$(CARGO_TARGET_DIR)/cbindgen

header:
	$(CBINDGEN_ENV) $(CBINDGEN) --quiet --config ffi/cbindgen.toml --crate prana-webhook-ffi \
	    --output $(HEADER) ffi

check-header:
	@tmp=$$(mktemp) && \
	$(CBINDGEN_ENV) $(CBINDGEN) --quiet --config ffi/cbindgen.toml --crate prana-webhook-ffi \
	    --output $$tmp ffi && \
	if diff -u $(HEADER) $$tmp; then echo "header is fresh"; rm -f $$tmp; \
	else echo "$(HEADER) is stale: run 'make header'" >&2; rm -f $$tmp; exit 1; fi

test-c: lib
	$(MAKE) -C tests/c run cxx LIB=$(STATIC_LIB)

test-asan: lib
	$(MAKE) -C tests/c asan LIB=$(STATIC_LIB)

test-valgrind: lib
	$(MAKE) -C tests/c valgrind LIB=$(STATIC_LIB)

# The Go binding links through pkg-config (prana_webhook). This .pc points
# at the in-tree header and links the static library by path, so binaries
# built against it need no LD_LIBRARY_PATH.
DEV_PC_DIR := $(CARGO_TARGET_DIR)/pkgconfig
go-dev-pc: lib
	install -d $(DEV_PC_DIR)
	printf '%s\n' \
	    'Name: prana_webhook' \
	    'Description: Prana webhook wait/resume library (in-tree build)' \
	    'Version: $(VERSION)' \
	    'Cflags: -I$(CURDIR)/include' \
	    'Libs: $(STATIC_LIB) $(NATIVE_LIBS)' \
	    > $(DEV_PC_DIR)/prana_webhook.pc

test-go: go-dev-pc
	cd go && PKG_CONFIG_PATH=$(DEV_PC_DIR) CGO_ENABLED=1 $(GO) vet ./... && \
	    PKG_CONFIG_PATH=$(DEV_PC_DIR) CGO_ENABLED=1 $(GO) test -race -count=1 ./...

install: lib
	install -d $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PKGCONFIGDIR)
	install -m 644 $(HEADER) $(DESTDIR)$(INCLUDEDIR)/prana_webhook.h
	install -m 644 $(STATIC_LIB) $(DESTDIR)$(LIBDIR)/libprana_webhook.a
	install -m 755 $(SHARED_LIB) $(DESTDIR)$(LIBDIR)/libprana_webhook.so.$(VERSION)
	ln -sf libprana_webhook.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libprana_webhook.so.$(MAJOR)
	ln -sf libprana_webhook.so.$(MAJOR) $(DESTDIR)$(LIBDIR)/libprana_webhook.so
	printf '%s\n' \
	    'prefix=$(PREFIX)' \
	    'libdir=$(LIBDIR)' \
	    'includedir=$(INCLUDEDIR)' \
	    '' \
	    'Name: prana_webhook' \
	    'Description: Prana webhook wait/resume library (C ABI)' \
	    'Version: $(VERSION)' \
	    'Cflags: -I$${includedir}' \
	    'Libs: -L$${libdir} -lprana_webhook' \
	    'Libs.private: $(NATIVE_LIBS)' \
	    > $(DESTDIR)$(PKGCONFIGDIR)/prana_webhook.pc

uninstall:
	rm -f $(DESTDIR)$(INCLUDEDIR)/prana_webhook.h \
	      $(DESTDIR)$(LIBDIR)/libprana_webhook.a \
	      $(DESTDIR)$(LIBDIR)/libprana_webhook.so \
	      $(DESTDIR)$(LIBDIR)/libprana_webhook.so.$(MAJOR) \
	      $(DESTDIR)$(LIBDIR)/libprana_webhook.so.$(VERSION) \
	      $(DESTDIR)$(PKGCONFIGDIR)/prana_webhook.pc

clean-c:
	$(MAKE) -C tests/c clean
	$(MAKE) -C examples-c clean

# The README's first command: build the library and prana-gateway, run the
# approval workflow end to end over HTTP (scripts/demo.sh; exit 0 only if
# every step checked out).
.PHONY: demo
demo:
	bash scripts/demo.sh
