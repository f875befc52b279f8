/* resolve.h: toponym resolution (stage 4, after spot, before extract): chooses the place
 * each mention names, in the context of the whole document.
 *
 * Evidence, for every candidate of a mention (spot.c found them): a prior from its kind
 * (country, first-level region, city...), population and capital status; explicit
 * qualifiers ("Paris, Texas", "the Ukrainian city of Dnipro"); cue words ("city of",
 * "X region"); the document's countries and first-level regions, voted by the dateline,
 * demonyms and the other mentions; and spatial coherence with the other places chosen.
 * Choices are refined over a few rounds, then one sense per name per document is
 * enforced unless a mention is qualified. Metonymic uses ("Washington said", "the
 * Kremlin") keep their place and get metonymy = true.
 */
#ifndef EVM_RESOLVE_H
#define EVM_RESOLVE_H

#include "doc.h"
#include "gazetteer.h"

/* Resolves doc->mentions (filled by evm_spot_run, which also fills doc->demonyms): sets place
 * (interned into doc->places with evm_gazetteer_to_place), match, score (confidence 0..1: the
 * recognition confidence times the chosen candidate's share of the evidence) and metonymy, and
 * counts mentions, metonymic uses and the best score on each place. Mentions left without a place
 * (no candidate, or too little evidence for a weak span) are REMOVED from doc->mentions, so every
 * mention after this stage has place >= 0. Fails only when gaz is NULL. */
evm_err evm_resolve_run(evm_doc *doc, const evm_gaz *gaz, evm_diag *diag);

/* Great-circle distance in kilometres between two points given in degrees. */
double evm_resolve_km(double lat1, double lon1, double lat2, double lon2);

#endif
