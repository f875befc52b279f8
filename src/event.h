/* event.h: event extraction (stage 5, after resolve): strikes and meetings with place, date,
 * casualties, weapon, actor and participants, merged within a document and across a batch.
 * The event fields are documented in docs/events.md. */
#ifndef EVM_EVENT_H
#define EVM_EVENT_H

#include <stdio.h>

#include "article.h"
#include "batch.h"
#include "doc.h"
#include "gazetteer.h"

/* Appends the strikes and meetings stated in doc's text to doc->events, then merges the
 * document's own mentions of one event (same kind, place and compatible dates). Needs
 * doc->sentences/tokens (segment) and doc->mentions/places (spot, resolve); metonymic
 * mentions and country- or continent-level places are never event locations. Dates are
 * resolved against doc->published (unknown when the text gives none). Never fails on a
 * segmented document; returns EVM_ERR_INTERNAL (with diag) when doc is not segmented. */
evm_err evm_event_extract(evm_doc *doc, evm_diag *diag);

/* Merges the batch's events of the same kind and place with compatible dates (equal, one
 * unknown, or one containing the other) into one: the most precise date, every source,
 * the union of participants, and for counts the best-supported figure (the value most
 * sources give; on a tie the larger). Ids are recomputed from the merged kind, place and
 * date, so they are stable across runs. */
void evm_event_merge(evm_batch *b);

/* "strike" / "meeting". */
const char *evm_event_kind_name(evm_event_kind kind);
/* "occurred" / "planned". */
const char *evm_event_status_name(evm_event_status status);
/* "day", "week", "month", "year", "unknown". */
const char *evm_event_precision_name(evm_date_precision precision);
/* "city", "region" or "country": how precisely the place locates the event. */
const char *evm_event_geo_precision(const evm_place *place);

/* The event as one JSON object (no newline), with the fields of docs/events.md; places are
 * looked up in `places` (a document's or a batch's). A heap string the caller frees. */
char *evm_event_json(const evm_event *e, const evm_place *places, size_t n_places);

/* `evmap events`: reads the articles of `path` ("-" for stdin), runs segment, spot, resolve
 * and extract on each, merges the events of all of them as one batch, and writes one JSON
 * line per event (evm_event_json) to out. A bad article is skipped (counted in *skipped, its
 * message passed to report when not NULL). Errors: EVM_ERR_IO for an input that cannot be
 * read or an output that cannot be written. */
evm_err evm_event_run(const evm_gaz *gaz, const char *path, const evm_read_opts *opts, FILE *out,
                      size_t *skipped, void (*report)(void *ctx, const char *msg), void *ctx,
                      evm_diag *diag);

#endif
