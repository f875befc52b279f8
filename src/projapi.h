/* projapi.h: PROJ loaded on first use. evmap does not link libproj: PROJ and the ~40 shared
 * libraries it pulls in (curl, TLS, Kerberos, SQLite, TIFF, C++) cost the dynamic linker
 * millions of instructions at every start, although only the map views (basemap.c, render.c)
 * call it; geoparse and extract never do. Modules that call PROJ include this header
 * instead of <proj.h> and call evm_proj_load() first (evm_view_open does, and every other
 * PROJ call goes through an open view); each PROJ function goes through a pointer looked up
 * once with dlsym (the names stay PROJ's, as macros). PROJ's types come from <proj.h>. */
#ifndef EVM_PROJAPI_H
#define EVM_PROJAPI_H

#include <proj.h>

#include "evmap.h"

/* Every PROJ function evmap calls (add a function here and below to call it). */
#define EVM_PROJ_FUNCS(X)                                                                          \
    X(proj_as_wkt)                                                                                 \
    X(proj_context_create)                                                                         \
    X(proj_context_destroy)                                                                        \
    X(proj_context_errno)                                                                          \
    X(proj_context_errno_string)                                                                   \
    X(proj_coord)                                                                                  \
    X(proj_coordoperation_get_param)                                                               \
    X(proj_coordoperation_get_param_count)                                                         \
    X(proj_create)                                                                                 \
    X(proj_create_crs_to_crs_from_pj)                                                              \
    X(proj_crs_get_coordinate_system)                                                              \
    X(proj_crs_get_coordoperation)                                                                 \
    X(proj_cs_get_axis_info)                                                                       \
    X(proj_destroy)                                                                                \
    X(proj_errno_reset)                                                                            \
    X(proj_get_type)                                                                               \
    X(proj_is_crs)                                                                                 \
    X(proj_log_func)                                                                               \
    X(proj_lp_dist)                                                                                \
    X(proj_normalize_for_visualization)                                                            \
    X(proj_trans)                                                                                  \
    X(proj_trans_generic)

/* The PROJ functions, filled by evm_proj_load. */
typedef struct evm_proj_api {
#define EVM_PROJ_FIELD(f) __typeof__(f) *f;
    EVM_PROJ_FUNCS(EVM_PROJ_FIELD)
#undef EVM_PROJ_FIELD
} evm_proj_api;

extern evm_proj_api evm_proj_fn;

/* Loads libproj and looks up every function above, once per process (thread-safe); later
 * calls return the first outcome. Errors: EVM_ERR_PROJ (library missing or too old). */
evm_err evm_proj_load(evm_diag *diag);

#ifndef EVM_PROJAPI_IMPL
#define proj_as_wkt (evm_proj_fn.proj_as_wkt)
#define proj_context_create (evm_proj_fn.proj_context_create)
#define proj_context_destroy (evm_proj_fn.proj_context_destroy)
#define proj_context_errno (evm_proj_fn.proj_context_errno)
#define proj_context_errno_string (evm_proj_fn.proj_context_errno_string)
#define proj_coord (evm_proj_fn.proj_coord)
#define proj_coordoperation_get_param (evm_proj_fn.proj_coordoperation_get_param)
#define proj_coordoperation_get_param_count (evm_proj_fn.proj_coordoperation_get_param_count)
#define proj_create (evm_proj_fn.proj_create)
#define proj_create_crs_to_crs_from_pj (evm_proj_fn.proj_create_crs_to_crs_from_pj)
#define proj_crs_get_coordinate_system (evm_proj_fn.proj_crs_get_coordinate_system)
#define proj_crs_get_coordoperation (evm_proj_fn.proj_crs_get_coordoperation)
#define proj_cs_get_axis_info (evm_proj_fn.proj_cs_get_axis_info)
#define proj_destroy (evm_proj_fn.proj_destroy)
#define proj_errno_reset (evm_proj_fn.proj_errno_reset)
#define proj_get_type (evm_proj_fn.proj_get_type)
#define proj_is_crs (evm_proj_fn.proj_is_crs)
#define proj_log_func (evm_proj_fn.proj_log_func)
#define proj_lp_dist (evm_proj_fn.proj_lp_dist)
#define proj_normalize_for_visualization (evm_proj_fn.proj_normalize_for_visualization)
#define proj_trans (evm_proj_fn.proj_trans)
#define proj_trans_generic (evm_proj_fn.proj_trans_generic)
#endif

#endif
