/* pipeline.h: runs the stages over documents and inputs: read -> segment -> spot ->
 * resolve -> extract for each document, then merge, export and render for each input.
 * The CLI (main.c) calls these; so do the end-to-end tests. */
#ifndef EVM_PIPELINE_H
#define EVM_PIPELINE_H

#include <stdbool.h>
#include <stdio.h>

#include "article.h"
#include "batch.h"

/* Everything a run needs that outlives one document. */
typedef struct evm_pipeline_opts {
    const char *gazetteer; /* index path, NULL to search the default places */
    evm_read_opts read;    /* --date, --jsonl */
    bool quiet;            /* -q: no summary lines */
} evm_pipeline_opts;

typedef struct evm_pipeline evm_pipeline;

/* Opens what the stages share (the gazetteer). */
evm_err evm_pipeline_new(const evm_pipeline_opts *opts, evm_pipeline **out, evm_diag *diag);
void evm_pipeline_free(evm_pipeline *p);

/* Runs segment, spot, resolve and extract on one document. */
evm_err evm_pipeline_doc(evm_pipeline *p, evm_doc *doc, evm_diag *diag);

/* What the caller hears while an input is processed (any member may be NULL). */
typedef struct evm_pipeline_hooks {
    void *ctx;
    /* A problem that does not stop the batch: err != EVM_OK for a skipped article,
     * EVM_OK for a warning. */
    void (*report)(void *ctx, evm_err err, const char *msg);
    /* After each article: articles done, bytes of the input read, its size (0 when
     * unknown, as for stdin). */
    void (*progress)(void *ctx, size_t articles, size_t bytes, size_t total);
} evm_pipeline_hooks;

/* Reads every article of one input file ("-" for stdin), runs the document stages on each
 * and collects the results in *out (a new batch named after the input's stem; caller
 * frees). Bad articles are reported through hooks->report and counted in *skipped; the
 * batch still holds the others. Returns an error only when the input itself cannot be
 * read. */
evm_err evm_pipeline_input(evm_pipeline *p, const char *path, evm_batch **out, size_t *skipped,
                           const evm_pipeline_hooks *hooks, evm_diag *diag);

#endif
