/* dlload.h: the run-time loader gdalapi.c and projapi.c share: opens a shared library by
 * the soname found at build time (then its development symlink) and fills a table of
 * function pointers by name. */
#ifndef EVM_DLLOAD_H
#define EVM_DLLOAD_H

#include <stdbool.h>
#include <stddef.h>

/* A function of the table: its name and where its pointer sits in the table. */
typedef struct evm_dl_sym {
    const char *name;
    size_t offset;
} evm_dl_sym;

/* Opens soname (else devname) and stores the address of each of the n symbols at
 * table + syms[i].offset. On failure writes why into msg, naming the library as what
 * ("GDAL"), and returns false; the library stays loaded for the process's life. */
bool evm_dl_load(const char *what, const char *soname, const char *devname, void *table,
                 const evm_dl_sym *syms, size_t n, char *msg, size_t msg_size);

#endif
