/* segment.c: sentences and tokens with byte offsets (stage 2, after article reading).
 *
 * One pass over the body builds tokens; a second pass groups them into sentences. A
 * sentence ends at . ! ? or … when what follows looks like a new sentence (a capital, a
 * digit, an opening quote, a paragraph break or the end of the text), so "the killers...
 * to end" stays one sentence. A period that belongs to an abbreviation ends a sentence
 * only when the next word is a typical sentence opener ("in the U.S. The talks ...").
 */
#include "segment.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

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

/* The abbreviation lists as sorted 64-bit keys, built once: a word of at most 7 bytes is
 * its bytes with ASCII case folded, plus its length in the top byte. Every abbreviation is
 * that short, so a longer word is none; the lookup is a binary search over integers. */
#define KEY_MAX 7

static uint64_t title_keys[COUNT(title_abbrevs)];
static uint64_t other_keys[COUNT(other_abbrevs)];
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

static int cmp_key(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static void keys_build(uint64_t *keys, const char *const *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        keys[i] = word_key(list[i], strlen(list[i]));
    qsort(keys, count, sizeof *keys, cmp_key);
}

static void keys_init(void)
{
    keys_build(title_keys, title_abbrevs, COUNT(title_abbrevs));
    keys_build(other_keys, other_abbrevs, COUNT(other_abbrevs));
}

static bool in_keys(uint64_t k, const uint64_t *keys, size_t count)
{
    size_t lo = 0, hi = count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (keys[mid] == k)
            return true;
        if (keys[mid] > k)
            hi = mid;
        else
            lo = mid + 1;
    }
    return false;
}

/* These two need keys_init done (evm_segment_run does it first). */
static bool is_title_abbrev(const char *w, size_t n)
{
    uint64_t k = word_key(w, n);
    return k && in_keys(k, title_keys, COUNT(title_keys));
}

static bool is_abbrev(const char *w, size_t n)
{
    uint64_t k = word_key(w, n);
    return k &&
           (in_keys(k, title_keys, COUNT(title_keys)) || in_keys(k, other_keys, COUNT(other_keys)));
}

bool evm_segment_is_abbrev(const char *w, size_t n)
{
    pthread_once(&keys_once, keys_init);
    return is_abbrev(w, n);
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

/* The case flags of a word from its first letter and its letter counts: CAP when the
 * first letter is a capital, UPPER when there are two letters or more, all capitals. */
static uint16_t case_flags(bool first_upper, size_t letters, size_t upper)
{
    uint16_t f = first_upper ? EVM_TOKF_CAP : 0;
    if (letters >= 2 && upper == letters)
        f |= EVM_TOKF_UPPER;
    return f;
}

/* Scans a word starting at i (on a letter); returns its end and sets flags, the case
 * flags included (the letters counted are those before the end returned). */
static size_t scan_word(const char *s, size_t n, size_t i, uint16_t *flags)
{
    size_t j = i, letters = 0, upper = 0;
    bool first_upper = is_upper(cp_at(s, n, i, NULL));
    while (j < n) {
        unsigned char b = (unsigned char)s[j];
        if ((uint32_t)((b | 0x20) - 'a') < 26) {
            letters++;
            upper += b <= 'Z';
            j++;
            continue;
        }
        if ((uint32_t)(b - '0') < 10) {
            j++;
            continue;
        }
        size_t k;
        int32_t cp = cp_at(s, n, j, &k);
        if (is_word_char(cp)) {
            if (is_letter(cp)) {
                letters++;
                upper += is_upper(cp);
            }
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
                    *flags |= EVM_TOKF_POSSESSIVE | case_flags(first_upper, letters, upper);
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
    /* A final period that belongs to the word: initials (U.S.), a single capital (J.),
     * or a known abbreviation (Gen., St., Calif.). */
    if (j < n && s[j] == '.') {
        size_t wl = j - i;
        bool single_cap = false;
        size_t k;
        int32_t first = cp_at(s, n, i, &k);
        if (k == wl && is_upper(first))
            single_cap = true;
        if (single_cap || (wl > 1 && is_initials_chain(s + i, wl) && memchr(s + i, '.', wl)) ||
            is_abbrev(s + i, wl)) {
            *flags |= EVM_TOKF_ABBREV | case_flags(first_upper, letters, upper);
            return j + 1;
        }
    }
    *flags |= case_flags(first_upper, letters, upper);
    return j;
}

static size_t scan_number(const char *s, size_t n, size_t i)
{
    size_t j = i;
    while (j < n) {
        size_t k;
        int32_t cp = cp_at(s, n, j, &k);
        if (is_digit(cp) || is_letter(cp)) {
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

static void tokenize(evm_doc *doc)
{
    const char *s = doc->text;
    size_t n = doc->len;
    bool space = true;
    for (size_t i = doc->body; i < n;) {
        if (s[i] == ' ') {
            space = true;
            i++;
            continue;
        }
        size_t k;
        int32_t cp = cp_at(s, n, i, &k);
        if (is_space(cp) || cp == 0xFEFF) {
            space = true;
            i += k;
            continue;
        }
        uint16_t flags = space ? EVM_TOKF_SPACE_BEFORE : 0;
        uint16_t kind;
        size_t end, next;
        if (is_letter(cp)) {
            kind = EVM_TOK_WORD;
            end = scan_word(s, n, i, &flags);
            next = end;
            if (flags & EVM_TOKF_POSSESSIVE) {
                size_t ka;
                cp_at(s, n, end, &ka);
                next = end + ka + 1; /* the apostrophe and the s */
            }
        } else if (is_digit(cp)) {
            kind = EVM_TOK_NUMBER;
            end = next = scan_number(s, n, i);
        } else {
            kind = (is_mark(cp) || cp < 0x80 || (cp >= 0x2000 && cp <= 0x206F) || cp == 0x00AB ||
                    cp == 0x00BB)
                       ? EVM_TOK_PUNCT
                       : EVM_TOK_SYMBOL;
            end = next = i + k;
        }
        evm_token *t = evm_doc_add_token(doc);
        t->start = (uint32_t)i;
        t->end = (uint32_t)end;
        t->kind = kind;
        t->flags = flags;
        space = false;
        i = next;
    }
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

static void add_sentence(evm_doc *doc, size_t first, size_t last)
{
    evm_sentence *se = evm_doc_add_sentence(doc);
    se->tok_first = (uint32_t)first;
    se->tok_count = (uint32_t)(last - first + 1);
    se->start = doc->tokens[first].start;
    se->end = doc->tokens[last].end;
    uint32_t idx = (uint32_t)(doc->n_sentences - 1);
    bool seen_word = false;
    for (size_t i = first; i <= last; i++) {
        evm_token *t = &doc->tokens[i];
        t->sentence = idx;
        if (!seen_word && (t->kind == EVM_TOK_WORD || t->kind == EVM_TOK_NUMBER)) {
            t->flags |= EVM_TOKF_SENT_START;
            seen_word = true;
        }
    }
}

static void sentences(evm_doc *doc)
{
    const char *s = doc->text;
    size_t first = 0;
    for (size_t i = 0; i < doc->n_tokens; i++) {
        const evm_token *t = &doc->tokens[i];
        bool end_here = false;
        size_t last = i;
        if (i + 1 >= doc->n_tokens) {
            end_here = true;
        } else if (paragraph_break(s, t->end, doc->tokens[i + 1].start)) {
            end_here = true;
        } else if (t->kind == EVM_TOK_PUNCT && is_terminal(tok_cp(doc, t))) {
            /* Run of terminals and closers: "...", "?!", ".”" */
            size_t j = i + 1;
            while (j < doc->n_tokens && doc->tokens[j].kind == EVM_TOK_PUNCT &&
                   doc->tokens[j].start == doc->tokens[j - 1].end &&
                   (is_terminal(tok_cp(doc, &doc->tokens[j])) ||
                    is_closer(tok_cp(doc, &doc->tokens[j]))))
                j++;
            if (j >= doc->n_tokens || starts_sentence(doc, j) ||
                line_break(s, doc->tokens[j - 1].end, doc->tokens[j].start)) {
                end_here = true;
                last = j - 1;
            }
        } else if (t->kind == EVM_TOK_WORD && (t->flags & EVM_TOKF_ABBREV) &&
                   !is_title_abbrev(s + t->start, t->end - t->start - 1)) {
            const evm_token *u = &doc->tokens[i + 1];
            if (u->kind == EVM_TOK_WORD && (u->flags & EVM_TOKF_CAP) &&
                in_list(s + u->start, u->end - u->start, openers, COUNT(openers)))
                end_here = true;
            else if (line_break(s, t->end, u->start))
                end_here = true;
        }
        if (end_here) {
            add_sentence(doc, first, last);
            i = last;
            first = last + 1;
        }
    }
}

void evm_segment_run(evm_doc *doc)
{
    doc->n_tokens = 0;
    doc->n_sentences = 0;
    if (!doc->text)
        return;
    pthread_once(&keys_once, keys_init);
    tokenize(doc);
    sentences(doc);
}
