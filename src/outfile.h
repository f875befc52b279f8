/* outfile.h: outputs written completely or not at all. Every output file is first written
 * under a temporary name in the same folder and renamed over the final name only when it
 * is complete, so an interrupted or failed run never leaves a half-written file and an
 * existing good file is only replaced by a complete new one. Temporary files are
 * registered so that a signal handler can remove them (evm_outfile_cleanup). */
#ifndef EVM_OUTFILE_H
#define EVM_OUTFILE_H

#include <stdbool.h>

#include "evmap.h"

/* A temporary path next to `final` that keeps its name and extension visible
 * ("out/a/.strikes.geojson.tmp-1234" would hide the extension from drivers, so it is
 * "out/a/.tmp-1234-strikes.geojson"). The path is registered for cleanup. Heap string,
 * released by evm_outfile_commit or evm_outfile_abort. */
char *evm_outfile_begin(const char *final);

/* Flushes the temporary file to disk and renames it over `final`; frees `tmp`. On failure
 * the temporary file is removed and the final file, if any, is untouched. */
evm_err evm_outfile_commit(char *tmp, const char *final, evm_diag *diag);

/* Removes the temporary file (if it exists) and frees `tmp`. Accepts NULL. */
void evm_outfile_abort(char *tmp);

/* Removes every registered temporary file. Async-signal-safe: for signal handlers. */
void evm_outfile_cleanup(void);

#endif
