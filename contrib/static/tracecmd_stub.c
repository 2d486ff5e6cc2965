/* tracecmd_stub.c - libtracecmd's entry points for the static pinblame of
 * 'make static-record', which Debian cannot link with the real library:
 * libtracecmd-dev ships no libtracecmd.a (libtraceevent, libtracefs and
 * the others do). Everything else of pinblame is there; opening a
 * trace.dat fails with a message that says what to use instead, and the
 * other functions are never reached (there is no handle to call them
 * with). 'record' writes ftrace text and does not need libtracecmd.
 */
#include <errno.h>
#include <stddef.h>

#include <trace-cmd.h>

#include "pinblame/core.h"

/* tracedat.c declares it itself: trace-cmd.h of libtracecmd 1.3 lacks it */
const char *tracecmd_get_uname(struct tracecmd_input *handle);

struct tracecmd_input *tracecmd_open_fd(int fd, int flags)
{
	pb_error("this static pinblame (make static-record) cannot read trace.dat: "
		 "Debian has no static libtracecmd; import the file with a pinblame "
		 "built by 'make', or its 'trace-cmd report' text");
	errno = ENOTSUP;
	return NULL;
}

void tracecmd_close(struct tracecmd_input *handle)
{
}

struct tep_record *tracecmd_read_data(struct tracecmd_input *handle, int cpu)
{
	return NULL;
}

void tracecmd_free_record(struct tep_record *record)
{
}

struct tep_handle *tracecmd_get_tep(struct tracecmd_input *handle)
{
	return NULL;
}

const char *tracecmd_get_uname(struct tracecmd_input *handle)
{
	return NULL;
}

void tracecmd_set_loglevel(enum tep_loglevel level)
{
}

/* declared by tracedat.c too: trace-cmd.h of libtracecmd 1.3 lacks it */
int tracecmd_cpus(struct tracecmd_input *handle);

int tracecmd_cpus(struct tracecmd_input *handle)
{
	return 0;
}

int tracecmd_buffer_instances(struct tracecmd_input *handle)
{
	return 0;
}

const char *tracecmd_buffer_instance_name(struct tracecmd_input *handle, int indx)
{
	return NULL;
}

struct tracecmd_input *tracecmd_buffer_instance_handle(struct tracecmd_input *handle, int indx)
{
	return NULL;
}
