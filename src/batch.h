/* batch.h: the events and places of several documents, merged, as exporters and the
 * renderer read them. A batch is what one output folder shows: the documents of one input
 * file (a .txt, or every line of a .jsonl). Documents are added one at a time and may be
 * freed right after, so a stream of articles needs memory for one article plus the batch.
 *
 * Ownership: the batch owns copies of everything it holds (strings in its arena). Places
 * are deduplicated by (geonameid, name, country) with mention counts and surface forms
 * summed; events keep `place` as an index into batch->places and `mention` = -1.
 */
#ifndef EVM_BATCH_H
#define EVM_BATCH_H

#include "doc.h"

typedef struct evm_batch {
    evm_doc *store;       /* an empty doc used only for its arena and arrays */
    const char *name;     /* the input's stem ("article"), names the output folder */
    const char *title;    /* the first document's headline, "" when none */
    evm_date first, last; /* publication date range of the documents added */
    size_t n_docs;
    evm_place *places; /* aliases of store->places */
    size_t n_places;
    evm_event *events; /* aliases of store->events */
    size_t n_events;
} evm_batch;

/* A new empty batch named `name` (copied). */
evm_batch *evm_batch_new(const char *name);
void evm_batch_free(evm_batch *b);

/* Copies doc's places (with its mentions' counts and surface forms) and events into the
 * batch, remapping place indexes. Does not merge events: call evm_event_merge(b) for
 * that. */
void evm_batch_add_doc(evm_batch *b, const evm_doc *doc);

/* Interns a place into the batch (as evm_doc_place_intern) and returns its index. */
int32_t evm_batch_place(evm_batch *b, const evm_place *p);

/* Counts events of one kind. */
size_t evm_batch_count(const evm_batch *b, evm_event_kind kind);

#endif
