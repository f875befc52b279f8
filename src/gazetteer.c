/* gazetteer.c: the memory-mapped place index: open and check, name keys, variant keys,
 * exact/variant/fuzzy lookup, demonyms (used by spot.c and resolve.c; built by gazbuild.c). */
#include "gazetteer.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gazbuild.h"
#include "utf8.h"

struct evm_gaz {
    const unsigned char *map;
    size_t size;
    char *path;
    const evm_gaz_header *hdr;
    const evm_gaz_entry *entries;
    uint32_t n_entries;
    const char *strings;
    size_t strings_size;
    struct dict {
        const uint64_t *slots;
        uint32_t mask;
        const unsigned char *recs;
        size_t recs_size;
    } names, variants, demonyms;
    const uint64_t *prefix;
    uint32_t prefix_mask;
    const evm_gaz_fuzzy *fuzzy;
    uint32_t n_fuzzy;
    uint64_t serial; /* evm_gazetteer_serial */
};

/* The serial of the last index opened by this process. */
static atomic_uint_fast64_t last_serial;

/* Match weights relative to the posting's own weight. */
#define VARIANT_WEIGHT 0.85f
#define FUZZY_WEIGHT_1 0.70f
#define FUZZY_WEIGHT_2 0.58f
/* Candidates gathered per lookup before ranking (postings are stored best first). */
#define POOL_MAX 512

/* ---- hashing ---------------------------------------------------------------------------- */

uint64_t evm_gaz_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h ? h : 1;
}

static uint64_t checksum_mix(uint64_t h, uint64_t w)
{
    h = (h ^ w) * 0xff51afd7ed558ccdull;
    return h ^ (h >> 29);
}

static inline uint64_t load64(const unsigned char *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

/* Four lanes over 32-byte blocks (word j of each block goes to lane j), each a pair of
 * running sums in the manner of Fletcher's checksum: a is the sum of the lane's words, b the
 * sum of the successive a, so that a changed word changes a and a moved one changes b (two
 * additions a word: the 82 MB index is summed at memory speed). Then the sums, the
 * remaining words and the remaining bytes are folded into one with a multiply-xor mix. */
uint64_t evm_gaz_checksum(const void *p, size_t n)
{
    const unsigned char *b = p;
    /* (the lanes in named variables, which the compiler keeps in registers) */
    uint64_t a0 = 0x9e3779b97f4a7c15ull ^ n, a1 = 0x243f6a8885a308d3ull, a2 = 0x13198a2e03707344ull,
             a3 = 0xa4093822299f31d0ull;
    uint64_t b0 = 0x082efa98ec4e6c89ull, b1 = 0x452821e638d01377ull, b2 = 0xbe5466cf34e90c6cull,
             b3 = 0xc0ac29b7c97c50ddull;
    size_t i = 0;
    for (; i + 32 <= n; i += 32) {
        b0 += a0 += load64(b + i);
        b1 += a1 += load64(b + i + 8);
        b2 += a2 += load64(b + i + 16);
        b3 += a3 += load64(b + i + 24);
    }
    const uint64_t lane[8] = {a0, a1, a2, a3, b0, b1, b2, b3};
    uint64_t h = lane[0];
    for (int j = 1; j < 8; j++)
        h = checksum_mix(h, lane[j]);
    for (; i + 8 <= n; i += 8)
        h = checksum_mix(h, load64(b + i));
    for (; i < n; i++)
        h = (h ^ b[i]) * 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 32;
    return h;
}

/* ---- name keys -------------------------------------------------------------------------- */

/* ASCII spellings of letters that NFKD does not decompose. */
static const char *special_letter(int32_t cp)
{
    switch (cp) {
    case 0xF8:
        return "o"; /* ø */
    case 0x142:
        return "l"; /* ł */
    case 0x111:
        return "d"; /* đ */
    case 0xF0:
        return "d"; /* ð */
    case 0xE6:
        return "ae"; /* æ */
    case 0x153:
        return "oe"; /* œ */
    case 0x131:
        return "i"; /* dotless ı */
    case 0xFE:
        return "th"; /* þ */
    case 0xDF:
        return "ss"; /* ß */
    default:
        return NULL;
    }
}

static int is_apostrophe(int32_t cp)
{
    return cp == '\'' || cp == '`' || cp == 0x2019 || cp == 0x2018 || cp == 0x02BC ||
           cp == 0x02BB || cp == 0xB4 || cp == 0x2032;
}

/* The folded form of each code point below FOLD_TABLE_END (0x80..0x7FF: Latin supplements,
 * Greek, Cyrillic, ...), computed once with evm_utf8_fold; length 255 = not tabled. */
#define FOLD_TABLE_END 0x800
static char fold_tab[FOLD_TABLE_END - 0x80][8];
static unsigned char fold_len[FOLD_TABLE_END - 0x80];
static pthread_once_t fold_once = PTHREAD_ONCE_INIT;

static void fold_init(void)
{
    for (int32_t cp = 0x80; cp < FOLD_TABLE_END; cp++) {
        char u[4];
        size_t ul = evm_utf8_encode(cp, u), fl;
        char *f = evm_utf8_fold(u, ul, &fl);
        fold_len[cp - 0x80] = fl <= 8 ? (unsigned char)fl : 255;
        if (fl <= 8)
            memcpy(fold_tab[cp - 0x80], f, fl);
        free(f);
    }
}

/* Appends to a bounded buffer; returns false when it does not fit. */
typedef struct kbuf {
    char *p;
    size_t n, cap;
    bool over;
} kbuf;

static void kput(kbuf *b, const char *s, size_t n)
{
    if (b->over || b->n + n + 1 > b->cap) {
        b->over = true;
        return;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

/* Emits one word (letters/digits with '.' marking periods) with the abbreviation rules. */
static void emit_word(kbuf *b, const char *w, size_t n, size_t *words)
{
    /* Split at periods: all one-character parts are joined ("u.s." -> "us"), otherwise
     * the parts are words of their own ("st.petersburg" -> "st petersburg"). */
    bool dotted = memchr(w, '.', n) != NULL;
    size_t parts = dotted ? 0 : 1, longest = 0, start = 0;
    for (size_t i = 0; dotted && i <= n; i++) {
        if (i == n || w[i] == '.') {
            if (i > start) {
                size_t cps = evm_utf8_count(w + start, i - start);
                parts++;
                if (cps > longest)
                    longest = cps;
            }
            start = i + 1;
        }
    }
    if (parts == 0)
        return;
    if (parts > 1 && longest == 1) {
        if (*words)
            kput(b, " ", 1);
        for (size_t i = 0; i < n; i++)
            if (w[i] != '.')
                kput(b, w + i, 1);
        (*words)++;
        return;
    }
    start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && w[i] != '.')
            continue;
        size_t len = i - start;
        const char *p = w + start;
        start = i + 1;
        if (len == 0)
            continue;
        if ((len == 2 && memcmp(p, "st", 2) == 0) || (len == 3 && memcmp(p, "ste", 3) == 0) ||
            (len == 6 && memcmp(p, "sainte", 6) == 0)) {
            p = "saint";
            len = 5;
        } else if (len == 2 && memcmp(p, "mt", 2) == 0) {
            p = "mount";
            len = 5;
        } else if (len == 2 && memcmp(p, "ft", 2) == 0) {
            p = "fort";
            len = 4;
        }
        if (*words)
            kput(b, " ", 1);
        kput(b, p, len);
        (*words)++;
    }
}

/* Is w[0..n) a word that the key rewrites: an abbreviation emit_word expands, "the" (dropped
 * when something else remains), or a final "co", "cnty", "twp" after another word? */
static inline bool key_rewrites(const char *w, size_t n, bool last)
{
    switch (n) {
    case 2:
        return (w[1] == 't' && (w[0] == 's' || w[0] == 'm' || w[0] == 'f')) ||
               (last && w[0] == 'c' && w[1] == 'o');
    case 3:
        return memcmp(w, "ste", 3) == 0 || memcmp(w, "the", 3) == 0 ||
               (last && memcmp(w, "twp", 3) == 0);
    case 4:
        return last && memcmp(w, "cnty", 4) == 0;
    case 6:
        return memcmp(w, "sainte", 6) == 0;
    default:
        return false;
    }
}

/* Is the lowercase w[0..n) the word "the" alone? Its key is itself: "the" goes only when
 * something else remains. */
static inline bool only_the(const char *w, size_t n)
{
    return n == 3 && memcmp(w, "the", 3) == 0;
}

/* What ascii_words_key makes of each byte: letters lowercased, digits and spaces kept,
 * 0 for anything else. */
static const char ascii_key_byte[256] = {
    [' '] = ' ', ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4', ['5'] = '5',
    ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9', ['A'] = 'a', ['B'] = 'b', ['C'] = 'c',
    ['D'] = 'd', ['E'] = 'e', ['F'] = 'f', ['G'] = 'g', ['H'] = 'h', ['I'] = 'i', ['J'] = 'j',
    ['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n', ['O'] = 'o', ['P'] = 'p', ['Q'] = 'q',
    ['R'] = 'r', ['S'] = 's', ['T'] = 't', ['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x',
    ['Y'] = 'y', ['Z'] = 'z', ['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e',
    ['f'] = 'f', ['g'] = 'g', ['h'] = 'h', ['i'] = 'i', ['j'] = 'j', ['k'] = 'k', ['l'] = 'l',
    ['m'] = 'm', ['n'] = 'n', ['o'] = 'o', ['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's',
    ['t'] = 't', ['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x', ['y'] = 'y', ['z'] = 'z',
};

/* The fast path of evm_gazetteer_key for most of what the spotter asks: ASCII words of
 * letters and digits separated by single spaces ("Paris", "New York"), none of which the
 * key rewrites, perhaps followed by what the key trims (periods, commas, closing brackets
 * and quotes, a possessive 's or ’s). Their key is their lowercase form: writes it into out
 * (n + 1 bytes) and returns its length; 0 (out unspecified) sends the name through the
 * general path. */
/* The end of s[0..n) once the key's trimming is done, for bytes that fold to themselves:
 * trailing spaces, periods, commas, closing brackets and quotes, and a possessive 's or ’s. */
static size_t ascii_trim(const char *s, size_t n)
{
    size_t end = n;
    for (;;) {
        while (end > 0 && (s[end - 1] == ' ' || s[end - 1] == '.' || s[end - 1] == ',' ||
                           s[end - 1] == ')' || s[end - 1] == '"'))
            end--;
        bool ess = end >= 2 && (s[end - 1] == 's' || s[end - 1] == 'S');
        if (ess && s[end - 2] == '\'') {
            end -= 2;
            continue;
        }
        if (ess && end >= 4 && memcmp(s + end - 4, "\xe2\x80\x99", 3) == 0) {
            end -= 4;
            continue;
        }
        return end;
    }
}

static size_t ascii_words_key(const char *s, size_t n, char *out)
{
    size_t end = ascii_trim(s, n);
    size_t word = 0; /* start of the current word */
    for (size_t i = 0; i < end; i++) {
        char c = ascii_key_byte[(unsigned char)s[i]];
        if (c == ' ') {
            if (i == word || key_rewrites(out + word, i - word, false))
                return 0; /* a leading or a double space, or a rewritten word */
            word = i + 1;
        } else if (!c) {
            return 0;
        }
        out[i] = c;
    }
    if (word >= end || (key_rewrites(out + word, end - word, word > 0) && !only_the(out, end)))
        return 0;
    out[end] = '\0';
    return end;
}

static size_t key_general(const char *s, size_t n, char *out, size_t cap);

size_t evm_gazetteer_key(const char *s, size_t n, char *out, size_t cap)
{
    if (!out || cap == 0)
        return 0;
    out[0] = '\0';
    if (!s || n == 0)
        return 0;
    if (n + 1 < EVM_GAZ_KEY_MAX && n < cap) {
        size_t kn = ascii_words_key(s, n, out);
        if (kn)
            return kn;
        out[0] = '\0';
    }
    return key_general(s, n, out, cap);
}

/* evm_gazetteer_key past its fast path (s and n not empty, out[0] already '\0'). Kept out
 * of line: its buffers make a large stack frame that the fast path does without. */
static size_t key_general(const char *s, size_t n, char *out, size_t cap)
{
    /* Fold: case, compatibility forms, marks removed (utf8proc through evm_utf8_fold);
     * ASCII and two-byte characters (Latin, Greek, Cyrillic, ...) through a table. */
    char stackbuf[EVM_GAZ_KEY_MAX * 2];
    char *folded = NULL;
    const char *f = stackbuf;
    size_t fn = 0;
    for (size_t i = 0; i < n && !folded;) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) { /* ASCII, most of news text: lowercase in place */
            if (fn + 1 > sizeof stackbuf) {
                folded = evm_utf8_fold(s, n, &fn);
                f = folded;
                break;
            }
            stackbuf[fn++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            i++;
            continue;
        }
        pthread_once(&fold_once, fold_init);
        int32_t cp;
        size_t len = evm_utf8_decode(s + i, n - i, &cp);
        /* anything not tabled (or invalid): fold the whole name with utf8proc */
        if (cp < 0x80 || cp >= FOLD_TABLE_END || fold_len[cp - 0x80] > 8 ||
            fn + fold_len[cp - 0x80] > sizeof stackbuf) {
            folded = evm_utf8_fold(s, n, &fn);
            f = folded;
            break;
        }
        memcpy(stackbuf + fn, fold_tab[cp - 0x80], fold_len[cp - 0x80]);
        fn += fold_len[cp - 0x80];
        i += len;
    }

    /* Trim trailing non-word characters, then a possessive 's / ’s. */
    size_t end = fn;
    for (;;) {
        while (end > 0 && (f[end - 1] == ' ' || f[end - 1] == '.' || f[end - 1] == ',' ||
                           f[end - 1] == ')' || f[end - 1] == '"'))
            end--;
        if (end >= 2 && f[end - 1] == 's' && f[end - 2] == '\'') {
            end -= 2;
            continue;
        }
        if (end >= 4 && f[end - 1] == 's' && (unsigned char)f[end - 4] == 0xE2 &&
            (unsigned char)f[end - 3] == 0x80 && (unsigned char)f[end - 2] == 0x99) {
            end -= 4;
            continue;
        }
        break;
    }

    kbuf b = {out, 0, cap, false};
    char word[EVM_GAZ_KEY_MAX];
    size_t wn = 0, words = 0;
    bool word_over = false;
    for (size_t i = 0; i < end;) {
        unsigned char c = (unsigned char)f[i];
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.') {
            /* the common case first: an ASCII letter, digit or period of a word */
            if (wn + 1 < sizeof word)
                word[wn++] = (char)c;
            else
                word_over = true;
            i++;
            continue;
        }
        int32_t cp = c;
        size_t len = c < 0x80 ? 1 : evm_utf8_decode(f + i, end - i, &cp);
        const char *add = NULL;
        size_t addn = 0;
        bool sep = false;
        if (cp < 0x80 && cp >= 0) {
            if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9') || cp == '.') {
                add = f + i;
                addn = 1;
            } else if (!is_apostrophe(cp)) {
                sep = true;
            }
        } else if (cp < 0 || is_apostrophe(cp)) {
            sep = cp < 0;
        } else if ((add = special_letter(cp)) != NULL) {
            addn = strlen(add);
        } else if (evm_utf8_is_letter(cp) || evm_utf8_is_digit(cp)) {
            add = f + i;
            addn = len;
        } else if (!evm_utf8_is_mark(cp)) {
            sep = true;
        }
        if (add) {
            if (wn + addn < sizeof word) {
                memcpy(word + wn, add, addn);
                wn += addn;
            } else {
                word_over = true;
            }
        }
        if (sep && wn) {
            emit_word(&b, word, wn, &words);
            wn = 0;
        }
        i += len;
    }
    if (wn)
        emit_word(&b, word, wn, &words);
    if (folded)
        free(folded);
    if (b.over || word_over) {
        out[0] = '\0';
        return 0;
    }
    /* A final "Co." or "Twp." after a name is "County" or "Township" ("Loudon Co."). */
    static const struct {
        const char *from, *to;
        size_t fl, tl;
    } tail[] = {{" co", " county", 3, 7}, {" cnty", " county", 5, 7}, {" twp", " township", 4, 9}};
    for (size_t t = 0; t < sizeof tail / sizeof tail[0]; t++) {
        size_t fl = tail[t].fl, tl = tail[t].tl;
        if (b.n > fl && out[b.n - fl] == ' ' && memcmp(out + b.n - fl, tail[t].from, fl) == 0 &&
            b.n - fl + tl < cap) {
            memcpy(out + b.n - fl, tail[t].to, tl + 1);
            b.n = b.n - fl + tl;
            break;
        }
    }
    /* The word "the" goes when something else remains ("The Hague" -> "hague",
     * "Democratic Republic of the Congo" -> "democratic republic of congo"). */
    for (size_t i = 0; i + 3 <= b.n;) {
        bool word = (i == 0 || out[i - 1] == ' ') && out[i] == 't' && out[i + 1] == 'h' &&
                    out[i + 2] == 'e' && (i + 3 == b.n || out[i + 3] == ' ');
        if (!word || b.n == 3) {
            i++;
            continue;
        }
        size_t from = i + 3 < b.n ? i : i - 1; /* "the " or a final " the" */
        memmove(out + from, out + from + 4, b.n - from - 4 + 1);
        b.n -= 4;
        i = from;
    }
    return b.n;
}

uint64_t evm_gazetteer_key_hash(const char *key, size_t n)
{
    return evm_gaz_hash(key, n);
}

/* ks's prefix through the general path: the whole key again. */
static size_t keys_general(evm_gaz_keys *ks, size_t n, const char **key, uint64_t *hash)
{
    size_t kn = evm_gazetteer_key(ks->s, n, ks->key, sizeof ks->key);
    *key = ks->key;
    *hash = kn ? evm_gaz_hash(ks->key, kn) : 0;
    return kn;
}

/* The fast path of evm_gazetteer_key (ascii_words_key) over growing prefixes: low[] holds
 * the lowercase bytes scanned so far, every space among them checked as that path checks
 * it (no leading or double space, no rewritten word before it), and h the FNV state over
 * them; scanning stops for good at the first byte the path refuses (stop). A prefix whose
 * trimmed end lies within the scanned bytes has the key low[0..end) when its last word is
 * none that the key rewrites; anything else goes through evm_gazetteer_key. */
size_t evm_gazetteer_keys_next(evm_gaz_keys *ks, size_t n, const char **key, uint64_t *hash)
{
    if (n == 0 || n + 1 >= EVM_GAZ_KEY_MAX)
        return keys_general(ks, n, key, hash);
    /* most names end in a letter or digit that no trimming rule takes */
    char last = ascii_key_byte[(unsigned char)ks->s[n - 1]];
    size_t end = last && last != ' ' && last != 's' ? n : ascii_trim(ks->s, n);
    if (ks->scanned < end && ks->stop == SIZE_MAX) {
        /* locals: stores into low[] could alias the fields */
        const char *s = ks->s;
        char *low = ks->low;
        size_t i = ks->scanned, word = ks->word;
        uint64_t h = ks->h;
        for (; i < end; i++) {
            char c = ascii_key_byte[(unsigned char)s[i]];
            if (c == ' ') {
                if (i == word || key_rewrites(low + word, i - word, false))
                    break;
                word = i + 1;
            } else if (!c) {
                break;
            }
            low[i] = c;
            h = (h ^ (unsigned char)c) * 1099511628211ull;
        }
        if (i < end)
            ks->stop = i;
        ks->scanned = i;
        ks->word = word;
        ks->h = h;
    }
    if (end == 0 || end > ks->scanned)
        return keys_general(ks, n, key, hash);
    size_t word = ks->word;
    uint64_t h = ks->h;
    if (end < ks->scanned) { /* a shorter key than the bytes scanned ("Kyiv's") */
        word = end;
        while (word > 0 && ks->low[word - 1] != ' ')
            word--;
        h = evm_gaz_hash(ks->low, end);
    }
    if (key_rewrites(ks->low + word, end - word, word > 0) && !only_the(ks->low, end)) {
        /* A final "the" after other words goes ("In the" -> "in"); no word before it is
         * one the key rewrites (the scan checked them), so what remains is the key. */
        if (word == 0 || !only_the(ks->low + word, end - word))
            return keys_general(ks, n, key, hash);
        end = word - 1;
        memcpy(ks->key, ks->low, end);
        ks->key[end] = '\0';
        *key = ks->key;
        *hash = evm_gaz_hash(ks->key, end);
        return end;
    }
    if (end == ks->scanned) {
        ks->low[end] = '\0';
        *key = ks->low;
    } else {
        memcpy(ks->key, ks->low, end);
        ks->key[end] = '\0';
        *key = ks->key;
    }
    *hash = h ? h : 1;
    return end;
}

/* ---- variant keys ----------------------------------------------------------------------- */

/* Latin spelling of a (folded, lowercase) Cyrillic letter, or NULL. */
static const char *cyrillic_latin(int32_t cp)
{
    static const char *const basic[32] = {
        "a", "b", "v", "h", "d", "e",  "zh", "z",  "y",  "y",    "k", "l", "m", "n", "o",  "p",
        "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "",  "y", "",  "e", "yu", "ya"};
    if (cp >= 0x430 && cp <= 0x44F)
        return basic[cp - 0x430];
    switch (cp) {
    case 0x454:
        return "ye"; /* є */
    case 0x456:
        return "i"; /* і */
    case 0x457:
        return "yi"; /* ї */
    case 0x451:
        return "yo"; /* ё */
    case 0x491:
        return "g"; /* ґ */
    case 0x45E:
        return "u"; /* ў */
    case 0x458:
        return "j"; /* ј */
    case 0x45F:
        return "dzh";
    case 0x452:
        return "dj";
    case 0x45B:
        return "c";
    case 0x459:
        return "lj";
    case 0x45A:
        return "nj";
    case 0x455:
        return "dz";
    default:
        return NULL;
    }
}

/* Tried in order at each position; the first that matches applies. */
static const struct {
    const char *from, *to;
    size_t fl, tl;
} variant_rules[] = {
    {"shch", "s", 4, 1}, {"sch", "s", 3, 1}, {"tch", "c", 3, 1}, {"ch", "c", 2, 1},
    {"sh", "s", 2, 1},   {"zh", "z", 2, 1},  {"kh", "h", 2, 1},  {"ts", "c", 2, 1},
    {"tz", "c", 2, 1},   {"cz", "c", 2, 1},  {"ph", "f", 2, 1},  {"ck", "k", 2, 1},
    {"ye", "e", 2, 1},   {"je", "e", 2, 1},  {"yu", "u", 2, 1},  {"ju", "u", 2, 1},
    {"iu", "u", 2, 1},   {"ya", "a", 2, 1},  {"ja", "a", 2, 1},  {"ia", "a", 2, 1},
    {"yo", "o", 2, 1},   {"jo", "o", 2, 1},  {"io", "o", 2, 1},  {"g", "h", 1, 1},
    {"j", "i", 1, 1},    {"y", "i", 1, 1},   {"w", "v", 1, 1},   {"q", "k", 1, 1},
    {"x", "ks", 1, 2},
};

size_t evm_gazetteer_variant_key(const char *key, size_t n, char *out, size_t cap)
{
    if (!out || cap == 0)
        return 0;
    out[0] = '\0';
    char lat[EVM_GAZ_KEY_MAX * 3];
    size_t ln = 0;
    for (size_t i = 0; i < n;) {
        int32_t cp;
        size_t len = evm_utf8_decode(key + i, n - i, &cp);
        const char *t = cp >= 0x400 ? cyrillic_latin(cp) : NULL;
        const char *src = t ? t : key + i;
        size_t sn = t ? strlen(t) : len;
        if (ln + sn >= sizeof lat)
            return 0;
        memcpy(lat + ln, src, sn);
        ln += sn;
        i += len;
    }
    size_t o = 0;
    for (size_t i = 0; i < ln;) {
        const char *rep = NULL;
        size_t used = 1;
        size_t sn = 1;
        /* only these letters start a rule: others are copied without trying them */
        bool ruled = lat[i] != '\0' && strchr("sctzkpyjigwqx", lat[i]) != NULL;
        for (size_t r = 0; ruled && r < sizeof variant_rules / sizeof variant_rules[0]; r++) {
            size_t fl = variant_rules[r].fl;
            if (variant_rules[r].from[0] == lat[i] && fl <= ln - i &&
                memcmp(lat + i, variant_rules[r].from, fl) == 0) {
                rep = variant_rules[r].to;
                used = fl;
                sn = variant_rules[r].tl;
                break;
            }
        }
        const char *src = rep ? rep : lat + i;
        for (size_t k = 0; k < sn; k++) {
            char c = src[k];
            /* Doubled letters collapse ("kryvyy" -> "krivi", "ss" -> "s"). */
            if (o > 0 && out[o - 1] == c && c != ' ' && (unsigned char)c < 0x80)
                continue;
            if (o + 1 >= cap) {
                out[0] = '\0';
                return 0;
            }
            out[o++] = c;
        }
        i += used;
    }
    out[o] = '\0';
    return o;
}

/* ---- open / close ----------------------------------------------------------------------- */

static evm_err gaz_fail(evm_diag *diag, const char *path, const char *what)
{
    return evm_diag_set(diag, EVM_ERR_GAZ,
                        "gazetteer index %s: %s; rebuild it with 'cmake --build build' (target "
                        "gazetteer) or 'evmap-gazbuild gazetteer/ %s'",
                        path, what, path);
}

static bool section_ok(const evm_gaz_header *h, size_t size, int s, size_t elem)
{
    const evm_gaz_section *sec = &h->sec[s];
    return sec->off >= sizeof *h && sec->off <= size && sec->size <= size - sec->off &&
           sec->off % 8 == 0 && (elem == 0 || sec->size % elem == 0);
}

static bool is_pow2(uint64_t x)
{
    return x && (x & (x - 1)) == 0;
}

static bool dict_open(struct evm_gaz *g, struct dict *d, int slots, int recs)
{
    const evm_gaz_header *h = g->hdr;
    uint64_t ns = h->sec[slots].size / sizeof(uint64_t);
    if (!is_pow2(ns) || ns > UINT32_MAX)
        return false;
    d->slots = (const uint64_t *)(g->map + h->sec[slots].off);
    d->mask = (uint32_t)(ns - 1);
    d->recs = g->map + h->sec[recs].off;
    d->recs_size = h->sec[recs].size;
    return true;
}

/* The record at a word (4-byte) offset of the RECS section; NULL when it does not fit in
 * the section (a corrupt body must not crash lookups). */
static const evm_gaz_rec *rec_at(const struct dict *d, uint64_t word)
{
    uint64_t off = word * 4;
    if (off + sizeof(evm_gaz_rec) > d->recs_size)
        return NULL;
    const evm_gaz_rec *r = (const evm_gaz_rec *)(d->recs + off);
    uint64_t end =
        off + sizeof *r + (r->len / 4 + 1) * 4 + (uint64_t)r->n_post * sizeof(evm_gaz_post);
    return end <= d->recs_size ? r : NULL;
}

static const char *rec_key(const evm_gaz_rec *r)
{
    return (const char *)(r + 1);
}

static const evm_gaz_post *rec_posts(const evm_gaz_rec *r)
{
    return (const evm_gaz_post *)((const char *)(r + 1) + (r->len / 4 + 1) * 4);
}

evm_err evm_gazetteer_open(const char *path, evm_gaz **out, evm_diag *diag)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return gaz_fail(diag, path, "no such file");
        char what[256];
        snprintf(what, sizeof what, "cannot open (%s)", strerror(errno));
        return gaz_fail(diag, path, what);
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return gaz_fail(diag, path, "not a regular file");
    }
    size_t size = (size_t)st.st_size;
    char what[256];
    if (size < sizeof(evm_gaz_header)) {
        close(fd);
        snprintf(what, sizeof what, "truncated (%zu bytes, a header alone is %zu)", size,
                 sizeof(evm_gaz_header));
        return gaz_fail(diag, path, what);
    }
    /* The checksum below reads every page anyway: mapping them all in one call costs a
     * third of faulting them in one by one, and lets the kernel map the page cache's large
     * folios whole, so the random lookups that follow miss the TLB less. */
#ifdef MAP_POPULATE
    int flags = MAP_SHARED | MAP_POPULATE;
#else
    int flags = MAP_SHARED;
#endif
    void *map = mmap(NULL, size, PROT_READ, flags, fd, 0);
    close(fd);
    if (map == MAP_FAILED) {
        snprintf(what, sizeof what, "cannot map (%s)", strerror(errno));
        return gaz_fail(diag, path, what);
    }
    /* Lookups jump around the file: no read-ahead for pages evicted later. */
    madvise(map, size, MADV_RANDOM);
    const evm_gaz_header *h = map;
    evm_err err = EVM_OK;
    if (memcmp(h->magic, EVM_GAZ_MAGIC, 8) != 0) {
        err = gaz_fail(diag, path, "corrupt: not an evmap gazetteer index (bad magic)");
    } else if (h->version != EVM_GAZ_VERSION) {
        snprintf(what, sizeof what, "wrong version: index format %u, this evmap reads %u",
                 h->version, EVM_GAZ_VERSION);
        err = gaz_fail(diag, path, what);
    } else if (h->header_size != sizeof *h || h->n_sections != EVM_GAZ_NSEC ||
               evm_gaz_checksum(h, offsetof(evm_gaz_header, header_sum)) != h->header_sum) {
        err = gaz_fail(diag, path, "corrupt: header checksum mismatch");
    } else if (h->file_size != size) {
        snprintf(what, sizeof what, "%s (%zu bytes, expected %llu)",
                 size < h->file_size ? "truncated" : "corrupt: trailing bytes", size,
                 (unsigned long long)h->file_size);
        err = gaz_fail(diag, path, what);
    }
    if (err) {
        munmap(map, size);
        return err;
    }
    bool ok = section_ok(h, size, EVM_GAZ_SEC_ENTRIES, sizeof(evm_gaz_entry)) &&
              section_ok(h, size, EVM_GAZ_SEC_STRINGS, 0) &&
              section_ok(h, size, EVM_GAZ_SEC_PREFIX, sizeof(uint64_t)) &&
              section_ok(h, size, EVM_GAZ_SEC_FUZZY, sizeof(evm_gaz_fuzzy)) &&
              h->sec[EVM_GAZ_SEC_STRINGS].size > 0 &&
              h->sec[EVM_GAZ_SEC_ENTRIES].size / sizeof(evm_gaz_entry) == h->n_entries;
    for (int s = EVM_GAZ_SEC_NAME_SLOTS; ok && s <= EVM_GAZ_SEC_DEM_SLOTS; s += 2)
        ok = section_ok(h, size, s, sizeof(uint64_t)) && section_ok(h, size, s + 1, 4);
    struct evm_gaz *g = evm_xcalloc(1, sizeof *g);
    g->map = map;
    g->size = size;
    g->hdr = h;
    if (ok) {
        const unsigned char *m = map;
        g->entries = (const evm_gaz_entry *)(m + h->sec[EVM_GAZ_SEC_ENTRIES].off);
        g->n_entries = h->n_entries;
        g->strings = (const char *)(m + h->sec[EVM_GAZ_SEC_STRINGS].off);
        g->strings_size = h->sec[EVM_GAZ_SEC_STRINGS].size;
        ok = g->strings[g->strings_size - 1] == '\0' &&
             dict_open(g, &g->names, EVM_GAZ_SEC_NAME_SLOTS, EVM_GAZ_SEC_NAME_RECS) &&
             dict_open(g, &g->variants, EVM_GAZ_SEC_VAR_SLOTS, EVM_GAZ_SEC_VAR_RECS) &&
             dict_open(g, &g->demonyms, EVM_GAZ_SEC_DEM_SLOTS, EVM_GAZ_SEC_DEM_RECS);
        uint64_t np = h->sec[EVM_GAZ_SEC_PREFIX].size / sizeof(uint64_t);
        ok = ok && is_pow2(np) && np <= UINT32_MAX;
        if (ok) {
            g->prefix = (const uint64_t *)(m + h->sec[EVM_GAZ_SEC_PREFIX].off);
            g->prefix_mask = (uint32_t)(np - 1);
            g->fuzzy = (const evm_gaz_fuzzy *)(m + h->sec[EVM_GAZ_SEC_FUZZY].off);
            g->n_fuzzy = (uint32_t)(h->sec[EVM_GAZ_SEC_FUZZY].size / sizeof(evm_gaz_fuzzy));
        }
    }
    if (!ok) {
        munmap(map, size);
        free(g);
        return gaz_fail(diag, path, "corrupt: section table out of bounds");
    }
    g->path = evm_xstrdup(path);
    g->serial = atomic_fetch_add(&last_serial, 1) + 1;
    *out = g;
    return EVM_OK;
}

void evm_gazetteer_close(evm_gaz *g)
{
    if (!g)
        return;
    munmap((void *)g->map, g->size);
    free(g->path);
    free(g);
}

evm_err evm_gazetteer_verify(const evm_gaz *g, evm_diag *diag)
{
    const evm_gaz_header *h = g->hdr;
    if (evm_gaz_checksum(g->map + h->header_size, g->size - h->header_size) != h->body_sum)
        return gaz_fail(diag, g->path, "corrupt: body checksum mismatch");
    return EVM_OK;
}

size_t evm_gazetteer_size(const evm_gaz *g)
{
    return g->n_entries;
}

uint64_t evm_gazetteer_serial(const evm_gaz *g)
{
    return g->serial;
}

/* ---- finding the index ------------------------------------------------------------------ */

static bool file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

const char *evm_gazetteer_find(char *buf, size_t cap)
{
    if (!buf || cap == 0)
        return NULL;
    buf[0] = '\0';
    const char *env = getenv("EVMAP_GAZETTEER");
    if (env && *env) {
        snprintf(buf, cap, "%s", env);
        return file_exists(buf) ? buf : NULL;
    }
    char exe[PATH_MAX];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char first[PATH_MAX] = "";
    if (k > 0) {
        exe[k] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            const char *rel[] = {"/" EVM_GAZ_FILE, "/../share/evmap/" EVM_GAZ_FILE};
            for (size_t i = 0; i < 2; i++) {
                snprintf(buf, cap, "%s%s", exe, rel[i]);
                if (!first[0])
                    snprintf(first, sizeof first, "%s", buf);
                if (file_exists(buf))
                    return buf;
            }
        }
    }
#ifdef EVM_INSTALL_DATADIR
    snprintf(buf, cap, "%s/%s", EVM_INSTALL_DATADIR, EVM_GAZ_FILE);
    if (file_exists(buf))
        return buf;
#endif
#ifdef EVM_BUILD_DIR
    snprintf(buf, cap, "%s/%s", EVM_BUILD_DIR, EVM_GAZ_FILE);
    if (file_exists(buf))
        return buf;
#endif
    snprintf(buf, cap, "%s", first[0] ? first : EVM_GAZ_FILE);
    return NULL;
}

evm_err evm_gazetteer_open_default(const char *path, evm_gaz **out, evm_diag *diag)
{
    *out = NULL;
    char buf[PATH_MAX];
    const char *found = path && *path ? path : evm_gazetteer_find(buf, sizeof buf);
    if (!found)
        return evm_diag_set(diag, EVM_ERR_GAZ,
                            "gazetteer index not found (looked for %s, in the install folder and "
                            "the build tree, and $EVMAP_GAZETTEER); build it with 'cmake --build "
                            "build' or give --gazetteer PATH",
                            buf);
    evm_err err = evm_gazetteer_open(found, out, diag);
    if (!err && (err = evm_gazetteer_verify(*out, diag)) != EVM_OK) {
        evm_gazetteer_close(*out);
        *out = NULL;
    }
    return err;
}

/* ---- lookup ----------------------------------------------------------------------------- */

static const char *str_at(const evm_gaz *g, uint32_t off)
{
    return off < g->strings_size ? g->strings + off : "";
}

/* The record of key[0..n) in d, h being evm_gaz_hash of the key; NULL when none. */
static const evm_gaz_rec *dict_find_hashed(const struct dict *d, const char *key, size_t n,
                                           uint64_t h)
{
    uint32_t h32 = (uint32_t)h;
    for (uint32_t i = (uint32_t)(h >> 32) & d->mask, probes = 0; probes <= d->mask;
         i = (i + 1) & d->mask, probes++) {
        uint64_t s = d->slots[i];
        if (s == 0)
            return NULL;
        if ((uint32_t)(s >> 32) != h32)
            continue; /* another key: its record need not be read */
        const evm_gaz_rec *r = rec_at(d, (uint32_t)s - 1);
        if (!r)
            return NULL;
        if (r->hash == h32 && r->len == n && memcmp(rec_key(r), key, n) == 0)
            return r;
    }
    return NULL;
}

static const evm_gaz_rec *dict_find(const struct dict *d, const char *key, size_t n)
{
    return n ? dict_find_hashed(d, key, n, evm_gaz_hash(key, n)) : NULL;
}

static void fill(const evm_gaz *g, uint32_t idx, evm_match m, unsigned flags, float score,
                 evm_candidate *c)
{
    const evm_gaz_entry *e = &g->entries[idx];
    c->entry = idx;
    c->geonameid = e->geonameid;
    c->name = str_at(g, e->name);
    c->country[0] = e->country[0];
    c->country[1] = e->country[1];
    c->country[2] = '\0';
    c->admin1_code = str_at(g, e->admin1_code);
    c->admin1 = str_at(g, e->admin1);
    c->admin2 = str_at(g, e->admin2);
    c->feature = str_at(g, e->feature);
    c->city = str_at(g, e->city);
    c->level = (evm_geo_level)e->level;
    c->lat = e->lat;
    c->lon = e->lon;
    c->population = e->population;
    c->capital = (e->flags & EVM_GAZ_CAPITAL) != 0;
    c->match = m;
    c->demonym = (flags & EVM_GAZ_POST_DEMONYM) != 0;
    c->abbrev = (flags & EVM_GAZ_POST_ABBREV) != 0;
    c->distance = 0;
    c->prior = e->prior;
    c->score = score;
}

bool evm_gazetteer_code(const evm_gaz *g, const char *code, evm_candidate *out)
{
    char key[80];
    int n = snprintf(key, sizeof key, "%c%s", EVM_GAZ_CODE_MARK, code);
    if (n <= 1 || (size_t)n >= sizeof key)
        return false;
    const evm_gaz_rec *r = dict_find(&g->names, key, (size_t)n);
    if (!r || r->n_post == 0)
        return false;
    return evm_gazetteer_entry(g, rec_posts(r)[0].entry, out);
}

bool evm_gazetteer_entry(const evm_gaz *g, uint32_t entry, evm_candidate *out)
{
    if (!g || entry >= g->n_entries)
        return false;
    fill(g, entry, EVM_MATCH_EXACT, 0, g->entries[entry].prior, out);
    return true;
}

size_t evm_gazetteer_lookup_key(const evm_gaz *g, const char *key, size_t n, evm_candidate *out,
                                size_t max)
{
    const evm_gaz_rec *r = dict_find(&g->names, key, n);
    if (!r)
        return 0;
    const evm_gaz_post *p = rec_posts(r);
    size_t w = 0;
    for (uint32_t i = 0; i < r->n_post && w < max; i++)
        if (p[i].entry < g->n_entries)
            fill(g, p[i].entry, (evm_match)p[i].match, p[i].flags, p[i].score / 65535.0f,
                 &out[w++]);
    return r->n_post;
}

/* Like the spotter's comparison of candidates: > 0 when entry a ranks after entry b. */
static int prior_cmp(const evm_gaz_entry *a, const evm_gaz_entry *b)
{
    if (a->prior != b->prior)
        return a->prior < b->prior ? 1 : -1;
    return (a->population < b->population) - (a->population > b->population);
}

size_t evm_gazetteer_lookup_key_by_prior(const evm_gaz *g, const char *key, size_t n, size_t pool,
                                         evm_candidate *out, size_t max)
{
    const evm_gaz_rec *r = dict_find(&g->names, key, n);
    if (!r || max == 0)
        return 0;
    if (pool > POOL_MAX)
        pool = POOL_MAX;
    const evm_gaz_post *p = rec_posts(r);
    uint32_t ord[POOL_MAX];
    const evm_gaz_entry *ent[POOL_MAX]; /* ent[k]: the entry of posting ord[k] */
    size_t m = 0, seen = 0;
    /* a stable insertion sort of the postings' indices (they come nearly in this order)
     * that keeps only the best max: a posting that would land past them is skipped */
    for (uint32_t i = 0; i < r->n_post && seen < pool; i++) {
        if (p[i].entry >= g->n_entries)
            continue;
        seen++;
        const evm_gaz_entry *e = &g->entries[p[i].entry];
        if (m == max && prior_cmp(ent[m - 1], e) <= 0)
            continue;
        size_t j = m < max ? m++ : m - 1;
        while (j > 0 && prior_cmp(ent[j - 1], e) > 0) {
            ord[j] = ord[j - 1];
            ent[j] = ent[j - 1];
            j--;
        }
        ord[j] = i;
        ent[j] = e;
    }
    for (size_t k = 0; k < m; k++) {
        const evm_gaz_post *q = &p[ord[k]];
        fill(g, q->entry, (evm_match)q->match, q->flags, q->score / 65535.0f, &out[k]);
    }
    return m;
}

/* Is h (evm_gaz_hash of a key) the hash of a word prefix of some name key? */
static bool prefix_hashed(const evm_gaz *g, uint64_t h)
{
    for (uint32_t i = (uint32_t)(h >> 32) & g->prefix_mask, probes = 0; probes <= g->prefix_mask;
         i = (i + 1) & g->prefix_mask, probes++) {
        if (g->prefix[i] == 0)
            return false;
        if (g->prefix[i] == h)
            return true;
    }
    return false;
}

bool evm_gazetteer_has_prefix(const evm_gaz *g, const char *key, size_t n)
{
    return n ? prefix_hashed(g, evm_gaz_hash(key, n)) : false;
}

bool evm_gazetteer_probe_key(const evm_gaz *g, const char *key, size_t n, size_t *n_cands)
{
    return evm_gazetteer_probe_hashed(g, key, n, n ? evm_gaz_hash(key, n) : 0, n_cands);
}

bool evm_gazetteer_probe_hashed(const evm_gaz *g, const char *key, size_t n, uint64_t h,
                                size_t *n_cands)
{
    if (n_cands)
        *n_cands = 0;
    if (n == 0)
        return false;
    if (n_cands) {
        const evm_gaz_rec *r = dict_find_hashed(&g->names, key, n, h);
        *n_cands = r ? r->n_post : 0;
    }
    return prefix_hashed(g, h);
}

const char *evm_gazetteer_demonym(const evm_gaz *g, const char *word, size_t n)
{
    evm_gaz_keys ks; /* the key and its hash in one pass */
    evm_gazetteer_keys_start(&ks, word);
    const char *key;
    uint64_t h;
    size_t kn = evm_gazetteer_keys_next(&ks, n, &key, &h);
    const evm_gaz_rec *r = kn ? dict_find_hashed(&g->demonyms, key, kn, h) : NULL;
    if (!r || r->n_post == 0)
        return NULL;
    uint32_t off = rec_posts(r)[0].entry;
    return off < g->strings_size ? g->strings + off : NULL;
}

/* One gathered candidate before ranking. */
typedef struct pool_item {
    uint32_t entry;
    uint8_t match;
    uint8_t distance;
    uint8_t flags;
    float score;
} pool_item;

typedef struct pool {
    pool_item items[POOL_MAX];
    size_t n;
} pool;

static void pool_add(pool *p, uint32_t entry, evm_match m, unsigned flags, int distance,
                     float score, bool dedupe)
{
    for (size_t i = 0; dedupe && i < p->n; i++)
        if (p->items[i].entry == entry) {
            if (score > p->items[i].score) {
                p->items[i].score = score;
                p->items[i].match = (uint8_t)m;
                p->items[i].distance = (uint8_t)distance;
                p->items[i].flags = (uint8_t)flags;
            }
            return;
        }
    if (p->n < POOL_MAX)
        p->items[p->n++] = (pool_item){entry, (uint8_t)m, (uint8_t)distance, (uint8_t)flags, score};
}

static void pool_add_rec(const evm_gaz *g, const evm_gaz_rec *r, pool *p, const char *country,
                         bool as_variant, float factor, int distance, bool dotted, size_t limit)
{
    bool dedupe = p->n > 0;
    const evm_gaz_post *ps = rec_posts(r);
    for (uint32_t i = 0; i < r->n_post && p->n < limit; i++) {
        if (ps[i].entry >= g->n_entries)
            continue;
        /* Entries are read only for a country filter: postings carry their score. */
        const evm_gaz_entry *e = country ? &g->entries[ps[i].entry] : NULL;
        if (e && (e->country[0] != country[0] || e->country[1] != country[1]))
            continue;
        evm_match m =
            as_variant ? (distance ? EVM_MATCH_FUZZY : EVM_MATCH_VARIANT) : (evm_match)ps[i].match;
        /* The first record's postings are distinct already (the builder merged them). */
        /* A written abbreviation ("Ind.", "Kan.") takes its abbreviation table rows at full
         * weight; undotted ("Ind", "Miss") they stay low. */
        float sc = ps[i].score / 65535.0f;
        if (dotted && (ps[i].flags & EVM_GAZ_POST_ABBREV))
            sc = sc / EVM_GAZ_ABBREV_WEIGHT > 1 ? 1 : sc / EVM_GAZ_ABBREV_WEIGHT;
        pool_add(p, ps[i].entry, m, ps[i].flags, distance, sc * factor, dedupe);
    }
}

/* Optimal string alignment distance of a and b, or limit + 1 when it exceeds limit. */
static int osa_distance(const char *a, size_t an, const char *b, size_t bn, int limit)
{
    if (an > bn + (size_t)limit || bn > an + (size_t)limit)
        return limit + 1;
    int rows[3][EVM_GAZ_KEY_MAX + 1];
    if (bn > EVM_GAZ_KEY_MAX)
        return limit + 1;
    int *pp = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= bn; j++)
        prev[j] = (int)j;
    for (size_t i = 1; i <= an; i++) {
        cur[0] = (int)i;
        int best = cur[0];
        for (size_t j = 1; j <= bn; j++) {
            int cost = a[i - 1] != b[j - 1];
            int v = prev[j - 1] + cost;
            if (prev[j] + 1 < v)
                v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && pp[j - 2] + 1 < v)
                v = pp[j - 2] + 1;
            cur[j] = v;
            if (v < best)
                best = v;
        }
        if (best > limit)
            return limit + 1;
        int *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    return prev[bn] <= limit ? prev[bn] : limit + 1;
}

static size_t fuzzy_lower(const evm_gaz *g, uint32_t h)
{
    size_t lo = 0, hi = g->n_fuzzy;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->fuzzy[mid].hash < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The edit budget for a variant key of n bytes: none below 6, one up to 9, then two. */
static int fuzzy_budget(size_t n)
{
    return n < 6 ? 0 : n < 10 ? 1 : 2;
}

/* Candidates within the edit budget, found through the single-deletion neighbourhood of
 * the variant key (a neighbour of the query equal to a key or to one of its neighbours). */
static void fuzzy_search(const evm_gaz *g, const char *sk, size_t sn, pool *p, const char *country)
{
    int budget = fuzzy_budget(sn);
    if (budget == 0 || g->n_fuzzy == 0)
        return;
    uint32_t seen[256];
    size_t n_seen = 0;
    char del[EVM_GAZ_KEY_MAX];
    for (size_t i = 0; i <= sn; i++) {
        /* i == sn stands for the query itself (a key one deletion away from it). */
        size_t dn = 0;
        if (i < sn) {
            if (i > 0 && sk[i] == sk[i - 1])
                continue;
            memcpy(del, sk, i);
            memcpy(del + i, sk + i + 1, sn - i - 1);
            dn = sn - 1;
        } else {
            memcpy(del, sk, sn);
            dn = sn;
        }
        uint32_t h = (uint32_t)evm_gaz_hash(del, dn);
        for (size_t f = fuzzy_lower(g, h); f < g->n_fuzzy && g->fuzzy[f].hash == h; f++) {
            uint32_t ki = g->fuzzy[f].rec;
            bool dup = false;
            for (size_t s = 0; s < n_seen; s++)
                if (seen[s] == ki) {
                    dup = true;
                    break;
                }
            if (dup)
                continue;
            if (n_seen < sizeof seen / sizeof seen[0])
                seen[n_seen++] = ki;
            const evm_gaz_rec *k = rec_at(&g->variants, ki);
            if (!k)
                continue;
            const char *ks = rec_key(k);
            size_t kn = k->len;
            /* Same first letter: misspellings rarely start wrong, and it keeps noise out. */
            if (kn == 0 || ks[0] != sk[0])
                continue;
            int d = osa_distance(sk, sn, ks, kn, budget);
            if (d == 0 || d > budget || d > fuzzy_budget(kn))
                continue;
            pool_add_rec(g, k, p, country, true, d == 1 ? FUZZY_WEIGHT_1 : FUZZY_WEIGHT_2, d, false,
                         POOL_MAX);
        }
    }
}

static int cmp_pool(const void *a, const void *b)
{
    const pool_item *x = a, *y = b;
    if (x->score != y->score)
        return x->score > y->score ? -1 : 1;
    return x->entry < y->entry ? -1 : x->entry > y->entry;
}

size_t evm_gazetteer_lookup(const evm_gaz *g, const char *name, size_t n,
                            const evm_lookup_opts *opts, evm_candidate *out, size_t max)
{
    static const evm_lookup_opts none = {0};
    if (!opts)
        opts = &none;
    const char *country = opts->country && strlen(opts->country) == 2 ? opts->country : NULL;
    char cc[3] = "";
    if (country) {
        cc[0] = (char)(country[0] & ~0x20);
        cc[1] = (char)(country[1] & ~0x20);
        country = cc;
    }
    char key[EVM_GAZ_KEY_MAX];
    size_t kn = evm_gazetteer_key(name, n, key, sizeof key);
    if (kn == 0 || max == 0)
        return 0;
    size_t end = n;
    while (end > 0 && name[end - 1] == ' ')
        end--;
    bool dotted = end > 0 && name[end - 1] == '.';
    pool stack_pool;
    pool *p = &stack_pool;
    p->n = 0;
    const evm_gaz_rec *k = dict_find(&g->names, key, kn);
    /* Postings come best first: alone, the record needs only its first max. */
    bool alone = !opts->variants && !opts->fuzzy && !dotted;
    if (k)
        pool_add_rec(g, k, p, country, false, 1.0f, 0, dotted, alone ? max : POOL_MAX);
    if (opts->variants || opts->fuzzy) {
        char sk[EVM_GAZ_KEY_MAX];
        size_t sn = evm_gazetteer_variant_key(key, kn, sk, sizeof sk);
        if (sn && opts->variants) {
            const evm_gaz_rec *v = dict_find(&g->variants, sk, sn);
            if (v)
                pool_add_rec(g, v, p, country, true, VARIANT_WEIGHT, 0, false, POOL_MAX);
        }
        if (sn && opts->fuzzy && p->n == 0)
            fuzzy_search(g, sk, sn, p, country);
    }
    qsort(p->items, p->n, sizeof p->items[0], cmp_pool);
    size_t w = 0;
    for (size_t i = 0; i < p->n && w < max; i++) {
        const pool_item *it = &p->items[i];
        fill(g, it->entry, (evm_match)it->match, it->flags, 1.0f, &out[w]);
        out[w].distance = it->distance;
        out[w].score = it->score;
        w++;
    }
    return w;
}

void evm_gazetteer_to_place(const evm_candidate *c, evm_place *out)
{
    memset(out, 0, sizeof *out);
    out->geonameid = c->geonameid;
    out->name = c->name;
    memcpy(out->country, c->country, 3);
    out->admin1 = c->admin1;
    out->feature = c->feature;
    out->level = c->level;
    out->lat = c->lat;
    out->lon = c->lon;
    out->population = c->population;
    out->capital = c->capital;
    out->best_score = c->score;
}

const char *evm_gazetteer_match_name(evm_match m)
{
    switch (m) {
    case EVM_MATCH_EXACT:
        return "exact";
    case EVM_MATCH_ALTERNATE:
        return "alternate";
    case EVM_MATCH_VARIANT:
        return "variant";
    case EVM_MATCH_FUZZY:
        return "fuzzy";
    }
    return "unknown";
}
