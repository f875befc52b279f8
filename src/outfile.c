/* outfile.c: atomic output files (temporary name, then rename) and their cleanup. */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The registry of live temporary files. A fixed table keeps the signal handler free of
 * allocation; a run has only a handful of outputs open at once. */
#define MAX_TEMPS 64
#define MAX_PATH_LEN 4096
static char temps[MAX_TEMPS][MAX_PATH_LEN];
static volatile sig_atomic_t used[MAX_TEMPS];

static void reg(const char *path)
{
    if (strlen(path) >= MAX_PATH_LEN)
        return;
    for (int i = 0; i < MAX_TEMPS; i++)
        if (!used[i]) {
            memcpy(temps[i], path, strlen(path) + 1);
            used[i] = 1;
            return;
        }
}

static void unreg(const char *path)
{
    for (int i = 0; i < MAX_TEMPS; i++)
        if (used[i] && strcmp(temps[i], path) == 0) {
            used[i] = 0;
            return;
        }
}

char *evm_outfile_begin(const char *final)
{
    const char *slash = strrchr(final, '/');
    size_t dirlen = slash ? (size_t)(slash - final + 1) : 0;
    const char *base = final + dirlen;
    size_t n = strlen(final) + 32;
    char *tmp = evm_xmalloc(n);
    snprintf(tmp, n, "%.*s.tmp-%ld-%s", (int)dirlen, final, (long)getpid(), base);
    reg(tmp);
    return tmp;
}

/* fsync a file by path; a file system that cannot fsync is not an error. */
static int sync_path(const char *path)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc != 0 && errno != EINVAL && errno != EROFS ? -1 : 0;
}

evm_err evm_outfile_commit(char *tmp, const char *final, evm_diag *diag)
{
    evm_err e = EVM_OK;
    if (sync_path(tmp) != 0)
        e = evm_diag_set(diag, EVM_ERR_IO, "%s: %s", final, strerror(errno));
    else if (rename(tmp, final) != 0)
        e = evm_diag_set(diag, EVM_ERR_IO, "%s: %s", final, strerror(errno));
    if (e)
        unlink(tmp);
    unreg(tmp);
    free(tmp);
    return e;
}

void evm_outfile_abort(char *tmp)
{
    if (!tmp)
        return;
    unlink(tmp);
    unreg(tmp);
    free(tmp);
}

void evm_outfile_cleanup(void)
{
    for (int i = 0; i < MAX_TEMPS; i++)
        if (used[i]) {
            unlink(temps[i]);
            used[i] = 0;
        }
}
