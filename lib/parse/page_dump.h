/* page_dump.h - what the page_pinner and page_owner parsers share. */
#ifndef PINBLAME_PARSE_PAGE_DUMP_H
#define PINBLAME_PARSE_PAGE_DUMP_H

#include "dump.h"

/* The flags text V printed once: since 5.17 %pGp prints "0x..(names)"
 * itself, so a caller's "%#lx(%pGp)" prints the value twice,
 * "0x3f(0x3f(uptodate|node=0))"; that gives "0x3f(uptodate|node=0)".
 * Any other text (the two values differing too) is returned as it is. */
struct dump_slice page_flags_single(struct dump_slice v);

#endif
