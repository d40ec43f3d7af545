// SPDX-License-Identifier: GPL-2.0
/*
 * Harness self-test only: a module whose load prints a kernel WARNING.
 * tests/vm/selftest.sh boots a guest that loads it from a script that
 * exits 0, and passes only if the harness still reports the test failed.
 */
#include <linux/bug.h>
#include <linux/module.h>

static int __init tbib_warnmod_init(void)
{
	WARN(1, "tbib_warnmod: deliberate warning for the harness self-test\n");
	return 0;
}

static void __exit tbib_warnmod_exit(void)
{
}

module_init(tbib_warnmod_init);
module_exit(tbib_warnmod_exit);
MODULE_DESCRIPTION("tbib VM harness self-test: WARNs on load");
MODULE_LICENSE("GPL");
