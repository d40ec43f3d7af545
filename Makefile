# SPDX-License-Identifier: GPL-2.0
#
# tbib: USB4/Thunderbolt ports of several PCs as one InfiniBand HCA.
#
#   make            tbib.ko for the newest installed kernel + tbibctl
#   make check      install deps, build, unit tests, VM tests on every kernel
#   make deps       only install the deps (packages, newest kernel's root)
#   make demo       two VMs, four links, perftest through tbib0
#   make bench      benchmarks into bench/results/
#   make netlink-gen  regenerate the netlink uapi header and kernel tables
#                   from netlink/tbib.yaml (the kernel's YNL generator)
#
# KVER= picks the kernel to build for (scripts/kernels.sh lists them),
# KERNELS= the kernels that check uses (FULL_KERNELS= those of them that
# run every VM test), T= one test.  KDIR= builds against a kernel tree
# of your own instead, with the host's tools.

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
KERNELS ?= $(shell $(TOP)/scripts/kernels.sh)
KVER ?= $(shell $(TOP)/scripts/kernels.sh newest)
KDIR ?=
# kernels from a build root (scripts/kroot.sh) build inside it
KRUN := $(if $(KDIR),,$(TOP)/scripts/kernels.sh run $(KVER))
KBUILD_DIR := $(or $(KDIR),/lib/modules/$(KVER)/build)
BUILD := $(TOP)/build
KSRC_DIRS := kmod bond rail netlink
W ?= 1

.PHONY: all module modules tbibctl tools deps check unit demo bench clean \
	install dkms-install sparse need-kernel check-run demo-run bench-run \
	netlink-gen

all: module tbibctl

need-kernel:
	@if [ -n "$(KDIR)" ]; then \
		[ -f "$(KDIR)/Makefile" ] || { \
			echo "tbib: KDIR=$(KDIR) is not a kernel build tree" >&2; exit 1; }; \
	elif [ -z "$(KVER)" ] || ! $(TOP)/scripts/kernels.sh root "$(KVER)" >/dev/null; then \
		echo "tbib: no kernel headers found for '$(KVER)'." >&2; \
		echo "tbib: install them: apt-get install linux-headers-amd64 (or run 'make deps')" >&2; \
		exit 1; \
	fi
	@command -v gcc >/dev/null || { echo "tbib: no C compiler: apt-get install gcc make" >&2; exit 1; }

# Kbuild writes objects next to the sources, so every kernel gets its own
# copy of the tree (timestamps kept, so rebuilds stay incremental).
module: need-kernel
	@$(TOP)/scripts/sync-ksrc.sh $(TOP) $(BUILD)/$(KVER) $(KSRC_DIRS)
	@ln -sfn ../tools $(BUILD)/$(KVER)/guest-tools
	$(KRUN) $(MAKE) -C $(KBUILD_DIR) M=$(BUILD)/$(KVER) W=$(W) $(if $(C),C=$(C)) modules
	@echo "tbib: built $(BUILD)/$(KVER)/tbib.ko"

modules:
	@set -e; for k in $(KERNELS); do $(MAKE) -s module KVER=$$k; done

sparse:
	$(MAKE) module C=2

tbibctl:
	@if [ -f $(TOP)/tbibctl/Makefile ]; then $(MAKE) -C $(TOP)/tbibctl; fi

# Userspace test programs that run inside the VMs (built on the host; the
# guests use the host's libraries).
tools:
	@if [ -f $(TOP)/tests/tools/Makefile ]; then \
		$(MAKE) -C $(TOP)/tests/tools OUT=$(BUILD)/tools; fi

deps:
	@$(TOP)/scripts/deps.sh

# netlink/uapi/tbib.h and netlink/tbib-nl-gen.[ch] from netlink/tbib.yaml,
# by tools/net/ynl/ynl-gen-c.py of linux-source-6.12 (extracted into
# build/ynl/, the package installed if missing).  Commit the result: make
# check fails while the committed files differ (netlink/check-gen.sh).
netlink-gen:
	@$(TOP)/netlink/gen.sh

unit:
	$(MAKE) -C $(TOP)/tests/unit run

# The targets below first install what is missing, then re-run make so
# that KERNELS/KVER are computed after the kernels are installed.
check demo bench:
	@$(TOP)/scripts/deps.sh
	@$(MAKE) --no-print-directory $@-run

check-run:
	@$(TOP)/tests/run $(if $(T),-t $(T)) -k "$(KERNELS)" \
		$(if $(FULL_KERNELS),-f "$(FULL_KERNELS)")

demo-run: modules tbibctl tools
	@$(TOP)/tests/vm/demo.sh -k "$(lastword $(KERNELS))"

bench-run: modules tbibctl tools
	@$(TOP)/bench/run $(if $(QUICK),--quick) -k "$(lastword $(KERNELS))"

install: module tbibctl
	$(MAKE) -C $(KBUILD_DIR) M=$(BUILD)/$(KVER) INSTALL_MOD_DIR=updates modules_install
	depmod -a $(KVER)
	$(MAKE) -C $(TOP)/tbibctl install PREFIX=/usr/local

dkms-install:
	$(TOP)/scripts/dkms-install.sh

clean:
	rm -rf $(BUILD)
	@if [ -f $(TOP)/tbibctl/Makefile ]; then $(MAKE) -C $(TOP)/tbibctl clean; fi
	@if [ -f $(TOP)/tests/unit/Makefile ]; then $(MAKE) -C $(TOP)/tests/unit clean; fi
