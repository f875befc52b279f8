/* dlload.c: opens a shared library with dlopen and fills a table of its functions (see
 * dlload.h); used by gdalapi.c and projapi.c, which load GDAL and PROJ on first use. */
#include "dlload.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

bool evm_dl_load(const char *what, const char *soname, const char *devname, void *table,
                 const evm_dl_sym *syms, size_t n, char *msg, size_t msg_size)
{
    void *h = dlopen(soname, RTLD_LAZY | RTLD_LOCAL);
    if (!h)
        h = dlopen(devname, RTLD_LAZY | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(msg, msg_size, "cannot load %s (%s): %s", what, soname, e ? e : "unknown error");
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        void *sym = dlsym(h, syms[i].name);
        if (!sym) {
            snprintf(msg, msg_size, "%s (%s) lacks %s", what, soname, syms[i].name);
            return false;
        }
        /* a data pointer turned function pointer, byte for byte (dlsym's contract) */
        memcpy((char *)table + syms[i].offset, &sym, sizeof sym);
    }
    return true;
}
