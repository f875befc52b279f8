/* fuzz_geoparse.c: libFuzzer harness for the document stages on arbitrary text: reading,
 * segmentation, spotting, resolution against the built gazetteer, and event extraction.
 * The gazetteer comes from $EVMAP_GAZETTEER or the build tree. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "article.h"
#include "event.h"
#include "gazetteer.h"
#include "geoparse.h"

static evm_gaz *gaz;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    evm_diag d;
    if (evm_gazetteer_open_default(NULL, &gaz, &d) != EVM_OK) {
        fprintf(stderr, "fuzz_geoparse: %s\n", d.msg);
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    evm_doc *doc;
    evm_diag d;
    evm_read_opts o = {0};
    o.date = (evm_date){2025, 4, 17, EVM_DATE_DAY};
    if (evm_article_parse_text((const char *)data, size, "fuzz", &o, &doc, &d) != EVM_OK)
        return 0;
    if (evm_geoparse_doc(gaz, doc, &d) == EVM_OK) {
        for (size_t i = 0; i < doc->n_mentions; i++) {
            const evm_mention *m = &doc->mentions[i];
            if (m->start >= m->end || m->end > doc->len ||
                (m->place >= 0 && (size_t)m->place >= doc->n_places))
                abort();
        }
        evm_event_extract(doc, &d);
        for (size_t i = 0; i < doc->n_events; i++)
            if (doc->events[i].place < 0 || (size_t)doc->events[i].place >= doc->n_places)
                abort();
        free(evm_geoparse_json(doc));
    }
    evm_doc_free(doc);
    return 0;
}
