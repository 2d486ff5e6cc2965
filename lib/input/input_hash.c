/* input_hash.c - SHA-256 of an input's source, as it is read or after
 * (files that can be read again are hashed only when asked), and of a
 * file in a thread of its own while another is imported.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "input_int.h"

/* Bytes hashed from a mapping at a time, given back behind. */
#define HASH_STEP ((size_t)2 << 20)

/* Hashes MAP[FROM, TO) (mapping SLOT) into SHA a step at a time, giving
 * its pages back behind; stops early, saying why in ERR, once *STOP is set
 * (STOP may be NULL) or the file shrank. Returns the bytes hashed. */
static size_t hash_mapping(struct pb_sha256 *sha, const char *map, size_t from, size_t to,
			   int slot, atomic_bool *stop, char *err, size_t errlen)
{
	size_t at = from;

	while (at < to) {
		size_t n = to - at < HASH_STEP ? to - at : HASH_STEP;

		if (stop && atomic_load(stop)) {
			snprintf(err, errlen, "cancelled");
			break;
		}
		pb_sha256_update(sha, map + at, n);
		if (input_map_cut_short(slot)) {
			snprintf(err, errlen, "file shrank while hashed");
			break;
		}
		input_map_give_back(map, at, at + n);
		at += n;
	}
	return at - from;
}

/* hash_catch_up() over the input's own mapping: no copy, and its pages
 * go back as they are hashed (the file was read to at least UPTO). */
static int hash_catch_up_mapped(struct pb_input *in, uint64_t upto)
{
	size_t at = (size_t)in->file_start + (size_t)in->hashed;
	size_t end = (size_t)in->file_start + (size_t)upto;
	size_t done;

	if (end > in->map_len)
		end = in->map_len;	/* read() went on after it */
	if (end <= at)
		return 0;
	done = hash_mapping(&in->sha, in->map, at, end, in->map_slot, NULL, in->errmsg,
			    sizeof(in->errmsg));
	in->hashed += done;
	if (done < end - at) {
		in->failed = true;
		return -1;
	}
	return 0;
}

/* Feeds the bytes read so far, but not yet hashed, to sha. */
static int hash_catch_up(struct pb_input *in)
{
	uint64_t upto = in->raw_offset;
	unsigned char *buf;
	ssize_t got;

	if (in->mem) {
		pb_sha256_update(&in->sha, in->mem + in->hashed, (size_t)(upto - in->hashed));
		in->hashed = upto;
		return 0;
	}
	if (in->map && hash_catch_up_mapped(in, upto) < 0)
		return -1;
	buf = pb_malloc(RAW_SIZE);
	while (in->hashed < upto) {
		size_t want = upto - in->hashed < RAW_SIZE ? (size_t)(upto - in->hashed) : RAW_SIZE;

		got = pread(in->fd, buf, want, in->file_start + (off_t)in->hashed);
		if (got <= 0) {
			snprintf(in->errmsg, sizeof(in->errmsg), "cannot re-read input to hash it: %s",
				 got < 0 ? strerror(errno) : "file shrank");
			in->failed = true;
			break;
		}
		pb_sha256_update(&in->sha, buf, (size_t)got);
		in->hashed += (size_t)got;
	}
	free(buf);
	return in->hashed == upto ? 0 : -1;
}

void pb_input_sha256(struct pb_input *in, unsigned char out[32])
{
	struct pb_sha256 copy;

	if (in->hash_later && hash_catch_up(in)) {
		memset(out, 0, 32);
		return;
	}
	/* finish a copy, so that hashing can go on */
	copy = in->sha;
	pb_sha256_final(&copy, out);
}

void pb_input_content_sha256(struct pb_input *in, unsigned char out[32])
{
	struct pb_sha256 copy;

	if (in->comp == PB_COMP_NONE) {
		pb_input_sha256(in, out);
		return;
	}
	copy = in->content_sha;
	pb_sha256_final(&copy, out);
}

/* Hashes FD's file from a mapping of it, as large as it was just now (a
 * read() into a buffer copied each byte once more than the hash reads
 * it), and leaves FD's position after those bytes. 1 when done, 0 when the
 * file is not mapped (read() does it), -1 with ERR. */
static int hash_mapped(int fd, struct pb_sha256 *sha, char *err, size_t errlen,
		       atomic_bool *stop)
{
	struct stat st;
	const char *map;
	size_t size, done;
	int slot;

	if (fstat(fd, &st) < 0 || !(map = input_map_file(fd, &st, &slot)))
		return 0;
	size = (size_t)st.st_size;
	done = hash_mapping(sha, map, 0, size, slot, stop, err, errlen);
	input_unmap(map, size, slot);
	if (done < size)
		return -1;
	if (lseek(fd, (off_t)size, SEEK_SET) < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -1;
	}
	return 1;
}

/* SHA-256 of the file at PATH; stops early with "cancelled" once *STOP
 * is set (STOP may be NULL). */
static int hash_file(const char *path, unsigned char out[32], char *err, size_t errlen,
		     atomic_bool *stop)
{
	struct pb_sha256 sha;
	unsigned char *buf;
	ssize_t got = 0;
	bool own;
	int fd;

	if (input_open_fd(path, &fd, &own, err, errlen))
		return -1;
	buf = pb_malloc(RAW_SIZE);
	pb_sha256_init(&sha);
	/* a file the size of a mapping is read on after it: it may have grown */
	if (own && hash_mapped(fd, &sha, err, errlen, stop) < 0)
		got = -1;
	while (got >= 0) {
		if (stop && atomic_load(stop)) {
			snprintf(err, errlen, "cancelled");
			got = -1;
			break;
		}
		got = read(fd, buf, RAW_SIZE);
		if (got < 0 && errno == EINTR) {
			got = 0;
			continue;
		}
		if (got < 0)
			snprintf(err, errlen, "%s", strerror(errno));
		if (got <= 0)
			break;
		pb_sha256_update(&sha, buf, (size_t)got);
	}
	if (got == 0)
		pb_sha256_final(&sha, out);
	free(buf);
	if (own)
		close(fd);
	return got < 0 ? -1 : 0;
}

int pb_file_sha256(const char *path, unsigned char out[32], char *err, size_t errlen)
{
	return hash_file(path, out, err, errlen, NULL);
}

struct pb_hash_job {
	pthread_t thread;
	char *path;
	atomic_bool stop, done;
	int rc;
	unsigned char digest[32];
	char err[256];
};

static void *hash_thread(void *arg)
{
	struct pb_hash_job *j = arg;

	j->rc = hash_file(j->path, j->digest, j->err, sizeof(j->err), &j->stop);
	atomic_store(&j->done, true);
	return NULL;
}

struct pb_hash_job *pb_file_sha256_start(const char *path)
{
	struct pb_hash_job *j = pb_calloc(1, sizeof(*j));

	j->path = pb_strdup(path);
	if (pb_thread_start(&j->thread, hash_thread, j, "pinblame-hash")) {
		free(j->path);
		free(j);
		return NULL;
	}
	return j;
}

bool pb_hash_job_done(const struct pb_hash_job *j)
{
	return atomic_load(&j->done);
}

int pb_hash_job_finish(struct pb_hash_job *j, unsigned char out[32], char *err, size_t errlen)
{
	int rc;

	if (!out)
		atomic_store(&j->stop, true);
	pthread_join(j->thread, NULL);
	rc = j->rc;
	if (out && !rc)
		memcpy(out, j->digest, 32);
	else if (out)
		snprintf(err, errlen, "%s", j->err);
	free(j->path);
	free(j);
	return rc;
}
