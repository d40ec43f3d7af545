// SPDX-License-Identifier: GPL-2.0
/*
 * Harness self-test only: a module that does something wrong on load, so
 * that tests/vm/selftest.sh can check the harness notices.
 *
 *   modprobe tbib_warnmod              WARN()s
 *   modprobe tbib_warnmod bug=uaf      writes to freed slab memory, which
 *                                      the guests' slub_debug=FZPU must
 *                                      report ("BUG <cache> ...: Poison
 *                                      overwritten" or "Object corrupt")
 */
#include <linux/bug.h>
#include <linux/module.h>
#include <linux/preempt.h>
#include <linux/slab.h>
#include <linux/string.h>

static char *bug = "warn";
module_param(bug, charp, 0444);
MODULE_PARM_DESC(bug, "what goes wrong: warn (default) or uaf");

/*
 * kmalloc, not a cache of our own: this also proves that the kmalloc
 * caches, where ib_core allocates tbib's objects, are debugged.
 */
static noinline void tbib_warnmod_uaf(void)
{
	void *obj[16];
	char *p;
	int i;

	/*
	 * On one CPU throughout: the freed object waits on this CPU's
	 * freelist, and only an allocation here hands it out again (a
	 * migration in between made 7.3 miss it once).
	 */
	preempt_disable();
	p = kmalloc(96, GFP_ATOMIC);
	if (!p)
		goto out;
	kfree(p);
	/* the bug: the freed object is written, over its poison */
	OPTIMIZER_HIDE_VAR(p);
	memset(p, 0x42, 8);
	/* handing objects out again checks their poison */
	for (i = 0; i < ARRAY_SIZE(obj); i++)
		obj[i] = kmalloc(96, GFP_ATOMIC);
	for (i = 0; i < ARRAY_SIZE(obj); i++)
		kfree(obj[i]);
out:
	preempt_enable();
}

static int __init tbib_warnmod_init(void)
{
	if (!strcmp(bug, "uaf"))
		tbib_warnmod_uaf();
	else
		WARN(1, "tbib_warnmod: deliberate warning for the harness self-test\n");
	return 0;
}

static void __exit tbib_warnmod_exit(void)
{
}

module_init(tbib_warnmod_init);
module_exit(tbib_warnmod_exit);
MODULE_DESCRIPTION("tbib VM harness self-test: misbehaves on load");
MODULE_LICENSE("GPL");
