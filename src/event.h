/* event.h: event extraction (stage 5, after resolve): strikes and meetings with place, date,
 * casualties, weapon, actor and participants, merged within a document and across a batch.
 * The event fields are documented in docs/events.md. */
#ifndef EVM_EVENT_H
#define EVM_EVENT_H

#include "batch.h"
#include "doc.h"

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

/* The same merge over st->events in place, st being one document (evm_event_extract merges
 * its own mentions with it) or a batch's store. */
void evm_event_merge_doc(evm_doc *st);

/* "strike" / "meeting". */
const char *evm_event_kind_name(evm_event_kind kind);
/* "occurred" / "planned". */
const char *evm_event_status_name(evm_event_status status);
/* "day", "week", "month", "year", "unknown". */
const char *evm_event_precision_name(evm_date_precision precision);
/* "city", "region" or "country": how precisely the place locates the event. */
const char *evm_event_geo_precision(const evm_place *place);

#endif
