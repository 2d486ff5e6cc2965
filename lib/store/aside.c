/* aside.c - the file a new store is built in before it is put in place.
 *
 * An import into a store that does not exist yet writes it in a file of
 * its own next to it, "STORE.import-PID-N.tmp", without a WAL (its data is
 * written once), and links it to STORE's name when its first file commits
 * (doc/DESIGN.md, "The store"). Until then no store exists: an import that
 * fails or is interrupted removes the file; one killed (kill -9) leaves it,
 * and the next import into STORE removes it. The importer holds an flock()
 * on the file, which tells a live import's file from a dead one's.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store_int.h"

#define ASIDE_INFIX ".import-"
#define ASIDE_SUFFIX ".tmp"

/* A file older than this whose lock is free is a killed import's: the
 * only time a live one's is free is between its creation and its flock(). */
#define ASIDE_STALE_SECONDS 2

/* The folder of PATH ("." when it names none) and its last component. */
static char *folder_of(const char *path, const char **base)
{
	const char *slash = strrchr(path, '/');

	*base = slash ? slash + 1 : path;
	if (!slash)
		return pb_strdup(".");
	if (slash == path)
		return pb_strdup("/");
	return pb_strndup(path, (size_t)(slash - path));
}

/* Whether NAME (in the folder of the store BASE) is an aside file of it. */
static int is_aside_of(const char *name, const char *base)
{
	size_t nlen = strlen(name), blen = strlen(base);
	size_t ilen = strlen(ASIDE_INFIX), slen = strlen(ASIDE_SUFFIX);

	return nlen > blen + ilen + slen && !strncmp(name, base, blen) &&
	       !strncmp(name + blen, ASIDE_INFIX, ilen) &&
	       !strcmp(name + nlen - slen, ASIDE_SUFFIX);
}

/* Removes FILE when no import holds it and it is not brand new. */
static void remove_if_stale(const char *file)
{
	int fd = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat sb;

	if (fd < 0)
		return;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    time(NULL) - sb.st_mtime >= ASIDE_STALE_SECONDS &&
	    flock(fd, LOCK_EX | LOCK_NB) == 0)
		unlink(file);
	close(fd);
}

void store_aside_remove_stale(const char *path)
{
	const char *base;
	char *folder = folder_of(path, &base);
	DIR *dir = opendir(folder);
	struct pb_buf file = { 0 };
	struct dirent *d;

	while (dir && (d = readdir(dir))) {
		if (!is_aside_of(d->d_name, base))
			continue;
		pb_buf_reset(&file);
		pb_buf_addf(&file, "%s/%s", folder, d->d_name);
		remove_if_stale(pb_buf_str(&file));
	}
	if (dir)
		closedir(dir);
	pb_buf_free(&file);
	free(folder);
}

char *store_aside_create(const char *path, int *fd)
{
	struct pb_buf name = { 0 };

	for (unsigned n = 0; n < 1000; n++) {
		pb_buf_reset(&name);
		pb_buf_addf(&name, "%s" ASIDE_INFIX "%ld-%u" ASIDE_SUFFIX, path, (long)getpid(), n);
		/* the permissions SQLite gives a store it creates */
		*fd = open(pb_buf_str(&name), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (*fd >= 0 && flock(*fd, LOCK_EX | LOCK_NB) == 0) {
			char *aside = pb_strdup(pb_buf_str(&name));

			pb_buf_free(&name);
			return aside;
		}
		if (*fd >= 0) {
			pb_error("%s: cannot lock %s: %s", path, pb_buf_str(&name), strerror(errno));
			close(*fd);
			unlink(pb_buf_str(&name));
			break;
		}
		if (errno != EEXIST) {
			pb_error("%s: cannot create the store: %s", path, strerror(errno));
			break;
		}
	}
	pb_buf_free(&name);
	*fd = -1;
	return NULL;
}

/* Makes the link to the new name durable: a store that a crash left
 * half-linked could not be told from one that was never made. */
static void sync_folder(const char *path)
{
	const char *base;
	char *folder = folder_of(path, &base);
	int fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
	free(folder);
}

int store_aside_place(const char *aside, int fd, const char *path)
{
	/* Its data is on the disk before any other process can see the store. */
	if (fsync(fd) < 0) {
		pb_error("%s: cannot write the store: %s", path, strerror(errno));
		return -1;
	}
	/* link() never replaces: a store another import made meanwhile stays. */
	if (link(aside, path) < 0)
		return 1;
	unlink(aside);
	sync_folder(path);
	return 0;
}
