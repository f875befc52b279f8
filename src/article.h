/* article.h: reading articles (stage 1): plain text with an optional `date` header line and
 * dateline, or JSONL ({"id","date","title","text"} a line), from files or stdin.
 *
 * A reader yields one evm_doc at a time, so a JSONL stream of any length needs memory for
 * one article only. Plain text:
 *
 *     date 2025-04-17 Headline of the article      (optional; leading spaces allowed)
 *     PARIS                                        (optional dateline: a place in capitals)
 *     Body ...
 *
 * The document's text is the whole file (invalid UTF-8 and NUL replaced by U+FFFD) and
 * doc->body is where the body starts, so every offset refers to the file as written.
 */
#ifndef EVM_ARTICLE_H
#define EVM_ARTICLE_H

#include <stdbool.h>
#include <stddef.h>

#include "doc.h"

/* The longest article text evmap accepts (bytes); a longer one is an EVM_ERR_INPUT. News
 * articles are a few kilobytes; a text this long is a book, a dump or an attack. */
#define EVM_MAX_ARTICLE ((size_t)4 << 20)

typedef struct evm_read_opts {
    evm_date date; /* publication date to use when precision != UNKNOWN (--date) */
    bool jsonl;    /* force JSONL (otherwise by extension .jsonl/.ndjson, or sniffed) */
} evm_read_opts;

typedef struct evm_reader evm_reader;

/* Opens `path` ("-" for stdin). A directory is an error here: expand it first with
 * evm_article_list_dir. Errors: EVM_ERR_IO (missing, unreadable, a directory). */
evm_err evm_article_open(const char *path, const evm_read_opts *opts, evm_reader **out,
                         evm_diag *diag);

/* The next article. On success *doc is a new document (caller frees) or NULL at the end.
 * EVM_ERR_INPUT means this one article is bad (not JSON, no text, empty, binary); the
 * reader stays usable and the next call moves on. EVM_ERR_IO is fatal for the reader. */
evm_err evm_article_next(evm_reader *r, evm_doc **doc, evm_diag *diag);

/* A warning about the article last returned (invalid UTF-8 replaced, a date ignored), or
 * NULL. Valid until the next call on the reader. */
const char *evm_article_warning(const evm_reader *r);

/* Position of the article last returned, for messages: the line number in a JSONL file,
 * 1 for a plain text file. */
size_t evm_article_position(const evm_reader *r);

/* Bytes of the input consumed so far, and its total size (0 when unknown: a pipe). */
size_t evm_article_bytes_read(const evm_reader *r);
size_t evm_article_bytes_total(const evm_reader *r);

/* True when the reader reads JSONL. */
bool evm_article_is_jsonl(const evm_reader *r);

void evm_article_close(evm_reader *r);

/* Parses a plain text article held in memory; `id` names it. Same rules as a file. */
evm_err evm_article_parse_text(const char *data, size_t n, const char *id,
                               const evm_read_opts *opts, evm_doc **out, evm_diag *diag);

/* Parses one JSONL line held in memory. `fallback_id` is used when it has no "id". */
evm_err evm_article_parse_json(const char *line, size_t n, const char *fallback_id,
                               const evm_read_opts *opts, evm_doc **out, evm_diag *diag);

/* The *.txt, *.jsonl and *.ndjson files of a directory, in name order, as "dir/name"
 * heap strings in a heap array (caller frees each and the array). */
evm_err evm_article_list_dir(const char *dir, char ***files, size_t *n, evm_diag *diag);

/* The stem of a path: "docs/examples/sample.txt" -> "sample" (heap string). */
char *evm_article_stem(const char *path);

#endif
