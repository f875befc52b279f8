/* evmap.c: error texts, diagnostics and allocation helpers shared by every stage. */
#include "evmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *evm_strerror(evm_err err)
{
    switch (err) {
    case EVM_OK:
        return "success";
    case EVM_ERR_USAGE:
        return "usage error";
    case EVM_ERR_IO:
        return "input/output error";
    case EVM_ERR_INPUT:
        return "unreadable article";
    case EVM_ERR_GAZ:
        return "gazetteer index error";
    case EVM_ERR_GDAL:
        return "GDAL/OGR error";
    case EVM_ERR_PROJ:
        return "PROJ error";
    case EVM_ERR_RENDER:
        return "rendering error";
    case EVM_ERR_NOMEM:
        return "request too large";
    case EVM_ERR_INTERNAL:
        return "internal error";
    }
    return "unknown error";
}

evm_err evm_diag_set(evm_diag *diag, evm_err err, const char *fmt, ...)
{
    if (diag) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(diag->msg, sizeof diag->msg, fmt, ap);
        va_end(ap);
    }
    return err;
}

static void out_of_memory(size_t n)
{
    fprintf(stderr, "evmap: out of memory (allocating %zu bytes)\n", n);
    abort();
}

void *evm_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        out_of_memory(n);
    return p;
}

void *evm_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        out_of_memory(n * size);
    return p;
}

void *evm_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        out_of_memory(n);
    return q;
}

char *evm_xstrdup(const char *s)
{
    return evm_xstrndup(s, strlen(s));
}

char *evm_xstrndup(const char *s, size_t n)
{
    char *p = evm_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void evm_grow(void **items, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return;
    size_t c = *cap ? *cap : 16;
    while (c < need) {
        if (c > ((size_t)-1) / 2 / size)
            out_of_memory(need * size);
        c *= 2;
    }
    *items = evm_xrealloc(*items, c * size);
    *cap = c;
}
