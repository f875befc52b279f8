/* segment.c: sentences and tokens with byte offsets (stage 2, after article reading).
 *
 * One pass over the body builds tokens; a second pass groups them into sentences. A
 * sentence ends at . ! ? or … when what follows looks like a new sentence (a capital, a
 * digit, an opening quote, a paragraph break or the end of the text), so "the killers...
 * to end" stays one sentence. A period that belongs to an abbreviation ends a sentence
 * only when the next word is a typical sentence opener ("in the U.S. The talks ...").
 *
 * Speed: the token pass classifies ASCII bytes through one 256-entry table and takes a
 * short way for the usual ASCII word, whose end it finds in a bit map of the bytes that
 * are no ASCII letter or digit (built eight bytes a step); it also notes the few tokens
 * where a sentence may end, so the sentence pass visits those only.
 */
#include "segment.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "swar.h"
#include "utf8.h"

/* Abbreviations whose period never ends a sentence (titles, months, "St."). Lowercase,
 * compared after folding ASCII case; every list here is sorted in strcmp order, for
 * binary search. */
static const char *const title_abbrevs[] = {
    "adm",  "al",     "approx", "apr",  "atty", "aug",  "ave",  "blvd", "brig", "bros", "ca",
    "capt", "cf",     "cmdr",   "co",   "col",  "corp", "cpl",  "cpt",  "dec",  "dept", "det",
    "dr",   "e.g",    "est",    "etc",  "feb",  "fr",   "ft",   "gen",  "gens", "gov",  "hon",
    "hwy",  "i.e",    "inc",    "insp", "jan",  "jr",   "jul",  "jun",  "lt",   "ltd",  "maj",
    "mar",  "messrs", "mlle",   "mme",  "mr",   "mrs",  "ms",   "msgr", "mt",   "no",   "nos",
    "nov",  "oct",    "pres",   "prof", "pvt",  "rd",   "rep",  "reps", "rev",  "sen",  "sens",
    "sep",  "sept",   "sgt",    "sr",   "st",   "ste",  "supt", "univ", "v",    "vs"};

/* US state abbreviations in AP style: they take a period and often end a sentence. */
static const char *const other_abbrevs[] = {
    "a.m",  "ala",   "ariz", "ark", "calif", "colo", "conn", "d.c",  "del", "e.u",  "fla",
    "ga",   "ill",   "ind",  "kan", "kans",  "ky",   "la",   "mass", "md",  "mich", "minn",
    "miss", "mo",    "mont", "n.c", "n.d",   "n.h",  "n.j",  "n.m",  "n.y", "neb",  "nev",
    "okla", "ore",   "p.m",  "pa",  "r.i",   "s.c",  "s.d",  "tenn", "tex", "u.k",  "u.n",
    "u.s",  "u.s.a", "va",   "vt",  "w.va",  "wash", "wis",  "wyo"};

/* Words that typically open a sentence; after an abbreviation they mark a break. */
static const char *const openers[] = {
    "a",    "after", "an",    "and",       "as",    "at",    "authorities", "before",
    "but",  "he",    "her",   "his",       "i",     "if",    "in",          "it",
    "its",  "many",  "most",  "officials", "on",    "one",   "our",         "police",
    "she",  "some",  "that",  "the",       "their", "there", "these",       "they",
    "this", "those", "three", "two",       "we",    "when",  "while"};

/* Compares a[0..n) with ASCII case folded against the lowercase word b, as strcmp does. */
static int ascii_icmp(const char *a, size_t n, const char *b)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)a[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + 32);
        unsigned char d = (unsigned char)b[i];
        if (d == '\0')
            return 1;
        if (c != d)
            return c < d ? -1 : 1;
    }
    return b[n] == '\0' ? 0 : -1;
}

static bool in_list(const char *w, size_t n, const char *const *list, size_t count)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = ascii_icmp(w, n, list[mid]);
        if (c == 0)
            return true;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return false;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The abbreviation lists as 64-bit keys in a hash set, built once: a word of at most 7
 * bytes is its bytes with ASCII case folded, plus its length in the top byte. Every
 * abbreviation is that short, so a longer word is none. The set is open-addressed (linear
 * probing, at most half full); each slot remembers which list its key came from. */
#define KEY_MAX 7
#define ABBREV_SLOTS 256

enum { ABBREV_TITLE = 1, ABBREV_OTHER = 2 };

static uint64_t abbrev_key[ABBREV_SLOTS]; /* 0: empty */
static uint8_t abbrev_list[ABBREV_SLOTS]; /* ABBREV_TITLE or ABBREV_OTHER */
static pthread_once_t keys_once = PTHREAD_ONCE_INIT;

/* The key of w[0..n), or 0 when n is 0 or over KEY_MAX (no abbreviation has key 0). */
static uint64_t word_key(const char *w, size_t n)
{
    if (n == 0 || n > KEY_MAX)
        return 0;
    uint64_t k = (uint64_t)n << 56;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)w[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + 32);
        k |= (uint64_t)c << (8 * i);
    }
    return k;
}

/* word_key of a word with eight bytes readable at w: one load, the bytes past the word
 * masked off and A-Z folded without a branch per byte (evm_lower8). */
static uint64_t word_key8(const char *w, size_t n)
{
    if (n == 0 || n > KEY_MAX)
        return 0;
    return evm_lower8(evm_load_le64(w) & (~0ull >> (64 - 8 * n))) | (uint64_t)n << 56;
}

static size_t key_slot(uint64_t k)
{
    return (size_t)((k * 0x9E3779B97F4A7C15ull) >> 56); /* the top 8 bits: 0 .. 255 */
}

static void keys_add(const char *const *list, size_t count, uint8_t which)
{
    for (size_t i = 0; i < count; i++) {
        uint64_t k = word_key(list[i], strlen(list[i]));
        size_t h = key_slot(k);
        while (abbrev_key[h] && abbrev_key[h] != k)
            h = (h + 1) % ABBREV_SLOTS;
        if (!abbrev_key[h]) {
            abbrev_key[h] = k;
            abbrev_list[h] = which;
        }
    }
}

static void keys_init(void)
{
    _Static_assert(COUNT(title_abbrevs) + COUNT(other_abbrevs) <= ABBREV_SLOTS / 2,
                   "the abbreviation set is at most half full");
    keys_add(title_abbrevs, COUNT(title_abbrevs), ABBREV_TITLE);
    keys_add(other_abbrevs, COUNT(other_abbrevs), ABBREV_OTHER);
}

/* Which list w[0..n) is in: ABBREV_TITLE, ABBREV_OTHER or 0; avail bytes (n at least)
 * may be read at w. Needs keys_init done (evm_segment_run does it first). */
static unsigned abbrev_of(const char *w, size_t n, size_t avail)
{
    uint64_t k = avail >= 8 ? word_key8(w, n) : word_key(w, n);
    if (!k)
        return 0;
    for (size_t h = key_slot(k); abbrev_key[h]; h = (h + 1) % ABBREV_SLOTS)
        if (abbrev_key[h] == k)
            return abbrev_list[h];
    return 0;
}

static bool is_title_abbrev(const char *w, size_t n, size_t avail)
{
    return abbrev_of(w, n, avail) == ABBREV_TITLE;
}

static bool is_abbrev(const char *w, size_t n, size_t avail)
{
    return abbrev_of(w, n, avail) != 0;
}

bool evm_segment_is_abbrev(const char *w, size_t n)
{
    pthread_once(&keys_once, keys_init);
    return is_abbrev(w, n, n);
}

/* The code point at s[i] and its length; ASCII without a call (most of the text). */
static inline int32_t cp_at(const char *s, size_t n, size_t i, size_t *len)
{
    if (i < n && (unsigned char)s[i] < 0x80) {
        if (len)
            *len = 1;
        return (unsigned char)s[i];
    }
    int32_t cp;
    size_t k = evm_utf8_decode(s + i, n - i, &cp);
    if (len)
        *len = k;
    return cp;
}

/* Byte classes for the fast paths: one table look-up tells an ASCII letter (and its
 * case), digit, white space (and a line break), or a character that may join two parts of
 * a word; a byte of 0x80 or more starts a multibyte character, which takes the Unicode
 * path. Other ASCII bytes have no class. */
enum {
    B_LETTER = 1,   /* A-Z a-z */
    B_LOWER = 2,    /* a-z */
    B_UPPER = 4,    /* A-Z */
    B_DIGIT = 8,    /* 0-9 */
    B_HIGH = 16,    /* 0x80 .. 0xFF */
    B_SPACE = 32,   /* space, \t \n \v \f \r (the bit of EVM_TOKF_SPACE_BEFORE) */
    B_NEWLINE = 64, /* \n (with B_SPACE) */
    B_JOIN = 128    /* ' - . */
};
#define B_ALNUM (B_LETTER | B_DIGIT)
_Static_assert((int)B_SPACE == (int)EVM_TOKF_SPACE_BEFORE, "white space gives its token flag");

#define BYTE_CLASS(b)                                                                              \
    ((b) >= 0x80                                  ? B_HIGH                                         \
     : (b) >= 'a' && (b) <= 'z'                   ? B_LETTER | B_LOWER                             \
     : (b) >= 'A' && (b) <= 'Z'                   ? B_LETTER | B_UPPER                             \
     : (b) >= '0' && (b) <= '9'                   ? B_DIGIT                                        \
     : (b) == '\n'                                ? B_SPACE | B_NEWLINE                            \
     : (b) == ' ' || ((b) >= '\t' && (b) <= '\r') ? B_SPACE                                        \
     : (b) == '\'' || (b) == '-' || (b) == '.'    ? B_JOIN                                         \
                                                  : 0)
#define CLASS_ROW(b)                                                                               \
    BYTE_CLASS(b), BYTE_CLASS((b) + 1), BYTE_CLASS((b) + 2), BYTE_CLASS((b) + 3),                  \
        BYTE_CLASS((b) + 4), BYTE_CLASS((b) + 5), BYTE_CLASS((b) + 6), BYTE_CLASS((b) + 7),        \
        BYTE_CLASS((b) + 8), BYTE_CLASS((b) + 9), BYTE_CLASS((b) + 10), BYTE_CLASS((b) + 11),      \
        BYTE_CLASS((b) + 12), BYTE_CLASS((b) + 13), BYTE_CLASS((b) + 14), BYTE_CLASS((b) + 15)

static const uint8_t byte_class[256] = {
    CLASS_ROW(0x00), CLASS_ROW(0x10), CLASS_ROW(0x20), CLASS_ROW(0x30),
    CLASS_ROW(0x40), CLASS_ROW(0x50), CLASS_ROW(0x60), CLASS_ROW(0x70),
    CLASS_ROW(0x80), CLASS_ROW(0x90), CLASS_ROW(0xA0), CLASS_ROW(0xB0),
    CLASS_ROW(0xC0), CLASS_ROW(0xD0), CLASS_ROW(0xE0), CLASS_ROW(0xF0)};

static inline uint8_t byte_class_at(const char *s, size_t i)
{
    return byte_class[(unsigned char)s[i]];
}

/* The stop map of a text: bit i % 8 of byte i / 8 is set when text byte i is not an
 * ASCII letter or digit, and so is every bit from the end of the text on (the map has
 * eight bytes of them at least). Built once per document, eight bytes a step, it lets a
 * run of letters and digits be measured by counting zero bits: one well-predicted branch
 * per word instead of a test per byte whose exit (the word's length) is not predictable. */
/* The bytes of w that are not ASCII letters or digits, as their high bits. A range test
 * adds two constants to the byte's low seven bits: a sum sets the byte's high bit exactly
 * when the byte is at or above a bound (and never carries into the next byte), so the
 * two sums' high bits differ exactly inside the range. Setting bit 0x20 folds A-Z onto
 * a-z and moves no other byte into a-z. */
static inline uint64_t non_alnum_bytes(uint64_t w)
{
    uint64_t low = w & ~EVM_HIGHS8;
    uint64_t folded = low | 0x20 * EVM_ONES8;
    uint64_t letter = (folded + (0x80 - 'a') * EVM_ONES8) ^ (folded + (0x7F - 'z') * EVM_ONES8);
    uint64_t digit = (low + (0x80 - '0') * EVM_ONES8) ^ (low + (0x7F - '9') * EVM_ONES8);
    return (~(letter | digit) | w) & EVM_HIGHS8;
}

/* The high bits of the eight bytes of m (m has no other bits) gathered into one byte,
 * byte 0's lowest: the multiplication moves bit 8k+7 to bit 56+k and adds no carries. */
static inline uint8_t gather_highs(uint64_t m)
{
    return (uint8_t)((m * (0x0102040810204080ull >> 7)) >> 56);
}

/* The stop map of s[0..n) (see above); the caller frees it. */
static uint8_t *stop_map_new(const char *s, size_t n)
{
    size_t size = n / 8 + 16, i = 0;
    uint8_t *map = evm_xmalloc(size);
    for (; i + 16 <= n; i += 16) {
        map[i / 8] = gather_highs(non_alnum_bytes(evm_load_le64(s + i)));
        map[i / 8 + 1] = gather_highs(non_alnum_bytes(evm_load_le64(s + i + 8)));
    }
    if (i + 8 <= n) {
        map[i / 8] = gather_highs(non_alnum_bytes(evm_load_le64(s + i)));
        i += 8;
    }
    memset(map + i / 8, 0xFF, size - i / 8);
    for (; i < n; i++)
        if (byte_class[(unsigned char)s[i]] & B_ALNUM)
            map[i / 8] &= (uint8_t) ~(1u << (i % 8));
    return map;
}

/* The number of zero bits below the lowest set bit of m (m is not 0). */
static inline size_t trailing_zeros(uint64_t m)
{
#if defined(__GNUC__)
    return (size_t)__builtin_ctzll(m);
#else
    size_t k = 0;
    for (; !(m & 1); m >>= 1)
        k++;
    return k;
#endif
}

/* The end of the run of ASCII letters and digits at j (at most the text's end), from the
 * stop map: the next 57 bytes at least in one step. */
static inline size_t alnum_run(const uint8_t *stops, size_t j)
{
    for (;;) {
        uint64_t m = evm_load_le64(stops + j / 8) >> (j % 8);
        if (m)
            return j + trailing_zeros(m);
        j = j / 8 * 8 + 64; /* no stop in the 64 bits read: the text goes on past them */
    }
}

/* Character classes with the ASCII answers inline (the same as utf8.c's). */
static inline bool is_letter(int32_t cp)
{
    if (cp < 0x80)
        return (uint32_t)((cp | 0x20) - 'a') < 26;
    return evm_utf8_is_letter(cp);
}

static inline bool is_upper(int32_t cp)
{
    if (cp < 0x80)
        return (uint32_t)(cp - 'A') < 26;
    return evm_utf8_is_upper(cp);
}

static inline bool is_digit(int32_t cp)
{
    if (cp < 0x80)
        return (uint32_t)(cp - '0') < 10;
    return evm_utf8_is_digit(cp);
}

static inline bool is_mark(int32_t cp)
{
    return cp >= 0x80 && evm_utf8_is_mark(cp);
}

static inline bool is_space(int32_t cp)
{
    if (cp < 0x80)
        return cp == ' ' || (cp >= '\t' && cp <= '\r');
    return evm_utf8_is_space(cp);
}

static bool is_apostrophe(int32_t cp)
{
    return cp == '\'' || cp == 0x2019 || cp == 0x02BC;
}

static bool is_hyphen(int32_t cp)
{
    return cp == '-' || cp == 0x2010 || cp == 0x2011;
}

static inline bool is_word_char(int32_t cp)
{
    if (cp < 0x80)
        return is_letter(cp) || is_digit(cp);
    return evm_utf8_is_letter(cp) || evm_utf8_is_mark(cp) || evm_utf8_is_digit(cp);
}

/* Does the word w[0..n) consist of single letters separated by periods ("U.S", "e.g")? */
static bool is_initials_chain(const char *w, size_t n)
{
    size_t seg = 0;
    for (size_t i = 0; i < n;) {
        size_t k;
        int32_t cp = cp_at(w, n, i, &k);
        if (cp == '.') {
            if (seg != 1)
                return false;
            seg = 0;
        } else if (is_letter(cp)) {
            seg++;
        } else {
            return false;
        }
        i += k;
    }
    return seg <= 1;
}

/* The case flags of the word s[a..b) (a on its first letter): CAP when its first letter is
 * a capital, UPPER when it has two letters or more and all are capitals. A word that
 * starts with a small letter has neither; otherwise the scan stops at the first small
 * letter (usually the second character). */
static uint16_t word_case(const char *s, size_t a, size_t b)
{
    uint8_t c = byte_class_at(s, a);
    if (c & B_LOWER)
        return 0;
    if (c & B_HIGH && !evm_utf8_is_upper(cp_at(s, b, a, NULL)))
        return 0;
    size_t letters = 0;
    for (size_t i = a; i < b;) {
        c = byte_class_at(s, i);
        if (c & B_LOWER)
            return EVM_TOKF_CAP;
        if (!(c & B_HIGH)) {
            letters += c & B_LETTER;
            i++;
            continue;
        }
        size_t k;
        int32_t cp = cp_at(s, b, i, &k);
        if (evm_utf8_is_letter(cp)) {
            if (!evm_utf8_is_upper(cp))
                return EVM_TOKF_CAP;
            letters++;
        }
        i += k;
    }
    return letters >= 2 ? EVM_TOKF_CAP | EVM_TOKF_UPPER : EVM_TOKF_CAP;
}

/* Scans a word starting at i (on a letter) whose letters and digits up to j are known
 * already; returns its end and sets flags, the case flags included (from the letters
 * before the end returned). Runs of ASCII letters and digits go through the byte table;
 * any other character takes the Unicode path. */
static size_t scan_word(const char *s, size_t n, const uint8_t *stops, size_t i, size_t j,
                        uint16_t *flags)
{
    for (;;) {
        j = alnum_run(stops, j);
        if (j >= n || !(byte_class_at(s, j) & (B_HIGH | B_JOIN)))
            break; /* the usual end: a space, a comma ... */
        size_t k;
        int32_t cp = cp_at(s, n, j, &k);
        if (cp >= 0x80 && is_word_char(cp)) {
            j += k;
            continue;
        }
        /* only an apostrophe, a hyphen or a period can continue the word */
        if ((!is_apostrophe(cp) && !is_hyphen(cp) && cp != '.') || j + k >= n)
            break;
        size_t k2;
        int32_t next = cp_at(s, n, j + k, &k2);
        if (is_apostrophe(cp) && is_letter(next)) {
            /* A possessive 's ends the word: "Ukraine's", "Ukraine’s". */
            if ((next == 's' || next == 'S')) {
                size_t after = j + k + k2;
                int32_t a = after < n ? cp_at(s, n, after, NULL) : ' ';
                if (!is_word_char(a)) {
                    *flags |= EVM_TOKF_POSSESSIVE;
                    if (!(byte_class_at(s, i) & B_LOWER))
                        *flags |= word_case(s, i, j);
                    return j;
                }
            }
            j += k;
            continue;
        }
        if (is_hyphen(cp) && is_word_char(next)) {
            j += k;
            continue;
        }
        if (cp == '.' && is_letter(next) && is_initials_chain(s + i, j - i)) {
            j += k;
            continue;
        }
        break;
    }
    /* Most capitalised words have a small letter second. */
    uint8_t c0 = byte_class_at(s, i);
    if ((c0 & B_UPPER) && i + 1 < j && (byte_class_at(s, i + 1) & B_LOWER))
        *flags |= EVM_TOKF_CAP;
    else if (!(c0 & B_LOWER))
        *flags |= word_case(s, i, j);
    /* A final period that belongs to the word: initials (U.S.), a single capital (J.),
     * or a known abbreviation (Gen., St., Calif.). A chain of initials longer than one
     * character has a period second. */
    if (j < n && s[j] == '.') {
        size_t wl = j - i;
        size_t k;
        int32_t first = cp_at(s, n, i, &k);
        bool single_cap = k == wl && is_upper(first);
        if (single_cap ||
            (wl > 1 && s[i + k] == '.' && is_initials_chain(s + i, wl) && memchr(s + i, '.', wl)) ||
            is_abbrev(s + i, wl, n - i)) {
            *flags |= EVM_TOKF_ABBREV;
            return j + 1;
        }
    }
    return j;
}

/* Scans a number starting at i (on a digit): digits and letters, with a "," or "."
 * between two ASCII digits. */
static size_t scan_number(const char *s, size_t n, const uint8_t *stops, size_t i)
{
    size_t j = i;
    for (;;) {
        j = alnum_run(stops, j);
        if (j >= n)
            break;
        size_t k;
        int32_t cp = cp_at(s, n, j, &k);
        if (cp >= 0x80 && (evm_utf8_is_digit(cp) || evm_utf8_is_letter(cp))) {
            j += k;
            continue;
        }
        if ((cp == ',' || cp == '.') && j + 1 < n && s[j + 1] >= '0' && s[j + 1] <= '9' && j > i &&
            s[j - 1] >= '0' && s[j - 1] <= '9') {
            j += 1;
            continue;
        }
        break;
    }
    return j;
}

static bool is_terminal(int32_t cp)
{
    return cp == '.' || cp == '!' || cp == '?' || cp == 0x2026;
}

static bool is_closer(int32_t cp)
{
    return cp == '"' || cp == 0x201D || cp == 0x2019 || cp == '\'' || cp == ')' || cp == ']' ||
           cp == 0x00BB;
}

static bool is_opener(int32_t cp)
{
    return cp == '"' || cp == 0x201C || cp == 0x2018 || cp == '(' || cp == '[' || cp == 0x00AB;
}

/* The token kind a non-space character starts. */
static uint16_t char_kind(int32_t cp)
{
    if (is_letter(cp))
        return EVM_TOK_WORD;
    if (is_digit(cp))
        return EVM_TOK_NUMBER;
    return (is_mark(cp) || cp < 0x80 || (cp >= 0x2000 && cp <= 0x206F) || cp == 0x00AB ||
            cp == 0x00BB)
               ? EVM_TOK_PUNCT
               : EVM_TOK_SYMBOL;
}

/* The tokens at which a sentence may end, found while tokenizing: terminal punctuation,
 * words that keep an abbreviation's period, and tokens followed by white space with a line
 * break (a paragraph break takes two). Any other token but the last continues
 * its sentence, so the sentence pass looks at these only. Ascending, no repeats. */
typedef struct cands {
    uint32_t *at;
    size_t n, cap;
} cands;

static void cand_add(cands *c, size_t tok)
{
    if (c->n && c->at[c->n - 1] == tok)
        return;
    if (c->n >= c->cap)
        evm_grow((void **)&c->at, &c->cap, c->n + 1, sizeof *c->at);
    c->at[c->n++] = (uint32_t)tok;
}

/* More room in doc->tokens when the locals tokenize keeps (first token, next free, end)
 * have filled it. */
static void grow_tokens(evm_doc *doc, evm_token **tok, evm_token **t, evm_token **t_end)
{
    size_t nt = (size_t)(*t - *tok);
    evm_grow((void **)&doc->tokens, &doc->cap_tokens, nt + 1, sizeof *doc->tokens);
    *tok = doc->tokens;
    *t = *tok + nt;
    *t_end = *tok + doc->cap_tokens;
}

/* Writes a token but its sentence, which the sentence pass sets for every token. */
static inline void put_token(evm_token *t, size_t start, size_t end, uint16_t kind, uint16_t flags)
{
    t->start = (uint32_t)start;
    t->end = (uint32_t)end;
    t->kind = kind;
    t->flags = flags;
}

/* Fills doc->tokens (kept in locals while they grow) and the sentence-end candidates;
 * stops is the text's stop map. */
static void tokenize(evm_doc *doc, cands *cand, const uint8_t *stops)
{
    const char *s = doc->text;
    size_t n = doc->len;
    unsigned space = B_SPACE; /* the classes of the white space before the next token */
    /* News text has a token every five or six bytes: room for most documents at once. */
    evm_grow((void **)&doc->tokens, &doc->cap_tokens, n > doc->body ? (n - doc->body) / 4 + 16 : 16,
             sizeof *doc->tokens);
    evm_token *tok = doc->tokens, *t = tok, *t_end = tok + doc->cap_tokens;
    for (size_t i = doc->body; i < n;) {
        uint8_t c = byte_class_at(s, i);
        if (c & B_SPACE) {
            space |= c;
            i++;
            continue;
        }
        size_t k = 1;
        if (c & B_LETTER) {
            /* The usual word, ASCII letters and digits ended by a space, a comma ...,
             * takes a short way (to what scan_word finds for it), and so does the white
             * space byte after it. */
            k = alnum_run(stops, i + 1) - i;
            uint8_t after = i + k < n ? byte_class_at(s, i + k) : 0;
            if (!(after & (B_HIGH | B_JOIN))) {
                uint16_t flags = (uint16_t)(space & B_SPACE);
                if (c & B_UPPER)
                    flags |= k > 1 && (byte_class_at(s, i + 1) & B_LOWER) ? EVM_TOKF_CAP
                                                                          : word_case(s, i, i + k);
                if ((space & B_NEWLINE) && t > tok)
                    cand_add(cand, (size_t)(t - tok) - 1);
                if (t == t_end)
                    grow_tokens(doc, &tok, &t, &t_end);
                put_token(t++, i, i + k, EVM_TOK_WORD, flags);
                space = after & (B_SPACE | B_NEWLINE);
                i += k + (space != 0);
                continue;
            }
        }
        int32_t cp = (unsigned char)s[i];
        uint16_t kind;
        if (c & B_LETTER) {
            kind = EVM_TOK_WORD;
        } else if (c & B_DIGIT) {
            kind = EVM_TOK_NUMBER;
        } else if (!(c & B_HIGH)) {
            kind = EVM_TOK_PUNCT;
        } else {
            cp = cp_at(s, n, i, &k);
            if (is_space(cp) || cp == 0xFEFF) {
                space |= B_SPACE;
                i += k;
                continue;
            }
            kind = char_kind(cp);
        }
        uint16_t flags = (uint16_t)(space & B_SPACE);
        size_t end = i + k, next;
        bool may_end;
        if (kind == EVM_TOK_WORD) {
            end = next = scan_word(s, n, stops, i, end, &flags);
            if (flags & EVM_TOKF_POSSESSIVE) {
                size_t ka;
                cp_at(s, n, end, &ka);
                next = end + ka + 1; /* the apostrophe and the s */
            }
            may_end = flags & EVM_TOKF_ABBREV;
        } else if (kind == EVM_TOK_NUMBER) {
            end = next = scan_number(s, n, stops, i);
            may_end = false;
        } else {
            end = next = i + k;
            may_end = kind == EVM_TOK_PUNCT && is_terminal(cp);
        }
        if ((space & B_NEWLINE) && t > tok)
            cand_add(cand, (size_t)(t - tok) - 1);
        if (t == t_end)
            grow_tokens(doc, &tok, &t, &t_end);
        put_token(t, i, end, kind, flags);
        if (may_end)
            cand_add(cand, (size_t)(t - tok));
        t++;
        /* the one space that usually follows, without a turn of the loop */
        space = next < n && s[next] == ' ' ? B_SPACE : 0;
        i = next + (space != 0);
    }
    doc->n_tokens = (size_t)(t - tok);
}

/* Is there a blank line (two line breaks) between byte offsets a and b? */
static bool paragraph_break(const char *s, size_t a, size_t b)
{
    int lines = 0;
    for (size_t i = a; i < b; i++) {
        if (s[i] == '\n') {
            if (++lines >= 2)
                return true;
        } else if (s[i] != '\r' && s[i] != ' ' && s[i] != '\t') {
            lines = 0;
        }
    }
    return false;
}

static bool line_break(const char *s, size_t a, size_t b)
{
    return memchr(s + a, '\n', b - a) != NULL;
}

static int32_t tok_cp(const evm_doc *doc, const evm_token *t)
{
    return cp_at(doc->text, doc->len, t->start, NULL);
}

/* Does a new sentence start at token j (the first token after a terminal)? */
static bool starts_sentence(const evm_doc *doc, size_t j)
{
    while (j < doc->n_tokens && doc->tokens[j].kind == EVM_TOK_PUNCT &&
           is_opener(tok_cp(doc, &doc->tokens[j])))
        j++;
    if (j >= doc->n_tokens)
        return true;
    const evm_token *t = &doc->tokens[j];
    if (t->kind == EVM_TOK_NUMBER)
        return true;
    if (t->kind == EVM_TOK_WORD)
        return (t->flags & EVM_TOKF_CAP) != 0;
    return is_opener(tok_cp(doc, t));
}

/* Appends the sentence of tokens first..last (room is reserved) and marks its tokens. */
static void add_sentence(evm_doc *doc, size_t first, size_t last)
{
    doc->sentences[doc->n_sentences++] = (evm_sentence){.start = doc->tokens[first].start,
                                                        .end = doc->tokens[last].end,
                                                        .tok_first = (uint32_t)first,
                                                        .tok_count = (uint32_t)(last - first + 1)};
    uint32_t idx = (uint32_t)(doc->n_sentences - 1);
    evm_token *t = doc->tokens + first, *end = doc->tokens + last + 1;
    for (; t < end; t++) {
        t->sentence = idx;
        if (t->kind == EVM_TOK_WORD || t->kind == EVM_TOK_NUMBER) {
            t->flags |= EVM_TOKF_SENT_START;
            t++;
            break;
        }
    }
    /* Four tokens a step: a step may run up to three tokens past this sentence, never
     * past the last token; those get their own sentence's index when it is added (the
     * sentences come in order and cover every token). */
    const evm_token *stop = doc->tokens + doc->n_tokens;
    for (; t < end && stop - t >= 4; t += 4) {
        t[0].sentence = idx;
        t[1].sentence = idx;
        t[2].sentence = idx;
        t[3].sentence = idx;
    }
    for (; t < end; t++)
        t->sentence = idx;
}

/* Does the sentence end at token i (not the last token)? If so, *last is its last token:
 * i, or the end of a run of terminals and closers that starts at i. */
static bool ends_at(const evm_doc *doc, size_t i, size_t *last)
{
    const char *s = doc->text;
    const evm_token *t = &doc->tokens[i];
    *last = i;
    if (doc->tokens[i + 1].start - t->end >= 2 &&
        paragraph_break(s, t->end, doc->tokens[i + 1].start))
        return true;
    if (t->kind == EVM_TOK_PUNCT && is_terminal(tok_cp(doc, t))) {
        /* Run of terminals and closers: "...", "?!", ".”" */
        size_t j = i + 1;
        while (
            j < doc->n_tokens && doc->tokens[j].kind == EVM_TOK_PUNCT &&
            doc->tokens[j].start == doc->tokens[j - 1].end &&
            (is_terminal(tok_cp(doc, &doc->tokens[j])) || is_closer(tok_cp(doc, &doc->tokens[j]))))
            j++;
        if (j >= doc->n_tokens || starts_sentence(doc, j) ||
            line_break(s, doc->tokens[j - 1].end, doc->tokens[j].start)) {
            *last = j - 1;
            return true;
        }
        return false;
    }
    if (t->kind == EVM_TOK_WORD && (t->flags & EVM_TOKF_ABBREV) &&
        !is_title_abbrev(s + t->start, t->end - t->start - 1, doc->len - t->start)) {
        const evm_token *u = &doc->tokens[i + 1];
        if (u->kind == EVM_TOK_WORD && (u->flags & EVM_TOKF_CAP) &&
            in_list(s + u->start, u->end - u->start, openers, COUNT(openers)))
            return true;
        return line_break(s, t->end, u->start);
    }
    return false;
}

/* Groups the tokens into sentences, looking only at the candidates for an end; the last
 * token always ends one. */
static void sentences(evm_doc *doc, const cands *cand)
{
    size_t first = 0, nt = doc->n_tokens;
    /* every sentence but the last ends at a candidate */
    evm_grow((void **)&doc->sentences, &doc->cap_sentences, cand->n + 1, sizeof *doc->sentences);
    for (size_t c = 0; c < cand->n; c++) {
        size_t i = cand->at[c], last;
        if (i < first)
            continue; /* inside a run of terminals already closed */
        if (i + 1 >= nt)
            break;
        if (ends_at(doc, i, &last)) {
            add_sentence(doc, first, last);
            first = last + 1;
        }
    }
    if (first < nt)
        add_sentence(doc, first, nt - 1);
}

void evm_segment_run(evm_doc *doc)
{
    doc->n_tokens = 0;
    doc->n_sentences = 0;
    if (!doc->text)
        return;
    pthread_once(&keys_once, keys_init);
    cands cand = {0};
    /* room for a candidate every 64 bytes (news text has about one in a hundred) */
    size_t body_len = doc->len > doc->body ? doc->len - doc->body : 0;
    evm_grow((void **)&cand.at, &cand.cap, body_len / 64 + 16, sizeof *cand.at);
    uint8_t *stops = stop_map_new(doc->text, doc->len);
    tokenize(doc, &cand, stops);
    free(stops);
    sentences(doc, &cand);
    free(cand.at);
}
