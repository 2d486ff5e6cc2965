/* tracedat.c - trace-cmd binary files (trace.dat v6 and v7, compressed
 * sections too) read with libtracecmd and libtraceevent. Events are decoded
 * with the file's own format descriptions, so any kernel version works, and
 * rendered to the body trace-cmd report prints. The records of all CPUs are
 * merged by timestamp as trace-cmd report does; a kernel_stack (or
 * user_stack) record joins the event recorded just before it on its CPU,
 * which is what trace-cmd record -T writes. A record's "line" is its index
 * in that merged order, 1-based. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <trace-cmd.h>

#include "pinblame/parse.h"

#include "fieldbase.h"

/* Exported by libtracecmd, but declared only in its trace-cmd-private.h,
 * which is not installed: "sysname nodename release machine". */
const char *tracecmd_get_uname(struct tracecmd_input *handle);

/* "\027\010\104tracing" then the version as a string: "6", "7". */
#define TRACEDAT_MAGIC "\027\010\104tracing"
#define TRACEDAT_MAGIC_LEN 10

/* A stack record holds at most this many entries (FTRACE_STACK_ENTRIES is
 * far smaller; this only bounds a corrupt size field). */
#define STACK_ENTRIES_MAX 512

/* Events whose print format was read for hex fields, by id modulo this. */
#define HEX_CACHE 128

/* The fields an event prints as hex without "0x" ("pfn=%lx"), from its
 * print format in the file. */
struct hex_fields {
	int id;			/* -1: empty */
	size_t n;
	char keys[PB_HEX_KEYS_MAX][PB_HEX_KEY_LEN];
};

/* The records of one CPU of one buffer: the top one or an instance
 * (trace-cmd record -B NAME), each read through a handle of its own. */
struct lane {
	struct tracecmd_input *handle;
	const char *buffer;		/* the instance's name; NULL: the top buffer */
	int cpu;
	struct tep_record *next;	/* the record to return next */
};

struct tracedat {
	struct pb_parser *p;
	struct tracecmd_input *handle;	/* the file and its top buffer */
	struct tracecmd_input **instances;
	int ninstances;
	struct tep_handle *tep;		/* one for the file: instances share it */
	int ncpus;
	struct lane *lanes;		/* every CPU of every buffer */
	int nlanes;
	uint64_t index;			/* records taken so far */
	dev_t dev;			/* the file libtracecmd reads */
	ino_t ino;
	int broken;			/* lane whose data stopped advancing, or -1 */
	unsigned long long broken_offset;
	int kernel_stack_id, user_stack_id, print_id;
	struct trace_seq seq;
	struct hex_fields hex[HEX_CACHE];
};

static int event_id(struct tep_handle *tep, const char *name)
{
	struct tep_event *ev = tep_find_event_by_name(tep, "ftrace", name);

	return ev ? ev->id : -1;
}

/* Checks the magic so that "not a trace.dat" and "a trace.dat libtracecmd
 * cannot read" get different messages. */
static int check_magic(struct pb_input *in, char *version, size_t vlen, char *err, size_t errlen)
{
	const char *head;
	size_t n = pb_input_peek(in, &head, TRACEDAT_MAGIC_LEN + 8);
	size_t i;

	if (n == (size_t)-1) {
		snprintf(err, errlen, "%s", pb_input_strerror(in));
		return -1;
	}
	if (n < TRACEDAT_MAGIC_LEN || memcmp(head, TRACEDAT_MAGIC, TRACEDAT_MAGIC_LEN)) {
		snprintf(err, errlen, "not a trace-cmd data file (no trace.dat magic)");
		return -1;
	}
	for (i = 0; i < vlen - 1 && TRACEDAT_MAGIC_LEN + i < n; i++) {
		char c = head[TRACEDAT_MAGIC_LEN + i];

		if (c < '0' || c > '9')
			break;
		version[i] = c;
	}
	version[i] = '\0';
	return 0;
}

/* Reader of the v6 layout, only as far as the CPU data. */
struct v6 {
	int fd;
	uint64_t off, size;
	int big_endian;
};

static int v6_read(struct v6 *r, void *buf, size_t n)
{
	if (n > r->size || r->off > r->size - n ||
	    pread(r->fd, buf, n, (off_t)r->off) != (ssize_t)n)
		return -1;
	r->off += n;
	return 0;
}

static int v6_number(struct v6 *r, size_t n, uint64_t *v)
{
	unsigned char b[8];

	if (v6_read(r, b, n))
		return -1;
	*v = 0;
	for (size_t i = 0; i < n; i++)
		*v |= (uint64_t)b[r->big_endian ? i : n - 1 - i] << (8 * (n - 1 - i));
	return 0;
}

/* Skips a section that starts with its size in WIDTH bytes. */
static int v6_skip_sized(struct v6 *r, size_t width)
{
	uint64_t n;

	if (v6_number(r, width, &n) || n > r->size - r->off)
		return -1;
	r->off += n;
	return 0;
}

static int v6_skip_string(struct v6 *r)
{
	char c;

	do {
		if (v6_read(r, &c, 1))
			return -1;
	} while (c);
	return 0;
}

/* Skips NR sections of WIDTH-byte size each. */
static int v6_skip_many(struct v6 *r, uint64_t nr, size_t width)
{
	while (nr--)
		if (v6_skip_sized(r, width))
			return -1;
	return 0;
}

static int v6_skip_events(struct v6 *r)
{
	uint64_t systems, nr;

	if (v6_number(r, 4, &systems))
		return -1;
	while (systems--)
		if (v6_skip_string(r) || v6_number(r, 4, &nr) || v6_skip_many(r, nr, 8))
			return -1;
	return 0;
}

/* Options libtracecmd copies with strdup() and friends: date, cpustat,
 * buffer, trace clock, uname, hook, offset, version, procmaps. */
static int string_option(uint64_t id)
{
	return (id >= 1 && id <= 7) || id == 9 || id == 10;
}

static int v6_skip_options(struct v6 *r)
{
	uint64_t id, size;
	char last;

	for (;;) {
		if (v6_number(r, 2, &id))
			return -1;
		if (!id)
			return 0;
		if (v6_number(r, 4, &size) || size > r->size - r->off)
			return -1;
		r->off += size;
		/* a string option without its NUL would be read past its end */
		if (string_option(id) &&
		    (!size || pread(r->fd, &last, 1, (off_t)(r->off - 1)) != 1 || last))
			return -1;
	}
}

/* Skips the sections before the CPU data: header_page, header_event,
 * ftrace and event formats, kallsyms, printk formats, saved cmdlines,
 * then the cpu count and the options. Leaves the section tag after them
 * in TAG. */
static int v6_skip_headers(struct v6 *r, uint64_t *cpus, char tag[10])
{
	uint64_t nr;

	if (v6_skip_string(r) || v6_skip_sized(r, 8) || v6_skip_string(r) ||
	    v6_skip_sized(r, 8) || v6_number(r, 4, &nr) || v6_skip_many(r, nr, 8) ||
	    v6_skip_events(r) || v6_skip_sized(r, 4) || v6_skip_sized(r, 4) ||
	    v6_skip_sized(r, 8) || v6_number(r, 4, cpus))
		return -1;
	for (;;) {
		if (v6_read(r, tag, 10))
			return -1;
		if (memcmp(tag, "options  ", 10))
			return 0;
		if (v6_skip_options(r))
			return -1;
	}
}

/* Checks the "commit" (data length) of every ring-buffer page of a CPU:
 * libtraceevent's kbuffer trusts it and reads past the page otherwise. */
static int v6_pages_sane(struct v6 *r, uint64_t offset, uint64_t size,
			 uint64_t page_size, unsigned long_size)
{
	/* the length bits of commit; the top ones flag missed events */
	const uint64_t commit_mask = (1u << 27) - 1;
	uint64_t page, commit;

	for (page = 0; page + page_size <= size; page += page_size) {
		r->off = offset + page + 8;
		if (v6_number(r, long_size, &commit) ||
		    (commit & commit_mask) > page_size - 8 - long_size)
			return -1;
	}
	return 0;
}

/* Whether a version 6 file is whole and sane where libtracecmd and
 * libtraceevent trust it: sections and every CPU's data inside the file,
 * string options terminated, ring-buffer pages no longer than a page. */
static int v6_data_complete(int fd)
{
	struct v6 r = { .fd = fd, .off = TRACEDAT_MAGIC_LEN };
	uint64_t cpus, offset, size, page_size;
	unsigned char sizes[2];
	unsigned long_size;
	struct stat st;
	char tag[10];

	if (fstat(fd, &st))
		return 0;
	r.size = (uint64_t)st.st_size;
	/* version string, endianness, long size, page size */
	if (v6_skip_string(&r) || v6_read(&r, sizes, 2))
		return 0;
	r.big_endian = sizes[0];
	long_size = sizes[1];
	if ((long_size != 4 && long_size != 8) || v6_number(&r, 4, &page_size) ||
	    page_size < 1024 || page_size > (1u << 20) || v6_skip_headers(&r, &cpus, tag))
		return 0;
	if (!memcmp(tag, "latency  ", sizeof(tag)))
		return 1;	/* latency text: libtracecmd reads it itself */
	if (memcmp(tag, "flyrecord", sizeof(tag)))
		return 0;
	for (uint64_t cpu = 0; cpu < cpus; cpu++) {
		uint64_t next;

		if (v6_number(&r, 8, &offset) || v6_number(&r, 8, &size) ||
		    offset > r.size || size > r.size - offset)
			return 0;
		next = r.off;
		if (v6_pages_sane(&r, offset, size, page_size, long_size))
			return 0;
		r.off = next;
	}
	return 1;
}

/* The input's own file when it is a plain one; -1 for compressed data,
 * stdin and memory buffers (whose name may match some unrelated file). */
static int plain_file(struct pb_input *in)
{
	const char *path = pb_input_path(in);
	struct stat st;
	int fd;

	if (pb_input_compression(in) != PB_COMP_NONE || !strcmp(path, "-"))
		return -1;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size != pb_input_raw_size(in)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* libtracecmd needs a file it can seek in: a plain file is read in place,
 * anything else is spooled to a temporary file first. */
static int open_fd(struct pb_input *in, char *err, size_t errlen)
{
	int fd = plain_file(in);

	if (fd >= 0)
		return fd;
	fd = pb_input_spool(in);
	if (fd < 0)
		snprintf(err, errlen, "%s", pb_input_strerror(in));
	return fd;
}

/* libtracecmd 1.3 leaves a page of an uncompressed file mapped after
 * tracecmd_close() (and after a failed open): unmaps what is left of the
 * mappings of file DEV:INO, which nothing uses any more. */
static void unmap_leftovers(dev_t dev, ino_t ino)
{
	unsigned long start[8], end[8];
	FILE *maps = fopen("/proc/self/maps", "re");
	char line[512];
	int n = 0;

	if (!maps)
		return;
	while (n < 8 && fgets(line, sizeof(line), maps)) {
		unsigned long s, e;
		unsigned int major, minor;
		unsigned long long inode;

		if (sscanf(line, "%lx-%lx %*s %*x %x:%x %llu", &s, &e, &major, &minor, &inode) == 5 &&
		    inode == (unsigned long long)ino && makedev(major, minor) == dev) {
			start[n] = s;
			end[n++] = e;
		}
	}
	fclose(maps);
	while (n--)
		munmap((void *)start[n], end[n] - start[n]);
}

static struct tracecmd_input *open_handle(struct tracedat *t, struct pb_input *in,
					  const char *version, char *err, size_t errlen)
{
	struct tracecmd_input *handle;
	int fd = open_fd(in, err, errlen);
	struct stat st;

	if (fd < 0)
		return NULL;
	/* libtracecmd 1.3 crashes in tracecmd_close() when the open of a v6
	 * file with its CPU data cut short fails half-way, and reads past
	 * string options that lack their NUL */
	if (fstat(fd, &st) || (!strcmp(version, "6") && !v6_data_complete(fd))) {
		snprintf(err, errlen, "trace.dat (file version 6) is truncated or corrupt: "
			 "a section ends past the end of the file or is malformed");
		close(fd);
		return NULL;
	}
	t->dev = st.st_dev;
	t->ino = st.st_ino;
	handle = tracecmd_open_fd(fd, TRACECMD_FL_LOAD_NO_PLUGINS);
	if (!handle) {
		/* libtracecmd closes FD in some failure paths, not in others */
		if (fcntl(fd, F_GETFD) != -1)
			close(fd);
		unmap_leftovers(t->dev, t->ino);
	}
	return handle;
}

/* Whether RELEASE ("6.1.0-50-arm64") is older than 6.8, from which a
 * ring buffer's sub-buffer may be larger than a page. */
static int before_subbuf_size(const char *release)
{
	unsigned major = 0, minor = 0;

	return release && sscanf(release, "%u.%u", &major, &minor) == 2 &&
	       (major < 6 || (major == 6 && minor < 8));
}

/* The traced kernel's page size, from the ring buffer's sub-buffer size
 * (doc/FORMATS.md, trace.dat): libtraceevent adds the offset and size of
 * the data field of the kernel's own events/header_page, copied into the
 * file, which ring_buffer_print_page_header() printed as PAGE_SIZE less
 * the page header before Linux 6.8 and as the sub-buffer size from 6.8
 * on, where buffer_subbuf_size_kb may make it several pages (never fewer
 * than one). So it is PAGE_SIZE before 6.8, and after only when it is
 * 4096. (The file header's page size is no better: trace-cmd wrote the
 * recording host's getpagesize() there, later the sub-buffer size too,
 * and libtracecmd does not give it.) */
static void set_page_size(struct tracedat *t, const char *release)
{
	int size = tep_get_sub_buffer_size(t->tep);
	char buf[16];

	if (size != 4096 && ((size != 16384 && size != 65536) || !before_subbuf_size(release)))
		return;
	snprintf(buf, sizeof(buf), "%d", size);
	pb_parser_set_meta(t->p, "page_size", buf);
}

/* "Linux (none) 6.1.0-50-arm64 aarch64" -> kernel and arch. */
static void set_meta(struct tracedat *t)
{
	const char *uname = tracecmd_get_uname(t->handle);
	char buf[16], *copy, *word, *save = NULL, *release = NULL, *machine = NULL;
	int i = 0;

	snprintf(buf, sizeof(buf), "%d", t->ncpus);
	pb_parser_set_meta(t->p, "cpus", buf);
	if (!uname)
		return;
	copy = pb_strdup(uname);
	for (word = strtok_r(copy, " \n", &save); word; word = strtok_r(NULL, " \n", &save)) {
		if (i++ == 2)
			release = word;
		machine = word;
	}
	if (release) {
		pb_parser_set_meta(t->p, "kernel", release);
		if (machine != release)
			pb_parser_set_meta(t->p, "arch", machine);
	}
	set_page_size(t, release);
	free(copy);
}

static void tracedat_close(void *state);

/* Exported by libtracecmd 1.x ("return the number of CPUs recorded") but
 * declared by its public header only in later releases: a buffer instance
 * may hold fewer CPUs than the file's event parser counts. */
int tracecmd_cpus(struct tracecmd_input *handle);

/* The CPUs of HANDLE (of buffer BUFFER) as lanes, their first records read. */
static void add_lanes(struct tracedat *t, struct tracecmd_input *handle, const char *buffer)
{
	int ncpus = tracecmd_cpus(handle);

	t->lanes = pb_realloc(t->lanes, (size_t)(t->nlanes + (ncpus > 0 ? ncpus : 0)) *
			      sizeof(*t->lanes));
	for (int cpu = 0; cpu < ncpus; cpu++) {
		struct lane *l = &t->lanes[t->nlanes++];

		l->handle = handle;
		l->buffer = buffer;
		l->cpu = cpu;
		l->next = tracecmd_read_data(handle, cpu);
	}
}

/* The lanes of the top buffer and of every instance recorded beside it
 * (trace-cmd record -B, trace-cmd extract -a): trace-cmd report prints
 * them all, merged by time, so their events are the file's too. */
static int open_lanes(struct tracedat *t, char *err, size_t errlen)
{
	int n = tracecmd_buffer_instances(t->handle);

	add_lanes(t, t->handle, NULL);
	if (n <= 0)
		return 0;
	t->instances = pb_calloc((size_t)n, sizeof(*t->instances));
	for (int i = 0; i < n; i++) {
		const char *name = tracecmd_buffer_instance_name(t->handle, i);

		t->instances[i] = tracecmd_buffer_instance_handle(t->handle, i);
		if (!t->instances[i]) {
			snprintf(err, errlen, "libtracecmd cannot read the buffer instance "
				 "'%s' of this trace.dat: corrupt or truncated",
				 name ? name : "?");
			return -1;
		}
		t->ninstances = i + 1;
		add_lanes(t, t->instances[i], name ? name : "?");
	}
	return 0;
}

static void *tracedat_open(struct pb_parser *p, char *err, size_t errlen)
{
	struct pb_input *in = pb_parser_input(p);
	struct tracedat *t;
	char version[8];

	err[0] = '\0';
	/* the libraries' own warnings would mix with ours; the reason a file
	 * cannot be read is reported through ERR */
	tracecmd_set_loglevel(TEP_LOG_NONE);
	if (check_magic(in, version, sizeof(version), err, errlen))
		return NULL;
	t = pb_calloc(1, sizeof(*t));
	t->p = p;
	t->handle = open_handle(t, in, version, err, errlen);
	if (!t->handle) {
		if (!err[0])
			snprintf(err, errlen, "libtracecmd cannot read this trace.dat "
				 "(file version %s): corrupt, truncated or unsupported",
				 version[0] ? version : "unknown");
		free(t);
		return NULL;
	}
	t->tep = tracecmd_get_tep(t->handle);
	t->ncpus = tep_get_cpus(t->tep);
	if (t->ncpus < 0)
		t->ncpus = 0;
	t->broken = -1;
	trace_seq_init(&t->seq);
	if (open_lanes(t, err, errlen) < 0) {
		tracedat_close(t);
		return NULL;
	}
	t->kernel_stack_id = event_id(t->tep, "kernel_stack");
	t->user_stack_id = event_id(t->tep, "user_stack");
	t->print_id = event_id(t->tep, "print");
	for (size_t i = 0; i < HEX_CACHE; i++)
		t->hex[i].id = -1;
	set_meta(t);
	return t;
}

/* The lane whose next record is the oldest; ties go to the top buffer,
 * then the lower CPU, as in trace-cmd report. -1 when all are done. */
static int oldest_lane(struct tracedat *t)
{
	int best = -1;

	for (int i = 0; i < t->nlanes; i++)
		if (t->lanes[i].next &&
		    (best < 0 || t->lanes[i].next->ts < t->lanes[best].next->ts))
			best = i;
	return best;
}

/* Takes CPU's next record and reads the one after it. A broken ring-buffer
 * page can make libtracecmd return the same record forever: records must
 * advance through the file, else the rest of that CPU's data is dropped
 * and reported. */
static struct tep_record *take(struct tracedat *t, int lane)
{
	struct lane *l = &t->lanes[lane];
	struct tep_record *r = l->next, *next;

	next = tracecmd_read_data(l->handle, l->cpu);
	if (next && next->offset <= r->offset) {
		t->broken = lane;
		t->broken_offset = next->offset;
		tracecmd_free_record(next);
		next = NULL;
	}
	l->next = next;
	t->index++;
	return r;
}

/* Reports the CPU data take() gave up on; non-zero to stop. */
static int report_broken(struct tracedat *t)
{
	char what[192];
	const struct lane *l;
	int n;

	if (t->broken < 0)
		return 0;
	l = &t->lanes[t->broken];
	n = snprintf(what, sizeof(what), "%s%s%sCPU %d: ring-buffer data does not advance at "
		     "offset %llu, the rest of it is skipped", l->buffer ? "buffer " : "",
		     l->buffer ? l->buffer : "", l->buffer ? ", " : "", l->cpu, t->broken_offset);
	if (n >= (int)sizeof(what))
		n = (int)sizeof(what) - 1;
	t->broken = -1;
	return pb_parser_bad_line(t->p, t->index, PB_BAD_SYNTAX, what, (size_t)n);
}

static int is_stack(struct tracedat *t, int id)
{
	return id >= 0 && (id == t->kernel_stack_id || id == t->user_stack_id);
}

static const char *hex_symbol(struct pb_arena *arena, unsigned long long addr)
{
	char *s = pb_arena_alloc(arena, 19);

	snprintf(s, 19, "0x%llx", addr);
	return s;
}

/* The caller[] array of a kernel_stack/user_stack record, leaf first. */
static size_t stack_frames(struct tracedat *t, struct tep_event *ev, struct tep_record *r,
			   unsigned flags, struct pb_frame **out)
{
	struct pb_arena *arena = pb_parser_arena(t->p);
	struct tep_format_field *caller = tep_find_field(ev, "caller");
	struct tep_format_field *size = tep_find_field(ev, "size");
	int long_size = tep_get_long_size(t->tep);
	unsigned long long end_mark = long_size == 8 ? ~0ull : 0xffffffffull, n;
	struct pb_frame *frames;
	size_t count, i;

	if (!caller || long_size <= 0 || caller->offset >= r->size)
		return 0;
	count = (size_t)(r->size - caller->offset) / long_size;
	if (size && !tep_read_number_field(size, r->data, &n) && n < count)
		count = n;
	if (count > STACK_ENTRIES_MAX)
		count = STACK_ENTRIES_MAX;
	frames = pb_arena_alloc(arena, (count ? count : 1) * sizeof(*frames));
	for (i = 0; i < count; i++) {
		unsigned long long addr, start = 0;
		unsigned long fsize = 0;
		const char *name = NULL;
		struct pb_frame *f = &frames[i];

		addr = tep_read_number(t->tep, (char *)r->data + caller->offset + i * long_size,
				       long_size);
		if (addr == end_mark || addr == 0)
			break;
		memset(f, 0, sizeof(*f));
		f->addr = addr;
		f->flags = flags;
		if (!(flags & PB_FRAME_USER) &&
		    tep_find_function_info(t->tep, addr, &name, &start, &fsize) && name) {
			f->symbol = name;
			f->offset = addr - start;
			f->size = fsize;
		} else {
			f->symbol = hex_symbol(arena, addr);
		}
	}
	*out = frames;
	return i;
}

/* Attaches the stack records that follow the event on its CPU (of its
 * buffer) to REC, or drops them with the event when REC is NULL. */
static void attach_stacks(struct tracedat *t, int lane, int pid, struct pb_record *rec)
{
	struct tep_record *r;

	while ((r = t->lanes[lane].next) && !r->missed_events) {
		struct tep_event *ev = tep_find_event_by_record(t->tep, r);

		if (!ev || !is_stack(t, ev->id) || tep_data_pid(t->tep, r) != pid)
			return;
		take(t, lane);
		if (rec && ev->id == t->kernel_stack_id && !rec->nframes)
			rec->nframes = stack_frames(t, ev, r, 0, &rec->frames);
		else if (rec && ev->id == t->user_stack_id && !rec->nuframes)
			rec->nuframes = stack_frames(t, ev, r, PB_FRAME_USER, &rec->uframes);
		tracecmd_free_record(r);
	}
}

static size_t rtrim_newlines(const char *s, size_t len)
{
	while (len && (s[len - 1] == '\n' || s[len - 1] == ' '))
		len--;
	return len;
}

/* ftrace:print: the text written to trace_marker, as field "buf". */
static void print_record(struct tracedat *t, struct tep_event *ev, struct tep_record *r,
			 struct pb_record *rec)
{
	struct pb_arena *arena = pb_parser_arena(t->p);
	struct tep_format_field *buf = tep_find_field(ev, "buf");
	struct pb_field *f;
	const char *text = "";
	size_t len = 0;

	if (buf && buf->offset < r->size) {
		text = (const char *)r->data + buf->offset;
		len = rtrim_newlines(text, strnlen(text, r->size - buf->offset));
	}
	rec->body = pb_arena_strndup(arena, text, len);
	f = pb_arena_alloc(arena, sizeof(*f));
	f->name = "buf";
	f->value = rec->body;
	rec->fields = f;
	rec->nfields = 1;
}

/* The hex fields of EV, read from its print format on first use. */
static struct hex_fields *hex_fields_of(struct tracedat *t, struct tep_event *ev)
{
	struct hex_fields *h = &t->hex[(unsigned)ev->id % HEX_CACHE];

	if (h->id != ev->id) {
		h->id = ev->id;
		h->n = pb_format_hex_keys(ev->print_fmt.format, h->keys);
	}
	return h;
}

static void event_record(struct tracedat *t, struct tep_event *ev, struct tep_record *r,
			 struct pb_record *rec)
{
	struct pb_arena *arena = pb_parser_arena(t->p);
	struct hex_fields *h;
	size_t len;

	trace_seq_reset(&t->seq);
	tep_print_event(t->tep, &t->seq, r, "%s", TEP_PRINT_INFO);
	trace_seq_terminate(&t->seq);
	len = rtrim_newlines(t->seq.buffer, t->seq.len);
	rec->body = pb_arena_strndup(arena, t->seq.buffer, len);
	rec->nfields = pb_parse_body(rec->body, len, arena, &rec->fields);
	h = hex_fields_of(t, ev);
	if (h->n)
		pb_fields_hex_keys(rec->fields, rec->nfields, h->keys, h->n, arena);
}

/* ftrace:lost_events for a record the ring buffer dropped events before
 * (missed_events -1: dropped, count unknown). */
static void lost_record(struct tracedat *t, int cpu, struct tep_record *r, struct pb_record *rec)
{
	struct pb_arena *arena = pb_parser_arena(t->p);
	struct pb_field *f = pb_arena_alloc(arena, 2 * sizeof(*f));
	char *cpus = pb_arena_alloc(arena, 24), *lost = pb_arena_alloc(arena, 24);

	snprintf(cpus, 24, "%d", cpu);
	snprintf(lost, 24, "%lld", r->missed_events);
	f[0].name = "cpu";
	f[0].value = cpus;
	f[1].name = "lost";
	f[1].value = lost;
	rec->line = t->index + 1;
	rec->ts_ns = (int64_t)r->ts;
	rec->cpu = cpu;
	rec->system = "ftrace";
	rec->event = "lost_events";
	rec->fields = f;
	rec->nfields = r->missed_events > 0 ? 2 : 1;
	r->missed_events = 0;
}

/* Reports a record of an event the file has no format for, or a stack
 * with no event before it. Returns non-zero to stop. */
static int unusable(struct tracedat *t, struct tep_record *r, struct tep_event *ev)
{
	char what[64];

	if (ev)
		return pb_parser_bad_line(t->p, t->index, PB_BAD_ORPHAN_STACK,
					  ev->name, strlen(ev->name));
	snprintf(what, sizeof(what), "record of event id %d, which has no format",
		 tep_data_type(t->tep, r));
	return pb_parser_bad_line(t->p, t->index, PB_BAD_SYNTAX, what, strlen(what));
}

static int tracedat_next(void *state, struct pb_parser *p, struct pb_record *rec)
{
	struct tracedat *t = state;

	for (;;) {
		int lane = oldest_lane(t), cpu, pid;
		struct tep_record *r;
		struct tep_event *ev;

		if (report_broken(t))
			return -1;
		if (lane < 0)
			return 0;
		cpu = t->lanes[lane].cpu;
		if (t->lanes[lane].next->missed_events) {
			lost_record(t, cpu, t->lanes[lane].next, rec);
			return 1;
		}
		r = take(t, lane);
		ev = tep_find_event_by_record(t->tep, r);
		pid = tep_data_pid(t->tep, r);
		if (!ev || is_stack(t, ev->id)) {
			int stop = unusable(t, r, ev);

			tracecmd_free_record(r);
			if (!ev)
				attach_stacks(t, lane, pid, NULL);
			if (stop)
				return -1;
			continue;
		}
		rec->line = t->index;
		rec->ts_ns = (int64_t)r->ts;
		rec->cpu = cpu;
		rec->pid = pid;
		rec->comm = tep_data_comm_from_pid(t->tep, pid);
		rec->system = ev->system;
		rec->event = ev->name;
		if (ev->id == t->print_id)
			print_record(t, ev, r, rec);
		else
			event_record(t, ev, r, rec);
		tracecmd_free_record(r);
		attach_stacks(t, lane, pid, rec);
		return 1;
	}
}

static void tracedat_close(void *state)
{
	struct tracedat *t = state;

	for (int i = 0; i < t->nlanes; i++)
		if (t->lanes[i].next)
			tracecmd_free_record(t->lanes[i].next);
	free(t->lanes);
	/* an instance's handle holds a reference to the file's */
	for (int i = 0; i < t->ninstances; i++)
		tracecmd_close(t->instances[i]);
	free(t->instances);
	trace_seq_destroy(&t->seq);
	tracecmd_close(t->handle);
	unmap_leftovers(t->dev, t->ino);
	free(t);
}

/* LeakSanitizer hook, called only in sanitizer builds: libtracecmd 1.3
 * leaks what libtraceevent kept of an event format that does not parse
 * (kmem:mm_page_alloc_extfrag of the 6.1 capture), and buffers, some of
 * them sscanf("%ms") results whose stacks the fast unwinder cannot follow
 * out of libc, when the open of a broken v7 file fails half-way. None is
 * ours to free; pinblame's own sscanf() calls allocate nothing. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libtracecmd.so\nleak:__isoc99_vsscanf\n";
}

/* ... and without a table of those suppressed leaks after every run. */
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}

const struct pb_format_ops pb_tracedat_ops = {
	.format = PB_FMT_TRACE_DAT,
	.open = tracedat_open,
	.next = tracedat_next,
	.close = tracedat_close,
};
