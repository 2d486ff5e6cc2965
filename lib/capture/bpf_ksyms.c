/* bpf_ksyms.c - kallsyms as a symbol table, for `record --bpf`: read
 * once before loading, it names the functions to hook and symbolizes the
 * stacks written. Apart from the loader and the writer because it needs no
 * kernel and no libbpf (tests/unit/test_bpf.c reads a kallsyms text). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "bpf.h"

static int cmp_ksym(const void *a, const void *b)
{
	const struct pb_ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void ksyms_add(struct pb_ksyms *ks, uint64_t addr, const char *name, int global)
{
	size_t len = strlen(name) + 1;

	PB_GROW(ks->syms, ks->n + 1, ks->cap);
	PB_GROW(ks->names, ks->names_len + len, ks->names_cap);
	memcpy(ks->names + ks->names_len, name, len);
	ks->syms[ks->n].addr = addr;
	ks->syms[ks->n].global = global;
	ks->syms[ks->n++].name = ks->names_len;
	ks->names_len += len;
}

/* "ADDR TYPE NAME [module]": text symbols only, the ones stacks are in. */
long pb_ksyms_load(struct pb_ksyms *ks, FILE *f)
{
	char line[512], type, name[256];
	unsigned long long addr;
	size_t nonzero = 0;

	memset(ks, 0, sizeof(*ks));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3)
			continue;
		if (tolower((unsigned char)type) != 't' && tolower((unsigned char)type) != 'w')
			continue;
		nonzero += addr != 0;
		ksyms_add(ks, addr, name, isupper((unsigned char)type));
	}
	if (ferror(f))
		return -1;
	if (!nonzero)
		ks->n = 0;
	if (ks->n)
		qsort(ks->syms, ks->n, sizeof(*ks->syms), cmp_ksym);
	return (long)ks->n;
}

void pb_ksyms_free(struct pb_ksyms *ks)
{
	free(ks->syms);
	free(ks->names);
	memset(ks, 0, sizeof(*ks));
}

const char *pb_ksyms_find(const struct pb_ksyms *ks, uint64_t addr, uint64_t *offset,
			  uint64_t *size)
{
	size_t lo = 0, hi = ks->n;

	/* the last symbol at or below ADDR */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ks->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	*offset = addr - ks->syms[lo - 1].addr;
	*size = lo < ks->n ? ks->syms[lo].addr - ks->syms[lo - 1].addr : 0;
	return ks->names + ks->syms[lo - 1].name;
}

/* "NAME SIZE REFCOUNT USERS STATE ADDRESS [TAINTS]" (kernel/module's
 * m_show: USERS is "-" when there are none, and both are "-" without
 * CONFIG_MODULE_UNLOAD): NAME, STATE and ADDRESS of each, hashed. */
uint64_t pb_ksyms_modules_key(FILE *f)
{
	char line[1024], name[256], size[32], refs[32], users[512], state[32], addr[32];
	struct pb_buf keys = { 0 };
	uint64_t h;

	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%255s %31s %31s %511s %31s %31s", name, size, refs, users, state,
			   addr) == 6)
			pb_buf_addf(&keys, "%s %s %s\n", name, state, addr);
	h = ferror(f) || !keys.len ? 0 : pb_hash64(keys.data, keys.len);
	pb_buf_free(&keys);
	return h;
}

/* The first symbol of exactly this NAME (GLOBAL: a global one), NULL
 * when none. */
static const struct pb_ksym *ksym_named(const struct pb_ksyms *ks, const char *name, int global)
{
	for (size_t i = 0; i < ks->n; i++)
		if ((!global || ks->syms[i].global) && !strcmp(ks->names + ks->syms[i].name, name))
			return &ks->syms[i];
	return NULL;
}

int pb_ksyms_has(const struct pb_ksyms *ks, const char *name)
{
	return ksym_named(ks, name, 0) != NULL;
}

int pb_ksyms_has_global(const struct pb_ksyms *ks, const char *name)
{
	return ksym_named(ks, name, 1) != NULL;
}
