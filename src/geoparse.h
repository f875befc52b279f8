/* geoparse.h: `evmap geoparse`: the toponyms of articles as JSONL, one line per article in
 * input order (read -> segment -> spot -> resolve for each article, on N threads). */
#ifndef EVM_GEOPARSE_H
#define EVM_GEOPARSE_H

#include <stdio.h>

#include "article.h"
#include "doc.h"
#include "gazetteer.h"

/* Runs segment, spot and resolve on one document. */
evm_err evm_geoparse_doc(const evm_gaz *gaz, evm_doc *doc, evm_diag *diag);

/* The document's toponyms as one JSON line (no newline), a heap string the caller frees:
 * {"id": ..., "toponyms": [{"start", "end", "text", "name", "geonameid", "country",
 * "admin1", "feature", "lat", "lon", "score", "metonymy"}]}, start/end in Unicode code
 * points of doc->text, end exclusive; geonameid null for places not from GeoNames. */
char *evm_geoparse_json(const evm_doc *doc);

/* Writes s[0..n) as a JSON string literal, quotes included, into out (room for at least
 * 6 * n + 2 bytes; no NUL is added) and returns the bytes written. Escapes as json-c does
 * with JSON_C_TO_STRING_NOSLASHESCAPE: \" \\ \b \f \n \r \t, other control
 * characters as \u00xx; every other byte (UTF-8 included) is copied as it is. */
size_t evm_geoparse_json_escape(char *out, const char *s, size_t n);

/* Writes v with `decimals` (0..6) digits after the point into out (room for
 * EVM_GEOPARSE_FIXED_MAX bytes, NUL-terminated), exactly as printf's "%.*f" does, and
 * returns the length. */
#define EVM_GEOPARSE_FIXED_MAX 330 /* "%.6f" of -DBL_MAX is 316 characters */
size_t evm_geoparse_fixed(char *out, double v, int decimals);

/* Reads the articles of `path` ("-" for stdin) and writes one JSON line per article to
 * out, in input order, using `threads` worker threads (<= 1: the calling thread only).
 * A bad article is skipped (counted in *skipped, its message passed to report when not
 * NULL). Errors: EVM_ERR_IO for an input that cannot be read or an output that cannot be
 * written. */
evm_err evm_geoparse_run(const evm_gaz *gaz, const char *path, const evm_read_opts *opts,
                         int threads, FILE *out, size_t *skipped,
                         void (*report)(void *ctx, const char *msg), void *ctx, evm_diag *diag);

#endif
