/* fuzz_article.c: libFuzzer harness for the article reader: the same bytes as a plain text
 * article and as a JSONL line, then segmentation of whatever was read. */
#include <stddef.h>
#include <stdint.h>

#include "article.h"
#include "segment.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    evm_doc *doc = NULL;
    evm_diag d;
    if (evm_article_parse_text((const char *)data, size, "fuzz", NULL, &doc, &d) == EVM_OK) {
        evm_segment_run(doc);
        evm_doc_free(doc);
    }
    if (evm_article_parse_json((const char *)data, size, "fuzz:1", NULL, &doc, &d) == EVM_OK) {
        evm_segment_run(doc);
        evm_doc_free(doc);
    }
    return 0;
}
