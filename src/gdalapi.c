/* gdalapi.c: loads libgdal with dlopen on the first call that needs OGR (layer export and
 * reading, the basemap's TopoJSON fallback) and fills the table of GDAL functions. */
#define EVM_GDALAPI_IMPL
#include "gdalapi.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#ifndef EVM_GDAL_SONAME
#define EVM_GDAL_SONAME "libgdal.so"
#endif

evm_gdal_api evm_gdal_fn;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static evm_err load_rc = EVM_OK;
static char load_msg[EVM_DIAG_MAX];

static void load(void)
{
    /* the soname found at build time, then the development symlink */
    void *h = dlopen(EVM_GDAL_SONAME, RTLD_LAZY | RTLD_LOCAL);
    if (!h)
        h = dlopen("libgdal.so", RTLD_LAZY | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(load_msg, sizeof load_msg, "cannot load GDAL (%s): %s", EVM_GDAL_SONAME,
                 e ? e : "unknown error");
        load_rc = EVM_ERR_GDAL;
        return;
    }
#define EVM_GDAL_LOOKUP(f)                                                                         \
    if (load_rc == EVM_OK) {                                                                       \
        void *sym = dlsym(h, #f);                                                                  \
        if (sym) {                                                                                 \
            memcpy(&evm_gdal_fn.f, &sym, sizeof sym);                                              \
        } else {                                                                                   \
            snprintf(load_msg, sizeof load_msg, "GDAL (%s) lacks %s", EVM_GDAL_SONAME, #f);        \
            load_rc = EVM_ERR_GDAL;                                                                \
        }                                                                                          \
    }
    EVM_GDAL_FUNCS(EVM_GDAL_LOOKUP)
#undef EVM_GDAL_LOOKUP
}

evm_err evm_gdal_load(evm_diag *diag)
{
    pthread_once(&once, load);
    if (load_rc != EVM_OK)
        return evm_diag_set(diag, load_rc, "%s", load_msg);
    return EVM_OK;
}
