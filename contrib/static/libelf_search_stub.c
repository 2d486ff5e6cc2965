/* libelf_search_stub.c - for a static record --bpf (make static-aarch64
 * BPF=1): Debian trixie's libelf.a (elfutils 0.192) calls
 * eu_search_tree_init() and eu_search_tree_fini(), which elfutils builds
 * into libelf.so only (lib/eu-search.c), so a static link fails without
 * them. The tree is a tsearch() root first in its struct; the rest (a
 * lock, when elfutils is built thread-safe) is zeroed memory, which is
 * what an unlocked glibc rwlock is.
 */
#include <search.h>
#include <stddef.h>

struct pb_eu_search_tree {
	void *root;
};

void eu_search_tree_init(struct pb_eu_search_tree *tree);
void eu_search_tree_fini(struct pb_eu_search_tree *tree, void (*free_node)(void *));

void eu_search_tree_init(struct pb_eu_search_tree *tree)
{
	tree->root = NULL;
}

void eu_search_tree_fini(struct pb_eu_search_tree *tree, void (*free_node)(void *))
{
	tdestroy(tree->root, free_node);
	tree->root = NULL;
}
