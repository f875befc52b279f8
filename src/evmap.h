/* evmap.h: the library's common ground: version, error codes, diagnostics, allocation.
 *
 * Memory rule, once for the whole library: every `_new`/`_open` has a `_free`/`_close` that
 * accepts NULL; whoever called `_new` owns the object. Everything that belongs to one
 * document (text, tokens, mentions, events, their strings) lives in that document's arena
 * and dies with `evm_doc_free`. The gazetteer is opened once, read-only, and outlives every
 * document that points into it. Allocation failure aborts with a message (evm_xmalloc).
 *
 * Errors: functions that can fail return an `evm_err` and, when given one, fill an
 * `evm_diag` with the detail ("gazetteer/x.bin: truncated index"). The library never
 * prints and never exits; main.c does both.
 */
#ifndef EVM_EVMAP_H
#define EVM_EVMAP_H

#include <stdarg.h>
#include <stddef.h>

#define EVM_VERSION "0.1.0"
#define EVM_NAME "evmap"

/* What went wrong, coarse enough for exit codes; the detail goes in an evm_diag. */
typedef enum evm_err {
    EVM_OK = 0,
    EVM_ERR_USAGE,   /* bad option or argument */
    EVM_ERR_IO,      /* open/read/write/rename failed */
    EVM_ERR_INPUT,   /* an article that cannot be read (not JSON, no text, binary, ...) */
    EVM_ERR_GAZ,     /* gazetteer index missing, truncated, corrupt or wrong version */
    EVM_ERR_GDAL,    /* OGR/GDAL reported an error */
    EVM_ERR_PROJ,    /* PROJ could not build or run a transformation */
    EVM_ERR_RENDER,  /* drawing or PNG encoding failed */
    EVM_ERR_NOMEM,   /* a request too large to satisfy (never a plain malloc failure) */
    EVM_ERR_INTERNAL /* a bug */
} evm_err;

/* A short fixed-size message buffer for the detail of an error. */
#define EVM_DIAG_MAX 512
typedef struct evm_diag {
    char msg[EVM_DIAG_MAX];
} evm_diag;

/* Static text for an error code, never NULL. */
const char *evm_strerror(evm_err err);

/* Formats into diag (if not NULL) and returns err, so that callers can write
 * `return evm_diag_set(d, EVM_ERR_IO, "%s: %s", path, strerror(errno));`. */
evm_err evm_diag_set(evm_diag *diag, evm_err err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Allocation that never returns NULL: on failure it prints one line and aborts. */
void *evm_xmalloc(size_t n);
void *evm_xcalloc(size_t n, size_t size);
void *evm_xrealloc(void *p, size_t n);
char *evm_xstrdup(const char *s);
char *evm_xstrndup(const char *s, size_t n);

/* Grows a heap array `*items` of `*cap` elements of `size` bytes so that it holds at
 * least `need` elements (capacity doubles). */
void evm_grow(void **items, size_t *cap, size_t need, size_t size);

#endif
