/* session.h - the capture session shared by the files of lib/capture: tracefs file
 * access relative to the root, and the undo log behind pb_capture_restore.
 */
#ifndef PINBLAME_CAPTURE_SESSION_H
#define PINBLAME_CAPTURE_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "pinblame/capture.h"
#include "pinblame/core.h"

struct tracefs_instance;

/* The event system of the kprobes record places (probes.c). */
#define PB_PROBE_GROUP "pinblame"

/* How to put one file back: write TEXT to PATH, appended for command files
 * (triggers, kprobe_events) where a write is a command, not a value. */
struct pb_undo {
	char *path;
	char *text;
	int append;
};

struct pb_capture_ev {
	char *name;		/* "system:event" */
	char *system;
	char *event;
	int stack;		/* add a stacktrace trigger */
	char *stack_if;		/* only when this filter matches, or NULL */
};

struct pb_cpu_lost {
	int cpu;
	uint64_t overrun, dropped;
};

struct pb_capture {
	char *root;
	int rootfd;
	struct tracefs_instance *inst;	/* for the kernel's error_log */
	struct pb_capture_ev *events;
	size_t nevents, events_cap;
	struct pb_undo *undo;
	size_t nundo, undo_cap;
	int pipe_fd;
	struct pb_cpu_lost *lost_at_setup;	/* each CPU's counts at setup */
	size_t nlost_at_setup;
	char pumped_last;		/* last byte copied from trace_pipe */
	char *proc;			/* procfs: kallsyms, sys/debug */
	char *machine;			/* for argument registers; NULL: uname */
	int have_filter_functions;	/* tracefs lists what ftrace may patch */
	struct pb_buf probe_report;	/* what --probe-gup chose */
};

/* Reads a whole control file; NULL with errno set on failure. */
char *pb_tracefs_read(struct pb_capture *cap, const char *path);
int pb_tracefs_exists(struct pb_capture *cap, const char *path);
/* Writes TEXT to PATH and, on success, logs UNDO_TEXT (when not NULL) to be
 * written back the same way at restore. On failure reports the error,
 * with the kernel's error_log line when there is one, and returns -1. */
int pb_tracefs_change(struct pb_capture *cap, const char *path, const char *text,
		      const char *undo_text, int append);

/* Appends command TEXT without reporting a failure (errno is set), and on
 * success logs UNDO_TEXT. For probes that a kernel may not have. */
int pb_tracefs_try_command(struct pb_capture *cap, const char *path, const char *text,
			   const char *undo_text);
/* The kernel's last error_log message, allocated; NULL when none. */
char *pb_tracefs_reason(struct pb_capture *cap);

/* Whether the probe event NAME (LEN bytes) is one record places on a GUP
 * grab function (probes.c). */
int pb_capture_is_gup_probe(const char *name, size_t len);

/* Adds SYSTEM:EVENT to the selection unless it is there already. */
void pb_capture_add_event(struct pb_capture *cap, const char *system,
			  const char *event, int stack, const char *stack_if);

#endif
