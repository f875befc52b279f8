/* fuzz_article.c: libFuzzer harness for the article reader: the same bytes as a plain text
 * article and as a JSONL line, then segmentation of whatever was read. The JSONL line is
 * also read by json-c alone, and both readings must agree to the byte. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "article.h"
#include "segment.h"

static void same_or_abort(evm_err ea, const evm_doc *a, const evm_diag *da, evm_err eb,
                          const evm_doc *b, const evm_diag *db)
{
    if (ea != eb)
        abort();
    if (ea) {
        if (strcmp(da->msg, db->msg) != 0)
            abort();
        return;
    }
    if (strcmp(a->id, b->id) != 0 || strcmp(a->title, b->title) != 0 || a->len != b->len ||
        memcmp(a->text, b->text, a->len) != 0 || a->n_replaced != b->n_replaced ||
        memcmp(&a->published, &b->published, sizeof a->published) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    evm_doc *doc = NULL, *ref = NULL;
    evm_diag d, dr;
    if (evm_article_parse_text((const char *)data, size, "fuzz", NULL, &doc, &d) == EVM_OK) {
        evm_segment_run(doc);
        evm_doc_free(doc);
    }
    evm_err e = evm_article_parse_json((const char *)data, size, "fuzz:1", NULL, &doc, &d);
    evm_err er =
        evm_article_parse_json_generic((const char *)data, size, "fuzz:1", NULL, &ref, &dr);
    same_or_abort(e, doc, &d, er, ref, &dr);
    evm_doc_free(ref);
    if (e == EVM_OK) {
        evm_segment_run(doc);
        evm_doc_free(doc);
    }
    return 0;
}
