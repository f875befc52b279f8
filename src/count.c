/* count.c: numbers written in digits or words, and the killed/injured counts of a sentence
 * (used by the event stage, after segmentation). */
#include "count.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "evmap.h"

#define WORD_MAX 24
/* Words read from one text at most (a few sentences of prose is far less). */
#define WORDS_MAX 8192

/* A word ("people", "twenty-five", "1,200") or one punctuation character. */
typedef struct word {
    size_t start, end;
    char low[WORD_MAX]; /* lowercase, truncated; "" for punctuation */
    char punct;
    bool cap;
} word;

static bool is_word_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* Cuts s[0..n) into words; inner hyphens, apostrophes, and "," or "." between digits stay
 * inside a word. The curly apostrophe (U+2019) counts as an apostrophe. */
static size_t lex(const char *s, size_t n, word *w, size_t max)
{
    size_t k = 0, i = 0;
    while (i < n && k < max) {
        unsigned char c = (unsigned char)s[i];
        if (isspace(c)) {
            i++;
            continue;
        }
        if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
            ((unsigned char)s[i + 2] == 0x99 || (unsigned char)s[i + 2] == 0x98 ||
             (unsigned char)s[i + 2] == 0x9C || (unsigned char)s[i + 2] == 0x9D ||
             (unsigned char)s[i + 2] == 0x93 || (unsigned char)s[i + 2] == 0x94)) {
            /* curly quotes and dashes are punctuation */
            word *x = &w[k++];
            memset(x, 0, sizeof *x);
            x->start = i;
            x->end = i + 3;
            x->punct = (unsigned char)s[i + 2] == 0x93 ? '-' : '"';
            i += 3;
            continue;
        }
        word *x = &w[k++];
        memset(x, 0, sizeof *x);
        x->start = i;
        if (!is_word_byte(c)) {
            x->punct = (char)c;
            x->end = ++i;
            continue;
        }
        x->cap = c >= 'A' && c <= 'Z';
        size_t j = i;
        while (j < n) {
            unsigned char d = (unsigned char)s[j];
            bool digit_before = j > i && isdigit((unsigned char)s[j - 1]);
            if (is_word_byte(d) && !(d == 0xE2 && j + 2 < n && (unsigned char)s[j + 1] == 0x80))
                j++;
            else if ((d == '-' || d == '\'') && j + 1 < n && is_word_byte((unsigned char)s[j + 1]))
                j++;
            else if ((d == ',' || d == '.') && digit_before && j + 1 < n &&
                     isdigit((unsigned char)s[j + 1]))
                j++;
            else
                break;
        }
        x->end = j;
        size_t len = j - i < WORD_MAX - 1 ? j - i : WORD_MAX - 1;
        for (size_t t = 0; t < len; t++)
            x->low[t] = (char)tolower((unsigned char)s[i + t]);
        i = j;
    }
    return k;
}

static bool is(const word *w, size_t nw, size_t i, const char *s)
{
    return i < nw && !w[i].punct && !strcmp(w[i].low, s);
}

static bool in_list(const word *x, const char *const *list)
{
    if (x->punct)
        return false;
    for (size_t i = 0; list[i]; i++)
        if (!strcmp(x->low, list[i]))
            return true;
    return false;
}

/* ---- numbers ---------------------------------------------------------------------------- */

static const char *const units[] = {
    "zero",     "one",     "two",     "three",     "four",     "five",     "six",
    "seven",    "eight",   "nine",    "ten",       "eleven",   "twelve",   "thirteen",
    "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", NULL};
static const char *const tens[] = {"twenty",  "thirty", "forty",  "fifty", "sixty",
                                   "seventy", "eighty", "ninety", NULL};

static int lookup(const char *s, size_t n, const char *const *list)
{
    for (int i = 0; list[i]; i++)
        if (strlen(list[i]) == n && !memcmp(s, list[i], n))
            return i;
    return -1;
}

/* "twenty-five", "seven", "forty": the value of one word below 100, or -1. */
static int small_word(const char *low)
{
    size_t n = strlen(low);
    const char *dash = memchr(low, '-', n);
    int v;
    if (!dash) {
        if ((v = lookup(low, n, units)) >= 0)
            return v;
        if ((v = lookup(low, n, tens)) >= 0)
            return 20 + 10 * v;
        return -1;
    }
    int t = lookup(low, (size_t)(dash - low), tens);
    int u = lookup(dash + 1, n - (size_t)(dash - low) - 1, units);
    if (t < 0 || u < 1 || u > 9)
        return -1;
    return 20 + 10 * t + u;
}

/* A word of digits ("35", "1,200", "3.5"): its integer value, or -1. A range written
 * "10-15" gives its first number and sets *range. */
static int64_t digits_word(const char *low, bool *range, double *exact)
{
    int64_t v = 0;
    double frac = 0, scale = 1;
    bool any = false, in_frac = false;
    *range = false;
    for (const char *p = low; *p; p++) {
        if (isdigit((unsigned char)*p)) {
            if (in_frac) {
                scale /= 10;
                frac += (*p - '0') * scale;
            } else if (v < 100000000) {
                v = v * 10 + (*p - '0');
            }
            any = true;
        } else if (*p == ',' && !in_frac) {
            continue;
        } else if (*p == '.' && !in_frac) {
            in_frac = true;
        } else if (*p == '-' && any && isdigit((unsigned char)p[1])) {
            *range = true;
            break;
        } else {
            return -1;
        }
    }
    if (!any)
        return -1;
    *exact = (double)v + frac;
    return v;
}

/* Parses a number starting at word i; returns the words used (0: none). */
static size_t parse_number(const word *w, size_t nw, size_t i, int64_t *value, bool *range)
{
    *range = false;
    if (i >= nw || w[i].punct)
        return 0;
    double exact;
    int64_t d = digits_word(w[i].low, range, &exact);
    if (d >= 0) {
        size_t used = 1;
        if (!*range && is(w, nw, i + 1, "million"))
            exact *= 1e6, used = 2;
        else if (!*range && is(w, nw, i + 1, "thousand"))
            exact *= 1e3, used = 2;
        else if (!*range && is(w, nw, i + 1, "dozen"))
            exact *= 12, used = 2;
        *value = (int64_t)exact;
        return used;
    }
    int64_t total = 0, cur = 0;
    size_t j = i;
    bool any = false;
    for (;;) {
        if (j >= nw || w[j].punct)
            break;
        int v = small_word(w[j].low);
        const char *x = w[j].low;
        if (v >= 0 && (!any || cur % 100 == 0)) {
            cur += v;
        } else if (!strcmp(x, "hundred")) {
            cur = (cur ? cur : 1) * 100;
        } else if (!strcmp(x, "thousand") || !strcmp(x, "million")) {
            total += (cur ? cur : 1) * (x[0] == 't' ? 1000 : 1000000);
            cur = 0;
        } else if (!strcmp(x, "dozen")) {
            cur = (cur ? cur : 1) * 12;
        } else if ((!strcmp(x, "a") || !strcmp(x, "an")) && !any &&
                   (is(w, nw, j + 1, "hundred") || is(w, nw, j + 1, "thousand") ||
                    is(w, nw, j + 1, "dozen") || is(w, nw, j + 1, "million"))) {
            j++;
            continue;
        } else if (!strcmp(x, "and") && any && cur >= 100 && j + 1 < nw &&
                   small_word(w[j + 1].low) > 0) {
            j++;
            continue;
        } else {
            break;
        }
        any = true;
        j++;
    }
    if (!any)
        return 0;
    *value = total + cur;
    return j - i;
}

size_t evm_count_number(const char *s, size_t n, int64_t *value)
{
    word w[16];
    size_t nw = lex(s, n, w, 16);
    bool range;
    size_t used = parse_number(w, nw, 0, value, &range);
    return used ? w[used - 1].end : 0;
}

/* ---- casualties ------------------------------------------------------------------------- */

static const char *const person_nouns[] = {
    "people",     "persons",     "person",    "civilians",    "civilian",    "children",
    "child",      "kids",        "residents", "resident",     "men",         "women",
    "man",        "woman",       "soldiers",  "soldier",      "troops",      "servicemen",
    "serviceman", "others",      "adults",    "teenagers",    "teenager",    "girls",
    "boys",       "girl",        "boy",       "babies",       "infants",     "policemen",
    "officers",   "workers",     "rescuers",  "firefighters", "medics",      "passengers",
    "fighters",   "militants",   "members",   "villagers",    "journalists", "patients",
    "pensioners", "minors",      "students",  "guards",       "employees",   "staff",
    "victims",    "individuals", "citizens",  "refugees",     "doctors",     "nurses",
    "volunteers", "more",        "deaths",    "fatalities",   NULL};
static const char *const killed_after[] = {"killed", "dead",       "died",     "perished", "slain",
                                           "deaths", "fatalities", "murdered", NULL};
static const char *const injured_after[] = {"injured", "wounded", "hurt", "injuries", NULL};
static const char *const killed_before[] = {"killed", "killing", "kills", "kill", NULL};
/* Words that may follow a bare count ("killed 3 in Sumy", "injuring 10 and ..."). */
static const char *const followers[] = {
    "in",   "on",        "at",      "and",   "near",      "when",      "after",       "during",
    "as",   "including", "across",  "while", "from",      "overnight", "yesterday",   "today",
    "with", "inside",    "outside", "but",   "according", "officials", "authorities", "police",
    "said", "the",       "a",       "there", "so",        "since",     NULL};
static const char *const injured_before[] = {
    "injured", "injuring", "injures", "wounded", "wounding", "wounds", "hurt", "hurting", NULL};
static const char *const aux[] = {
    "were",       "was",  "have",      "has",        "had",     "been",  "are",       "is",
    "reportedly", "also", "all",       "being",      "got",     "later", "confirmed", "feared",
    "now",        "left", "seriously", "critically", "lightly", "badly", "fatally",   "reported",
    "believed",   "to",   "be",        "of",         "them",    "whom",  NULL};
/* Lower-bound modifiers and vague ones ("about 10" is not a lower bound). */
static const char *const vague[] = {"about",   "around", "nearly",    "almost", "approximately",
                                    "roughly", "some",   "estimated", "up",     "an",
                                    "as",      "many",   "between",   NULL};

/* Reads the modifiers before the number at i; returns the index of the first modifier word
 * and sets *at_least. */
static size_t modifiers_before(const word *w, size_t i, bool *at_least)
{
    *at_least = false;
    size_t j = i;
    for (;;) {
        if (j >= 2 && is(w, j, j - 2, "at") && (is(w, j, j - 1, "least"))) {
            *at_least = true;
            j -= 2;
        } else if (j >= 2 &&
                   (is(w, j, j - 2, "more") || is(w, j, j - 2, "no") ||
                    is(w, j, j - 2, "upwards")) &&
                   (is(w, j, j - 1, "than") || is(w, j, j - 1, "of") || is(w, j, j - 1, "fewer") ||
                    is(w, j, j - 1, "less"))) {
            *at_least = true;
            j -= 2;
        } else if (j >= 1 && is(w, j, j - 1, "over")) {
            *at_least = true;
            j -= 1;
        } else if (j >= 1 && is(w, j, j - 1, "than") && j >= 3 && is(w, j, j - 2, "fewer")) {
            *at_least = true;
            j -= 3;
        } else if (j >= 1 && in_list(&w[j - 1], vague)) {
            j -= 1;
        } else {
            break;
        }
    }
    return j;
}

static bool is_month_word(const word *x)
{
    static const char *const months[] = {
        "january",   "february", "march",    "april",    "may", "june", "july", "august",
        "september", "october",  "november", "december", "jan", "feb",  "apr",  "jun",
        "jul",       "aug",      "sep",      "sept",     "oct", "nov",  "dec",  NULL};
    return in_list(x, months);
}

/* A capitalised plural demonym ("Ukrainians", "Palestinians", "Israelis"). */
static bool demonym_plural(const word *x)
{
    size_t n = strlen(x->low);
    return x->cap && n > 4 &&
           (!strcmp(x->low + n - 3, "ans") || !strcmp(x->low + n - 2, "is") ||
            !strcmp(x->low + n - 4, "ese"));
}

void evm_count_casualties(const char *s, size_t n, evm_casualties *out)
{
    out->killed = out->injured = -1;
    out->killed_at_least = out->injured_at_least = false;
    out->killed_at = out->injured_at = 0;
    size_t cap = n + 1 < WORDS_MAX ? n + 1 : WORDS_MAX;
    word *w = evm_xmalloc(cap * sizeof *w);
    size_t nw = lex(s, n, w, cap);

    for (size_t i = 0; i < nw; i++) {
        int64_t value;
        bool range, at_least;
        size_t used = parse_number(w, nw, i, &value, &range);
        if (!used)
            continue;
        size_t first = modifiers_before(w, i, &at_least);
        size_t end = i + used; /* first word after the number */
        /* a range: "10 to 15", "10-15", "between 10 and 15": the lower end, as a bound */
        int64_t v2;
        bool r2;
        if (range) {
            at_least = true;
        } else if ((is(w, nw, end, "to") || is(w, nw, end, "or") || is(w, nw, end, "and") ||
                    (end < nw && w[end].punct == '-')) &&
                   parse_number(w, nw, end + 1, &v2, &r2) && v2 > value) {
            at_least = true;
            end += 1 + parse_number(w, nw, end + 1, &v2, &r2);
        }
        size_t next_i = end;
        /* not casualties: dates, years, ages, parts of a figure already given */
        bool after_month = (i > 0 && is_month_word(&w[i - 1])) ||
                           (i > 1 && w[i - 1].punct == '.' && is_month_word(&w[i - 2]));
        bool skip = after_month || (end < nw && is_month_word(&w[end])) ||
                    (value >= 1900 && value <= 2100) ||
                    (first > 0 && (is(w, nw, first - 1, "including") ||
                                   is(w, nw, first - 1, "no") || is(w, nw, first - 1, "aged") ||
                                   is(w, nw, first - 1, "age") || is(w, nw, first - 1, "among"))) ||
                    is(w, nw, end, "years") || is(w, nw, end, "year") ||
                    (end < nw && strstr(w[end].low, "year-old"));
        if (skip || value <= 0 || value > 1000000) {
            i = next_i - 1;
            continue;
        }
        /* the noun after the number: a person noun (with up to two modifiers) or none */
        size_t k = end;
        bool person = false;
        for (size_t t = end; t < nw && t < end + 3; t++) {
            if (w[t].punct)
                break;
            if (in_list(&w[t], person_nouns) || demonym_plural(&w[t])) {
                person = true;
                k = t + 1;
                break;
            }
            if (in_list(&w[t], killed_after) || in_list(&w[t], injured_after))
                break;
        }
        if (person && is(w, nw, k, "of") && is(w, nw, k + 1, "them"))
            k += 2;
        /* "three people, including a child, were killed": skip the aside */
        if (person && k + 1 < nw && w[k].punct == ',' &&
            (is(w, nw, k + 1, "including") || is(w, nw, k + 1, "among") ||
             is(w, nw, k + 1, "mostly") || is(w, nw, k + 1, "most") || is(w, nw, k + 1, "all"))) {
            size_t q = k + 2;
            while (q < nw && q < k + 10 && w[q].punct != ',' && w[q].punct != '.')
                q++;
            if (q < nw && w[q].punct == ',')
                k = q + 1;
        }
        /* nothing but a function word or punctuation after a bare number */
        bool bare = !person && (end >= nw || w[end].punct || in_list(&w[end], followers));
        int kind = 0; /* 1 killed, 2 injured */
        /* forward: "35 people were killed", "5 dead", "3 killed and 12 injured" */
        {
            size_t t = k;
            while (t < nw && t < k + 4 && in_list(&w[t], aux) && !in_list(&w[t], killed_after))
                t++;
            if (t < nw && (in_list(&w[t], killed_after) || is(w, nw, t, "lost")))
                kind = 1;
            else if (t < nw && in_list(&w[t], injured_after))
                kind = 2;
            /* "35 deaths", "12 fatalities" */
            if (!kind && person && k > end &&
                (is(w, nw, k - 1, "deaths") || is(w, nw, k - 1, "fatalities")))
                kind = 1;
        }
        /* backward: "killed at least 35 people", "injuring 10", "death toll rose to 20" */
        if (!kind && (person || bare)) {
            /* "killed a family of six", "injured a total of 40" */
            size_t fb = first;
            if (fb >= 2 && is(w, nw, fb - 1, "of") &&
                (is(w, nw, fb - 2, "family") || is(w, nw, fb - 2, "total") ||
                 is(w, nw, fb - 2, "group"))) {
                fb -= 2;
                if (fb > 0 && (is(w, nw, fb - 1, "a") || is(w, nw, fb - 1, "the")))
                    fb--;
            }
            if (fb > 0 && in_list(&w[fb - 1], killed_before))
                kind = 1;
            else if (fb > 0 && in_list(&w[fb - 1], injured_before))
                kind = 2;
            for (size_t t = first; !kind && t > 0 && t + 12 > first; t--) {
                const word *x = &w[t - 1];
                if (x->punct && x->punct != ',')
                    break;
                if (!x->punct && !strcmp(x->low, "toll")) {
                    kind = t >= 2 && (is(w, nw, t - 2, "injury") || is(w, nw, t - 2, "casualty"))
                               ? 0
                               : 1;
                    break;
                }
            }
            /* "the number of dead rose to 18", "the number of injured reached 40" */
            bool to_figure =
                first > 0 && (is(w, nw, first - 1, "to") || is(w, nw, first - 1, "reached") ||
                              is(w, nw, first - 1, "at"));
            for (size_t t = first; !kind && to_figure && t > 1 && t + 8 > first; t--) {
                const word *x = &w[t - 1];
                if (x->punct && x->punct != ',')
                    break;
                if (!is(w, nw, t - 2, "of"))
                    continue;
                if (in_list(x, killed_after))
                    kind = 1;
                else if (in_list(x, injured_after))
                    kind = 2;
            }
        }
        if (kind == 1 && out->killed < 0) {
            out->killed = (int32_t)value;
            out->killed_at_least = at_least;
            out->killed_at = w[i].start;
        } else if (kind == 2 && out->injured < 0) {
            out->injured = (int32_t)value;
            out->injured_at_least = at_least;
            out->injured_at = w[i].start;
        }
        i = next_i - 1;
    }
    free(w);
}
