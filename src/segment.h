/* segment.h: sentences and tokens with byte offsets (stage 2, after article reading).
 *
 * Tokens: a WORD keeps inner apostrophes, hyphens and periods of abbreviations
 * ("O'Hare", "Ivano-Frankivsk", "Kharkiv-based", "U.S.", "St."), with EVM_TOKF_ABBREV when
 * its final period belongs to it. A possessive "'s"/"’s" is not part of the token: the token
 * ends before it and carries EVM_TOKF_POSSESSIVE. A NUMBER keeps inner "," and "." between
 * digits ("1,200", "3.5"). Every other visible character is a one-character PUNCT (or
 * SYMBOL) token. Sentences split at . ! ? (and line breaks between paragraphs) unless the
 * period ends a known abbreviation or an initial; closing quotes and brackets stay with the
 * sentence they close.
 */
#ifndef EVM_SEGMENT_H
#define EVM_SEGMENT_H

#include "doc.h"

/* Fills doc->sentences and doc->tokens for doc->text[doc->body .. doc->len).
 * Clears any earlier segmentation. Never fails on valid UTF-8 (the reader guarantees it). */
void evm_segment_run(evm_doc *doc);

/* True when the word w[0..n) (without its final period) is a known abbreviation that
 * does not end a sentence by itself ("Gen", "St", "Jan", "Mr", "U.S" ...). */
bool evm_segment_is_abbrev(const char *w, size_t n);

#endif
