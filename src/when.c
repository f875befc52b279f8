/* when.c: dates: ISO parsing and formatting, calendar arithmetic, and date expressions in
 * article text resolved against the publication date (used by the event stage). */
#include "when.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int evm_when_days_in_month(int year, int month)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12)
        return 0;
    return month == 2 && leap(year) ? 29 : days[month - 1];
}

bool evm_when_parse_iso(const char *s, size_t n, evm_date *out)
{
    if (n != 10 || s[4] != '-' || s[7] != '-')
        return false;
    int v[3] = {0, 0, 0};
    const int pos[3][2] = {{0, 4}, {5, 7}, {8, 10}};
    for (int k = 0; k < 3; k++)
        for (int i = pos[k][0]; i < pos[k][1]; i++) {
            if (s[i] < '0' || s[i] > '9')
                return false;
            v[k] = v[k] * 10 + (s[i] - '0');
        }
    if (v[0] < 1 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > evm_when_days_in_month(v[0], v[1]))
        return false;
    out->year = (int16_t)v[0];
    out->month = (int8_t)v[1];
    out->day = (int8_t)v[2];
    out->precision = EVM_DATE_DAY;
    return true;
}

char *evm_when_format(evm_date d, char buf[11])
{
    /* The modulos bound the widths (and tell the compiler so). */
    unsigned y = (unsigned)d.year % 10000u, m = (unsigned)d.month % 100u,
             dd = (unsigned)d.day % 100u;
    switch (d.precision) {
    case EVM_DATE_DAY:
    case EVM_DATE_WEEK:
        snprintf(buf, 11, "%04u-%02u-%02u", y, m, dd);
        break;
    case EVM_DATE_MONTH:
        snprintf(buf, 11, "%04u-%02u", y, m);
        break;
    case EVM_DATE_YEAR:
        snprintf(buf, 11, "%04u", y);
        break;
    default:
        buf[0] = '\0';
    }
    return buf;
}

/* Days since 1970-01-01 (proleptic Gregorian), and back. */
static long days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

int evm_when_weekday(int year, int month, int day)
{
    long z = days_from_civil(year, month, day);
    /* 1970-01-01 was a Thursday (3 when Monday is 0). */
    return (int)(((z % 7) + 7 + 3) % 7);
}

evm_date evm_when_add_days(evm_date d, int delta)
{
    int y, m, dd;
    civil_from_days(days_from_civil(d.year, d.month ? d.month : 1, d.day ? d.day : 1) + delta, &y,
                    &m, &dd);
    evm_date r = {(int16_t)y, (int8_t)m, (int8_t)dd, EVM_DATE_DAY};
    return r;
}

int evm_when_cmp(evm_date a, evm_date b)
{
    if (a.year != b.year)
        return a.year < b.year ? -1 : 1;
    if (a.month != b.month)
        return a.month < b.month ? -1 : 1;
    if (a.day != b.day)
        return a.day < b.day ? -1 : 1;
    return 0;
}

/* The first and last day a date covers, as days since the epoch. */
static void date_span(evm_date d, long *lo, long *hi)
{
    switch (d.precision) {
    case EVM_DATE_DAY:
        *lo = *hi = days_from_civil(d.year, d.month, d.day);
        break;
    case EVM_DATE_WEEK:
        *lo = days_from_civil(d.year, d.month, d.day);
        *hi = *lo + 6;
        break;
    case EVM_DATE_MONTH:
        *lo = days_from_civil(d.year, d.month, 1);
        *hi = days_from_civil(d.year, d.month, evm_when_days_in_month(d.year, d.month));
        break;
    default:
        *lo = days_from_civil(d.year, 1, 1);
        *hi = days_from_civil(d.year, 12, 31);
    }
}

bool evm_when_compatible(evm_date a, evm_date b)
{
    if (a.precision == EVM_DATE_UNKNOWN || b.precision == EVM_DATE_UNKNOWN)
        return true;
    long alo, ahi, blo, bhi;
    date_span(a, &alo, &ahi);
    date_span(b, &blo, &bhi);
    return (alo <= blo && bhi <= ahi) || (blo <= alo && ahi <= bhi);
}

/* ---- date expressions in text ---------------------------------------------------------
 *
 * The text is cut into words (ASCII letters and digits, with inner hyphens: "mid-April",
 * "2025-04-13") and single punctuation characters; each word keeps a lowercase copy. The
 * patterns then read the word sequence. */

#define WORD_MAX 24
/* Words read from one text at most (a few sentences of prose is far less). */
#define WORDS_MAX 8192

typedef struct word {
    size_t start, end;
    char low[WORD_MAX]; /* lowercase, truncated; "" for punctuation */
    char punct;         /* the character for punctuation, 0 for words */
    int num;            /* value of an all-digit word (or 1st/2nd/13th), -1 otherwise */
    bool cap;           /* starts with an uppercase letter */
} word;

static bool is_alnum_byte(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80;
}

/* Cuts s[0..n) into words; returns how many (at most max). */
/* Length of a typographic dash or quote (U+2013, U+2014, U+2018, U+2019, U+201C, U+201D)
 * at s[0..n), 0 when there is none: they separate words like their ASCII forms. */
static size_t typo_punct(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n >= 3 && u[0] == 0xE2 && u[1] == 0x80 &&
        (u[2] == 0x93 || u[2] == 0x94 || u[2] == 0x98 || u[2] == 0x99 || u[2] == 0x9C ||
         u[2] == 0x9D))
        return 3;
    return 0;
}

static size_t lex(const char *s, size_t n, word *w, size_t max)
{
    size_t k = 0, i = 0;
    while (i < n && k < max) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            i++;
            continue;
        }
        word *x = &w[k++];
        memset(x, 0, sizeof *x);
        x->start = i;
        x->num = -1;
        size_t tp = typo_punct(s + i, n - i);
        if (tp) {
            x->punct = s[i + 2] == (char)0x93 || s[i + 2] == (char)0x94 ? '-' : '\'';
            x->end = i += tp;
            continue;
        }
        if (!is_alnum_byte(c)) {
            x->punct = (char)c;
            x->end = ++i;
            continue;
        }
        x->cap = c >= 'A' && c <= 'Z';
        size_t j = i;
        while (j < n) {
            unsigned char d = (unsigned char)s[j];
            if (is_alnum_byte(d) && !typo_punct(s + j, n - j))
                j++;
            else if ((d == '-' || d == '\'') && j + 1 < n && is_alnum_byte((unsigned char)s[j + 1]))
                j++;
            else
                break;
        }
        /* a possessive is not part of the word ("Sunday's strike") */
        if (j - i > 2 && s[j - 1] == 's' && s[j - 2] == '\'')
            j -= 2;
        else if (j - i > 4 && s[j - 1] == 's' && (unsigned char)s[j - 2] == 0x99 &&
                 (unsigned char)s[j - 3] == 0x80 && (unsigned char)s[j - 4] == 0xE2)
            j -= 4;
        x->end = j;
        size_t len = j - i < WORD_MAX - 1 ? j - i : WORD_MAX - 1;
        for (size_t t = 0; t < len; t++)
            x->low[t] = (char)tolower((unsigned char)s[i + t]);
        int v = 0, digits = 0;
        size_t t = 0;
        while (t < len && isdigit((unsigned char)x->low[t]) && digits < 5) {
            v = v * 10 + (x->low[t] - '0');
            t++;
            digits++;
        }
        if (digits && (t == len || (digits <= 2 && t + 2 == len &&
                                    (!strcmp(x->low + t, "st") || !strcmp(x->low + t, "nd") ||
                                     !strcmp(x->low + t, "rd") || !strcmp(x->low + t, "th")))))
            x->num = v;
        /* a day range "24-25" reads as its first day */
        else if (digits && digits <= 2 && x->low[t] == '-' &&
                 isdigit((unsigned char)x->low[t + 1]) &&
                 strspn(x->low + t + 1, "0123456789") == strlen(x->low + t + 1) &&
                 strlen(x->low + t + 1) <= 2)
            x->num = v;
        i = j;
    }
    return k;
}

static int month_of(const word *x)
{
    static const char *full[12] = {"january",   "february", "march",    "april",
                                   "may",       "june",     "july",     "august",
                                   "september", "october",  "november", "december"};
    static const char *abbr[12] = {"jan", "feb", "mar", "apr", "may", "jun",
                                   "jul", "aug", "sep", "oct", "nov", "dec"};
    if (x->punct)
        return 0;
    for (int m = 0; m < 12; m++)
        if (!strcmp(x->low, full[m]))
            return m == 4 && !x->cap ? 0 : m + 1; /* "may" the verb */
    /* Abbreviations must be capitalised ("Jan. 5", "Sept 3"): "mar" or "dec" are words. */
    if (!x->cap)
        return 0;
    if (!strcmp(x->low, "sept"))
        return 9;
    for (int m = 0; m < 12; m++)
        if (!strcmp(x->low, abbr[m]))
            return m + 1;
    return 0;
}

static int weekday_of(const word *x)
{
    static const char *names[7] = {"monday", "tuesday",  "wednesday", "thursday",
                                   "friday", "saturday", "sunday"};
    if (x->punct)
        return -1;
    for (int d = 0; d < 7; d++)
        if (!strcmp(x->low, names[d]))
            return d;
    return -1;
}

static bool is(const word *w, size_t nw, size_t i, const char *s)
{
    return i < nw && !w[i].punct && !strcmp(w[i].low, s);
}

static bool is_punct(const word *w, size_t nw, size_t i, char c)
{
    return i < nw && w[i].punct == c;
}

static int year_at(const word *w, size_t nw, size_t i)
{
    if (i < nw && w[i].num >= 1900 && w[i].num <= 2100 && strlen(w[i].low) == 4)
        return w[i].num;
    return 0;
}

/* Small number words for "three days ago". */
static int small_number(const word *x)
{
    static const char *names[] = {"zero", "one",   "two",   "three", "four", "five",
                                  "six",  "seven", "eight", "nine",  "ten"};
    if (x->num >= 0 && x->num < 1000)
        return x->num;
    for (int i = 0; i <= 10; i++)
        if (!strcmp(x->low, names[i]))
            return i;
    if (!strcmp(x->low, "a") || !strcmp(x->low, "an"))
        return 1;
    return -1;
}

static evm_date make_date(int y, int m, int d, evm_date_precision p)
{
    evm_date r = {(int16_t)y, (int8_t)m, (int8_t)d, p};
    return r;
}

/* Chooses the year of a month (and day, or 0) given without one. */
static int infer_year(evm_date pub, int m, int d, bool future)
{
    int y = pub.year;
    int cmp = m != pub.month ? m - pub.month : (d ? d - pub.day : 0);
    if (!future && cmp > 0)
        y--;
    else if (future && cmp < 0)
        y++;
    return y;
}

/* Fills e with day d of month m of year y (0: the year inferred from pub, which must be
 * a day; e stays unknown without one). False when the day does not exist. */
static bool day_date(evm_when_expr *e, evm_date pub, bool future, int y, int m, int d)
{
    if (!y) {
        if (pub.precision != EVM_DATE_DAY)
            return true;
        y = infer_year(pub, m, d, future);
        e->relative = true;
    }
    if (d > evm_when_days_in_month(y, m))
        return false;
    e->date = make_date(y, m, d, EVM_DATE_DAY);
    return true;
}

static evm_date week_of(evm_date day)
{
    evm_date r = evm_when_add_days(day, -evm_when_weekday(day.year, day.month, day.day));
    r.precision = EVM_DATE_WEEK;
    return r;
}

static evm_date month_shift(evm_date pub, int delta)
{
    int m = pub.month - 1 + delta, y = pub.year;
    while (m < 0) {
        m += 12;
        y--;
    }
    while (m > 11) {
        m -= 12;
        y++;
    }
    return make_date(y, m + 1, 0, EVM_DATE_MONTH);
}

/* The weekday `wd` relative to pub: mode 0 latest not after (or with future, earliest
 * not before), -1 strictly before ("last"), +1 strictly after ("next"). */
static evm_date weekday_date(evm_date pub, int wd, int mode, bool future)
{
    int cur = evm_when_weekday(pub.year, pub.month, pub.day);
    int back = (cur - wd + 7) % 7, fwd = (wd - cur + 7) % 7;
    if (mode < 0)
        return evm_when_add_days(pub, back ? -back : -7);
    if (mode > 0)
        return evm_when_add_days(pub, fwd ? fwd : 7);
    return evm_when_add_days(pub, future ? fwd : -back);
}

/* Tries every pattern at word i; returns the number of words used (0: none) and fills *e. */
static size_t match_at(const char *s, const word *w, size_t nw, size_t i, evm_date pub, bool future,
                       evm_when_expr *e)
{
    bool known = pub.precision == EVM_DATE_DAY;
    evm_date unknown = {0, 0, 0, EVM_DATE_UNKNOWN};
    size_t used = 0;
    e->relative = false;
    e->date = unknown;
    int m, wd;

    /* ISO 2025-04-13 */
    if (!w[i].punct && evm_when_parse_iso(s + w[i].start, w[i].end - w[i].start, &e->date))
        return 1;

    /* Month Day[,] [Year] | Month Year | Month (alone, after in/since/early/late/last) */
    if ((m = month_of(&w[i])) != 0) {
        size_t j = i + 1;
        if (is_punct(w, nw, j, '.'))
            j++;
        if (j < nw && w[j].num >= 1 && w[j].num <= 31 && strlen(w[j].low) <= 5) {
            int d = w[j].num;
            size_t k = j + 1;
            int y = 0;
            if (is_punct(w, nw, k, ',') && year_at(w, nw, k + 1))
                y = year_at(w, nw, k + 1), k += 2;
            else if (year_at(w, nw, k))
                y = year_at(w, nw, k), k++;
            return day_date(e, pub, future, y, m, d) ? k - i : 0;
        }
        if (year_at(w, nw, i + 1)) {
            e->date = make_date(year_at(w, nw, i + 1), m, 0, EVM_DATE_MONTH);
            return 2;
        }
        static const char *lead[] = {"in",    "since",  "early", "late", "mid", "last",
                                     "until", "during", "by",    "this", "of"};
        bool led = false;
        for (size_t t = 0; i > 0 && t < sizeof lead / sizeof *lead; t++)
            led = led || is(w, nw, i - 1, lead[t]);
        if (led && w[i].low[0] && strlen(w[i].low) > 3) {
            if (known) {
                e->date = make_date(infer_year(pub, m, 0, future), m, 0, EVM_DATE_MONTH);
                e->relative = true;
            }
            return 1;
        }
        return 0;
    }

    /* Day [of] Month [Year]: "13 April", "5th of May 2024" */
    if (w[i].num >= 1 && w[i].num <= 31 && strlen(w[i].low) <= 4) {
        size_t j = i + 1;
        if (is(w, nw, j, "of"))
            j++;
        if (j < nw && (m = month_of(&w[j])) != 0) {
            int d = w[i].num, y = 0;
            size_t k = j + 1;
            if (is_punct(w, nw, k, '.'))
                k++;
            if (year_at(w, nw, k))
                y = year_at(w, nw, k), k++;
            return day_date(e, pub, future, y, m, d) ? k - i : 0;
        }
    }

    /* "in 2024", "since 2022", "the spring of 2022" */
    if (year_at(w, nw, i) && i > 0 &&
        (is(w, nw, i - 1, "in") || is(w, nw, i - 1, "since") ||
         (i > 1 && is(w, nw, i - 1, "of") &&
          (is(w, nw, i - 2, "spring") || is(w, nw, i - 2, "summer") || is(w, nw, i - 2, "autumn") ||
           is(w, nw, i - 2, "fall") || is(w, nw, i - 2, "winter") || is(w, nw, i - 2, "end") ||
           is(w, nw, i - 2, "start") || is(w, nw, i - 2, "beginning"))))) {
        e->date = make_date(year_at(w, nw, i), 0, 0, EVM_DATE_YEAR);
        return 1;
    }

    e->relative = true;
    /* [last|next|this|on] Weekday [, Month Day] */
    int mode = 0;
    size_t j = i;
    if (is(w, nw, i, "last") || is(w, nw, i, "past"))
        mode = -1, j++;
    else if (is(w, nw, i, "next") || is(w, nw, i, "coming"))
        mode = 1, j++;
    else if (is(w, nw, i, "this"))
        j++;
    if (j < nw && (wd = weekday_of(&w[j])) >= 0) {
        used = j + 1 - i;
        /* "Thursday, April 17": the absolute date that follows decides. */
        size_t k = j + 1;
        if (is_punct(w, nw, k, ','))
            k++;
        evm_when_expr abs;
        size_t n2 = k < nw && month_of(&w[k]) ? match_at(s, w, nw, k, pub, future, &abs) : 0;
        if (n2) {
            *e = abs;
            return k + n2 - i;
        }
        if (known)
            e->date = weekday_date(pub, wd, mode, future);
        return used;
    }

    /* the weekend: last/this/over the weekend, the week of the latest Saturday not after
     * publication (the next one for "next weekend" or a planned event) */
    {
        size_t k = i;
        int dir = 0;
        if (is(w, nw, k, "over") && is(w, nw, k + 1, "the"))
            k += 2;
        else if (is(w, nw, k, "last") || is(w, nw, k, "past") || is(w, nw, k, "this"))
            k++;
        else if (is(w, nw, k, "next") || is(w, nw, k, "coming"))
            k++, dir = 1;
        if (k > i && is(w, nw, k, "weekend")) {
            if (known) {
                evm_date sat = weekday_date(pub, 5, dir, future && dir == 0);
                e->date = week_of(sat);
            }
            return k + 1 - i;
        }
    }

    /* yesterday, today, tonight, tomorrow, overnight, last night */
    if (is(w, nw, i, "yesterday") || (is(w, nw, i, "last") && is(w, nw, i + 1, "night"))) {
        if (known)
            e->date = evm_when_add_days(pub, -1);
        return is(w, nw, i, "last") ? 2 : 1;
    }
    if (is(w, nw, i, "today") || is(w, nw, i, "tonight") ||
        (is(w, nw, i, "this") && (is(w, nw, i + 1, "morning") || is(w, nw, i + 1, "afternoon") ||
                                  is(w, nw, i + 1, "evening")))) {
        if (known)
            e->date = pub;
        return is(w, nw, i, "this") ? 2 : 1;
    }
    if (is(w, nw, i, "tomorrow")) {
        if (known)
            e->date = evm_when_add_days(pub, 1);
        return 1;
    }
    if (is(w, nw, i, "overnight")) {
        /* "overnight into Friday" is dated by the weekday; bare "overnight" is the night
         * that ends on the publication day. */
        if ((is(w, nw, i + 1, "into") || is(w, nw, i + 1, "on")) && i + 2 < nw &&
            weekday_of(&w[i + 2]) >= 0)
            return 0;
        if (known)
            e->date = pub;
        return 1;
    }

    /* N days|weeks|months ago */
    int k = small_number(&w[i]);
    if (k >= 0 && i + 2 < nw && is(w, nw, i + 2, "ago")) {
        if (is(w, nw, i + 1, "days") || is(w, nw, i + 1, "day")) {
            if (known)
                e->date = evm_when_add_days(pub, -k);
            return 3;
        }
        if (is(w, nw, i + 1, "weeks") || is(w, nw, i + 1, "week")) {
            if (known)
                e->date = week_of(evm_when_add_days(pub, -7 * k));
            return 3;
        }
        if (is(w, nw, i + 1, "months") || is(w, nw, i + 1, "month")) {
            if (known)
                e->date = month_shift(pub, -k);
            return 3;
        }
        return 0;
    }

    /* [earlier|later] last|this|next week|month|year */
    j = i;
    if (is(w, nw, j, "earlier") || is(w, nw, j, "later"))
        j++;
    int delta = is(w, nw, j, "last") || is(w, nw, j, "past")     ? -1
                : is(w, nw, j, "next") || is(w, nw, j, "coming") ? 1
                : is(w, nw, j, "this")                           ? 0
                                                                 : 2;
    if (delta != 2 && j + 1 < nw) {
        evm_date d = unknown;
        if (is(w, nw, j + 1, "week"))
            d = known ? week_of(evm_when_add_days(pub, 7 * delta)) : unknown;
        else if (is(w, nw, j + 1, "month"))
            d = known ? month_shift(pub, delta) : unknown;
        else if (is(w, nw, j + 1, "year"))
            d = known ? make_date(pub.year + delta, 0, 0, EVM_DATE_YEAR) : unknown;
        else
            return 0;
        e->date = d;
        return j + 2 - i;
    }
    return 0;
}

size_t evm_when_scan(const char *s, size_t n, evm_date published, bool future, evm_when_expr *out,
                     size_t max)
{
    size_t cap = n + 1 < WORDS_MAX ? n + 1 : WORDS_MAX, found = 0;
    word *w = evm_xmalloc(cap * sizeof *w);
    size_t nw = lex(s, n, w, cap);
    for (size_t i = 0; i < nw;) {
        evm_when_expr e;
        size_t used = match_at(s, w, nw, i, published, future, &e);
        if (!used) {
            i++;
            continue;
        }
        e.start = w[i].start;
        e.end = w[i + used - 1].end;
        if (found < max)
            out[found] = e;
        found++;
        i += used;
    }
    free(w);
    return found;
}
