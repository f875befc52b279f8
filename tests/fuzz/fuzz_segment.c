/* fuzz_segment.c: libFuzzer harness for UTF-8 repair, folding, offset conversion and
 * segmentation on arbitrary bytes. Checks the invariants the later stages rely on. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "doc.h"
#include "segment.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    evm_doc *doc = evm_doc_new();
    evm_utf8_repair((const char *)data, size, &doc->text, &doc->len);
    evm_segment_run(doc);
    evm_utf8_index *ix = evm_utf8_index_new(doc->text, doc->len);
    size_t prev_end = 0;
    for (size_t i = 0; i < doc->n_tokens; i++) {
        const evm_token *t = &doc->tokens[i];
        if (t->start >= t->end || t->end > doc->len || t->start < prev_end ||
            t->sentence >= doc->n_sentences)
            abort();
        prev_end = t->end;
        if (evm_utf8_index_cp(ix, t->end) < evm_utf8_index_cp(ix, t->start))
            abort();
    }
    for (size_t i = 0; i < doc->n_sentences; i++) {
        const evm_sentence *s = &doc->sentences[i];
        if (s->tok_count == 0 || s->tok_first + s->tok_count > doc->n_tokens)
            abort();
    }
    size_t n;
    free(evm_utf8_fold(doc->text, doc->len, &n));
    free(evm_utf8_fold((const char *)data, size, &n));
    evm_utf8_index_free(ix);
    evm_doc_free(doc);
    return 0;
}
