/* gdalapi.c: loads libgdal with dlopen on the first call that needs OGR (layer export and
 * reading, the basemap's TopoJSON fallback) and fills the table of GDAL functions. */
#define EVM_GDALAPI_IMPL
#include "gdalapi.h"

#include <pthread.h>
#include <stddef.h>

#include "dlload.h"

#ifndef EVM_GDAL_SONAME
#define EVM_GDAL_SONAME "libgdal.so"
#endif

evm_gdal_api evm_gdal_fn;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static evm_err load_rc = EVM_OK;
static char load_msg[EVM_DIAG_MAX];

static void load(void)
{
#define EVM_GDAL_SYM(f) {#f, offsetof(evm_gdal_api, f)},
    static const evm_dl_sym syms[] = {EVM_GDAL_FUNCS(EVM_GDAL_SYM)};
#undef EVM_GDAL_SYM
    /* the soname found at build time, then the development symlink */
    if (!evm_dl_load("GDAL", EVM_GDAL_SONAME, "libgdal.so", &evm_gdal_fn, syms,
                     sizeof syms / sizeof *syms, load_msg, sizeof load_msg))
        load_rc = EVM_ERR_GDAL;
}

evm_err evm_gdal_load(evm_diag *diag)
{
    pthread_once(&once, load);
    if (load_rc != EVM_OK)
        return evm_diag_set(diag, load_rc, "%s", load_msg);
    return EVM_OK;
}
