/* projapi.c: loads libproj with dlopen on the first call that needs PROJ (opening a map
 * view, for render and the basemap) and fills the table of PROJ functions. */
#define EVM_PROJAPI_IMPL
#include "projapi.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#ifndef EVM_PROJ_SONAME
#define EVM_PROJ_SONAME "libproj.so"
#endif

evm_proj_api evm_proj_fn;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static evm_err load_rc = EVM_OK;
static char load_msg[EVM_DIAG_MAX];

static void load(void)
{
    /* the soname found at build time, then the development symlink */
    void *h = dlopen(EVM_PROJ_SONAME, RTLD_LAZY | RTLD_LOCAL);
    if (!h)
        h = dlopen("libproj.so", RTLD_LAZY | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        snprintf(load_msg, sizeof load_msg, "cannot load PROJ (%s): %s", EVM_PROJ_SONAME,
                 e ? e : "unknown error");
        load_rc = EVM_ERR_PROJ;
        return;
    }
#define EVM_PROJ_LOOKUP(f)                                                                         \
    if (load_rc == EVM_OK) {                                                                       \
        void *sym = dlsym(h, #f);                                                                  \
        if (sym) {                                                                                 \
            memcpy(&evm_proj_fn.f, &sym, sizeof sym);                                              \
        } else {                                                                                   \
            snprintf(load_msg, sizeof load_msg, "PROJ (%s) lacks %s", EVM_PROJ_SONAME, #f);        \
            load_rc = EVM_ERR_PROJ;                                                                \
        }                                                                                          \
    }
    EVM_PROJ_FUNCS(EVM_PROJ_LOOKUP)
#undef EVM_PROJ_LOOKUP
}

evm_err evm_proj_load(evm_diag *diag)
{
    pthread_once(&once, load);
    if (load_rc != EVM_OK)
        return evm_diag_set(diag, load_rc, "%s", load_msg);
    return EVM_OK;
}
