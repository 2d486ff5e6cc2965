/* fieldbase.h - the base of event fields the kernel prints without "0x"
 * (private to lib/parse).
 *
 * A TP_printk "pfn=%lx" prints "pfn=b2800": hex, though nothing in the text
 * says so. The parsers give such a value its "0x", so that everything after
 * them reads it as the number the kernel meant. Which fields are hex comes
 * from the event's print format where the input carries it (trace.dat),
 * else from the known formats of the event at every kernel generation.
 */
#ifndef PINBLAME_PARSE_FIELDBASE_H
#define PINBLAME_PARSE_FIELDBASE_H

#include <stddef.h>

#include "pinblame/parse.h"

#define PB_HEX_KEYS_MAX 8
#define PB_HEX_KEY_LEN 32

/* The keys that print format FMT prints as hex without "0x" ("key=%lx",
 * "key=%x", not "key=0x%lx" nor "key=%#lx"), into KEYS; returns how many
 * (at most PB_HEX_KEYS_MAX, longer keys are left out). */
size_t pb_format_hex_keys(const char *fmt, char keys[][PB_HEX_KEY_LEN]);

/* Gives the values of the fields named in KEYS their "0x" (copies in
 * ARENA); values that are not hex digits, or have a "0x", stay. */
void pb_fields_hex_keys(struct pb_field *f, size_t n, char keys[][PB_HEX_KEY_LEN],
			size_t nkeys, struct pb_arena *arena);

/* The same for the fields of EVENT that the kernel prints as hex without
 * "0x" at some generation (the text formats, which carry no format). */
void pb_event_fields_hex(const char *event, struct pb_field *f, size_t n,
			 struct pb_arena *arena);

#endif
