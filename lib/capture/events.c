/* events.c - which events and probes a capture records, and what a kernel
 * that lacks them would need.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tracefs.h>

#include "pinblame/core.h"
#include "session.h"

/* Stacks on what fails or holds. Migrations and the compaction scanner
 * run by the hundred thousand when a large contiguous range is collected:
 * they are counted, and only failed migrations get a stack.
 * mm_page_alloc_extfrag carries pfn= and page= together, which lets the
 * analysis map the page= pointers of probes to pfns on kernels without CMA
 * events. */
const char pb_capture_default_events[] =
	"cma:*,migrate:mm_migrate_pages/stack-if=failed>0,"
	"migrate:mm_migrate_pages_start/nostack,page_isolation:test_pages_isolated,"
	"page_pinner:*,page_ref:*,compaction:mm_compaction_begin,compaction:*/nostack,"
	"kmem:mm_page_alloc_extfrag/nostack,kmem:mm_alloc_contig_migrate_range_info";

static const struct {
	const char *system;
	const char *event;	/* NULL: every event of the system */
	const char *hint;
} hints[] = {
	{ "cma", NULL, "CONFIG_CMA=y" },
	{ "migrate", NULL, "CONFIG_MIGRATION=y" },
	{ "page_isolation", NULL,
	  "CONFIG_MEMORY_ISOLATION=y, selected by CONFIG_CMA or memory hotplug" },
	{ "page_pinner", NULL,
	  "CONFIG_PAGE_PINNER=y of the page_pinner patches, which are not in "
	  "mainline, and page_pinner=on on the kernel command line; Android "
	  "kernels have page_pinner in debugfs instead: import "
	  "/sys/kernel/debug/page_pinner/buffer" },
	{ "page_ref", NULL, "CONFIG_DEBUG_PAGE_REF=y" },
	{ "compaction", NULL, "CONFIG_COMPACTION=y" },
	/* added in 6.10, under CONFIG_CONTIG_ALLOC since 2025, gone again by
	 * 7.1 (6.12.107 has it, 7.1.8 and 7.2.8 not: doc/FORMATS.md) */
	{ "kmem", "mm_alloc_contig_migrate_range_info",
	  "a kernel from 6.10 to 6.x built with CONFIG_CONTIG_ALLOC=y, which "
	  "CONFIG_CMA selects (7.x removed it); pinblame does not need it" },
};

/* The hint for SYSTEM:EVENT itself, else, when WHOLE_SYSTEM, the one for
 * its system: a system's config fits only when the system is missing, an
 * event missing from a system that is there is a matter of kernel version. */
static const char *find_hint(const char *system, const char *event, int whole_system)
{
	const char *system_hint = NULL;

	for (size_t i = 0; i < PB_ARRAY_SIZE(hints); i++) {
		if (strcmp(hints[i].system, system))
			continue;
		if (hints[i].event && !strcmp(hints[i].event, event))
			return hints[i].hint;
		if (!hints[i].event)
			system_hint = hints[i].hint;
	}
	return whole_system ? system_hint : NULL;
}

const char *pb_capture_event_hint(const char *system, const char *event)
{
	return find_hint(system, event, 1);
}

void pb_capture_add_event(struct pb_capture *cap, const char *system, const char *event,
			  int stack, const char *stack_if)
{
	struct pb_capture_ev *ev;
	struct pb_buf name = { 0 };

	pb_buf_addf(&name, "%s:%s", system, event);
	for (size_t i = 0; i < cap->nevents; i++) {
		if (!strcmp(cap->events[i].name, name.data)) {
			pb_buf_free(&name);
			return;
		}
	}
	PB_GROW(cap->events, cap->nevents + 1, cap->events_cap);
	ev = &cap->events[cap->nevents++];
	ev->name = name.data;
	ev->system = pb_strdup(system);
	ev->event = pb_strdup(event);
	ev->stack = stack;
	ev->stack_if = stack && stack_if ? pb_strdup(stack_if) : NULL;
}

size_t pb_capture_nevents(const struct pb_capture *cap)
{
	return cap->nevents;
}

const char *pb_capture_event(const struct pb_capture *cap, size_t i)
{
	return cap->events[i].name;
}

/* One list item, "system:event[/nostack|/stack-if=FILTER]", split in
 * place. */
struct pattern {
	char *system;
	char *event;
	int stack;
	const char *stack_if;	/* ftrace filter for the stack, or NULL */
};

static int valid_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!(*s == '_' || *s == '-' || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

static int parse_pattern(char *item, struct pattern *p)
{
	char *slash = strchr(item, '/');
	char *colon = strchr(item, ':');

	p->stack = 1;
	p->stack_if = NULL;
	if (slash && !strcmp(slash, "/nostack"))
		p->stack = 0;
	else if (slash && !strncmp(slash, "/stack-if=", 10) && slash[10])
		p->stack_if = slash + 10;
	else if (slash)
		return -1;
	if (slash)
		*slash = '\0';
	if (!colon)
		return -1;
	*colon = '\0';
	p->system = item;
	p->event = colon + 1;
	if (!valid_name(p->system))
		return -1;
	return !strcmp(p->event, "*") || valid_name(p->event) ? 0 : -1;
}

/* Calls FN for each item of LIST; stops at the first that returns < 0. */
static int each_item(const char *list, int (*fn)(void *ctx, char *item, const char *orig),
		     void *ctx)
{
	char *copy = pb_strdup(list), *save = NULL;
	int ret = 0;

	for (char *tok = strtok_r(copy, ",", &save); tok && ret >= 0;
	     tok = strtok_r(NULL, ",", &save)) {
		char *orig;

		while (*tok == ' ')
			tok++;
		tok[strcspn(tok, " ")] = '\0';
		if (!*tok)
			continue;
		orig = pb_strdup(tok);
		ret = fn(ctx, tok, orig);
		free(orig);
	}
	free(copy);
	return ret;
}

static int check_item(void *ctx, char *item, const char *orig)
{
	struct pattern p;

	(void)ctx;
	if (parse_pattern(item, &p) < 0) {
		pb_error("bad event '%s': expected SYSTEM:EVENT or SYSTEM:*, "
			 "optionally followed by /nostack or /stack-if=FILTER", orig);
		return -1;
	}
	return 0;
}

int pb_capture_check_list(const char *list)
{
	int items = 0;

	for (const char *s = list; *s; s++)
		items += *s != ',' && *s != ' ';
	if (!items) {
		pb_error("the event list is empty");
		return -1;
	}
	return each_item(list, check_item, NULL);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int has_event(struct pb_capture *cap, const char *system, const char *event)
{
	char path[512];

	snprintf(path, sizeof(path), "events/%s/%s/enable", system, event);
	return pb_tracefs_exists(cap, path);
}

/* Adds what matches; returns how many events that was. */
static int add_matching(struct pb_capture *cap, const struct pattern *p)
{
	char **names;
	size_t n = 0;
	int added = 0;

	if (strcmp(p->event, "*")) {
		if (!has_event(cap, p->system, p->event))
			return 0;
		pb_capture_add_event(cap, p->system, p->event, p->stack, p->stack_if);
		return 1;
	}
	names = tracefs_system_events(cap->root, p->system);
	while (names && names[n])
		n++;
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		if (!has_event(cap, p->system, names[i]))
			continue;
		pb_capture_add_event(cap, p->system, names[i], p->stack, p->stack_if);
		added++;
	}
	tracefs_list_free(names);
	return added;
}

struct select_ctx {
	struct pb_capture *cap;
	int optional;
	int missing;
};

static int select_item(void *ctx, char *item, const char *orig)
{
	struct select_ctx *s = ctx;
	struct pattern p;
	const char *hint;
	char name[256], path[256];

	if (parse_pattern(item, &p) < 0)
		return check_item(NULL, item, orig);
	if (add_matching(s->cap, &p) > 0)
		return 0;
	snprintf(name, sizeof(name), "%s:%s", p.system, p.event);
	snprintf(path, sizeof(path), "events/%s", p.system);
	hint = find_hint(p.system, p.event, !pb_tracefs_exists(s->cap, path));
	if (s->optional)
		pb_warn("%s is not on this kernel%s%s%s", name, hint ? " (needs " : "",
			hint ? hint : "", hint ? ")" : "");
	else
		pb_error("%s is not on this kernel%s%s%s", name, hint ? " (needs " : "",
			 hint ? hint : "", hint ? ")" : "");
	s->missing++;
	return 0;
}

int pb_capture_select(struct pb_capture *cap, const char *list, int optional)
{
	struct select_ctx s = { cap, optional, 0 };

	if (each_item(list, select_item, &s) < 0)
		return -1;
	if (s.missing && !optional)
		return -1;
	if (!cap->nevents) {
		pb_error("none of the events is on this kernel");
		return -1;
	}
	return (int)cap->nevents;
}
