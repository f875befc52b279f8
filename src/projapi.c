/* projapi.c: loads libproj with dlopen on the first call that needs PROJ (opening a map
 * view, for render and the basemap) and fills the table of PROJ functions. */
#define EVM_PROJAPI_IMPL
#include "projapi.h"

#include <pthread.h>
#include <stddef.h>

#include "dlload.h"

#ifndef EVM_PROJ_SONAME
#define EVM_PROJ_SONAME "libproj.so"
#endif

evm_proj_api evm_proj_fn;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static evm_err load_rc = EVM_OK;
static char load_msg[EVM_DIAG_MAX];

static void load(void)
{
#define EVM_PROJ_SYM(f) {#f, offsetof(evm_proj_api, f)},
    static const evm_dl_sym syms[] = {EVM_PROJ_FUNCS(EVM_PROJ_SYM)};
#undef EVM_PROJ_SYM
    /* the soname found at build time, then the development symlink */
    if (!evm_dl_load("PROJ", EVM_PROJ_SONAME, "libproj.so", &evm_proj_fn, syms,
                     sizeof syms / sizeof *syms, load_msg, sizeof load_msg))
        load_rc = EVM_ERR_PROJ;
}

evm_err evm_proj_load(evm_diag *diag)
{
    pthread_once(&once, load);
    if (load_rc != EVM_OK)
        return evm_diag_set(diag, load_rc, "%s", load_msg);
    return EVM_OK;
}
