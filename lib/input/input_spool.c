/* input_spool.c - the rest of an input copied into a temporary file, for
 * readers that need a file descriptor they can seek (libtracecmd).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input_int.h"

static int temp_file(struct pb_input *in)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd;

	if (!dir || !*dir)
		dir = "/tmp";
	fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0)
		return fd;
	/* O_TMPFILE needs file system support; fall back to unlink-on-create */
	snprintf(path, sizeof(path), "%s/pinblame-XXXXXX", dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0) {
		snprintf(in->errmsg, sizeof(in->errmsg),
			 "cannot create a temporary file in %s: %s", dir, strerror(errno));
		return -1;
	}
	unlink(path);
	return fd;
}

int pb_input_spool(struct pb_input *in)
{
	ssize_t got;
	int fd;

	if (input_leave_lines(in))
		return -1;
	fd = temp_file(in);
	if (fd < 0)
		return -1;
	do {
		if (pb_write_all(fd, in->win + in->pos, in->len - in->pos)) {
			snprintf(in->errmsg, sizeof(in->errmsg),
				 "cannot write a temporary file: %s", strerror(errno));
			goto fail;
		}
		in->pos = in->len;
		got = input_fill(in);
	} while (got > 0);
	if (got < 0)
		goto fail;
	if (lseek(fd, 0, SEEK_SET) < 0) {
		snprintf(in->errmsg, sizeof(in->errmsg),
			 "cannot rewind a temporary file: %s", strerror(errno));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}
