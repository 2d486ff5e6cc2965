/* bpf_btf.c - the GUP calls `record --bpf` hooks once a call, found in the
 * kernel's BTF.
 *
 * mm/gup.c's API fills an array of the pages (or folios) it took and
 * returns how many; read at the return, the array gives every page of the
 * call to one hook (lib/capture/bpf/pinblame.bpf.c). Which functions the
 * API has and where the array sits changed from version to version
 * (get_user_pages() lost its task and mm in 4.6 and its vmas in 6.5,
 * get_user_pages_remote() its task in 5.9, memfd_pin_folios() came in
 * 6.11), so nothing here lists signatures: a function is one of these
 * calls when its name is of the API's (the role: get_user_pages*,
 * pin_user_pages*, memfd_pin_folios), kallsyms has it as a global
 * function ('T'), and the kernel's BTF has it returning an integer with a
 * struct page ** or struct folio ** among its parameters. The static
 * helpers under the API (__get_user_pages, __gup_longterm_locked) have
 * such a parameter too; they are left out by their linkage, as the API's
 * callers can only call the global ones. The linkage is kallsyms', not
 * BTF's: pahole writes every function of vmlinux as static (the 6.18
 * BTF of this build machine: "FUNC 'get_user_pages_fast' ...
 * linkage=static").
 */
#ifdef PB_HAVE_BPF

#include <fnmatch.h>
#include <string.h>

#include <bpf/btf.h>

#include "bpf.h"

/* The API's names: a role, not a list of its functions. */
static const char *const gup_api_globs[] = {
	"get_user_pages*", "pin_user_pages*", "memfd_pin_folios",
};

static int is_gup_api(const char *name)
{
	for (size_t i = 0; i < PB_ARRAY_SIZE(gup_api_globs); i++)
		if (!fnmatch(gup_api_globs[i], name, 0))
			return 1;
	return 0;
}

/* TYPE past typedefs and qualifiers. */
static const struct btf_type *resolved(const struct btf *btf, __u32 type)
{
	int id = btf__resolve_type(btf, type);

	return id < 0 ? NULL : btf__type_by_id(btf, (__u32)id);
}

/* Whether TYPE is struct page ** or struct folio **. */
static int is_page_array(const struct btf *btf, __u32 type)
{
	const struct btf_type *t = resolved(btf, type);
	const char *name;

	if (!t || !btf_is_ptr(t) || !(t = resolved(btf, t->type)) || !btf_is_ptr(t) ||
	    !(t = resolved(btf, t->type)) || !btf_is_struct(t))
		return 0;
	name = btf__name_by_offset(btf, t->name_off);
	return name && (!strcmp(name, "page") || !strcmp(name, "folio"));
}

int pb_bpf_btf_pages_arg(const struct btf *btf, const struct btf_type *func)
{
	const struct btf_type *proto, *ret;
	const struct btf_param *p;

	if (!btf_is_func(func))
		return -1;
	proto = btf__type_by_id(btf, func->type);
	if (!proto || !btf_is_func_proto(proto))
		return -1;
	ret = proto->type ? resolved(btf, proto->type) : NULL;
	if (!ret || !btf_is_int(ret))
		return -1;
	p = btf_params(proto);
	for (int i = 0; i < btf_vlen(proto); i++)
		if (is_page_array(btf, p[i].type))
			return i;
	return -1;
}

static int already(const struct pb_bpf_gup_call *calls, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(calls[i].func, name))
			return 1;
	return 0;
}

size_t pb_bpf_choose_gup_calls(const struct btf *btf, const struct pb_ksyms *ks,
			       struct pb_bpf_gup_call *calls, size_t max)
{
	__u32 types = btf__type_cnt(btf);
	size_t n = 0;

	for (__u32 id = 1; id < types && n < max; id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name;
		int arg;

		if (!btf_is_func(t))
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		if (!name || !is_gup_api(name) || !pb_ksyms_has_global(ks, name) ||
		    already(calls, n, name))
			continue;
		arg = pb_bpf_btf_pages_arg(btf, t);
		if (arg < 0)
			continue;
		calls[n].func = name;
		calls[n++].pages_arg = arg;
	}
	return n;
}

#endif /* PB_HAVE_BPF */
