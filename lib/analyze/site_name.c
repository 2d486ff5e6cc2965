/* site_name.c - how every output names a call site: "func", or
 * "func [module]" for a module's, as the kernel prints a module symbol
 * (%pS: "func+0x10/0x20 [module]"). One place, so that blame's rows,
 * show's blocks, the report and check's --deny globs all match the same
 * text. */
#include "pinblame/core.h"
#include "pinblame/analyze.h"

const char *pb_site_name(struct pb_buf *b, const char *callsite, const char *module)
{
	pb_buf_adds(b, callsite ? callsite : "?");
	/* an empty module is the kernel proper: no "[]" after it */
	if (module && *module)
		pb_buf_addf(b, " [%s]", module);
	return pb_buf_str(b);
}
