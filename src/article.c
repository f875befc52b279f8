/* article.c: reading articles (stage 1): plain text and JSONL, files and stdin. */
#include "article.h"

#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "utf8.h"
#include "when.h"

/* A plain text file larger than this is not read at all. */
#define EVM_MAX_TEXT_FILE ((size_t)512 << 20)

struct evm_reader {
    FILE *fp;
    bool own_fp;
    char *path;
    char *stem;
    bool jsonl;
    bool done;
    evm_read_opts opts;
    size_t line_no;  /* JSONL: current line */
    size_t position; /* of the last article returned */
    char *line;      /* getline buffer */
    size_t line_cap;
    int pending;  /* a byte read while sniffing, or EOF */
    size_t bytes; /* consumed so far */
    size_t total; /* file size, 0 for a pipe */
    char warning[256];
    json_tokener *jtok; /* JSONL: one parser for every line, made on first use */
};

char *evm_article_stem(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (strcmp(path, "-") == 0)
        return evm_xstrdup("stdin");
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    return evm_xstrndup(base, n);
}

static bool has_ext(const char *path, const char *ext)
{
    size_t n = strlen(path), m = strlen(ext);
    return n > m && strcmp(path + n - m, ext) == 0;
}

evm_err evm_article_open(const char *path, const evm_read_opts *opts, evm_reader **out,
                         evm_diag *diag)
{
    *out = NULL;
    evm_reader *r = evm_xcalloc(1, sizeof *r);
    r->path = evm_xstrdup(path);
    r->stem = evm_article_stem(path);
    if (opts)
        r->opts = *opts;
    r->pending = EOF;
    if (strcmp(path, "-") == 0) {
        r->fp = stdin;
    } else {
        struct stat st;
        if (stat(path, &st) != 0) {
            evm_err e = evm_diag_set(diag, EVM_ERR_IO, "%s: %s", path, strerror(errno));
            evm_article_close(r);
            return e;
        }
        if (S_ISDIR(st.st_mode)) {
            evm_article_close(r);
            return evm_diag_set(diag, EVM_ERR_IO, "%s: is a directory", path);
        }
        if (S_ISREG(st.st_mode))
            r->total = (size_t)st.st_size;
        r->fp = fopen(path, "rb");
        if (!r->fp) {
            evm_err e = evm_diag_set(diag, EVM_ERR_IO, "%s: %s", path, strerror(errno));
            evm_article_close(r);
            return e;
        }
        r->own_fp = true;
    }
    r->jsonl = r->opts.jsonl || has_ext(path, ".jsonl") || has_ext(path, ".ndjson");
    if (!r->jsonl) {
        /* Sniff: a stream whose first visible byte is '{' is JSONL. */
        int c;
        do
            c = fgetc(r->fp);
        while (c == ' ' || c == '\t' || c == '\r' || c == '\n');
        r->pending = c;
        if (c == '{')
            r->jsonl = true;
    }
    *out = r;
    return EVM_OK;
}

void evm_article_close(evm_reader *r)
{
    if (!r)
        return;
    if (r->own_fp && r->fp)
        fclose(r->fp);
    free(r->path);
    free(r->stem);
    free(r->line);
    if (r->jtok)
        json_tokener_free(r->jtok);
    free(r);
}

const char *evm_article_warning(const evm_reader *r)
{
    return r->warning[0] ? r->warning : NULL;
}

size_t evm_article_position(const evm_reader *r)
{
    return r->position;
}

size_t evm_article_bytes_read(const evm_reader *r)
{
    return r->bytes;
}

size_t evm_article_bytes_total(const evm_reader *r)
{
    return r->total;
}

bool evm_article_is_jsonl(const evm_reader *r)
{
    return r->jsonl;
}

/* Reads the rest of the stream into a heap buffer (with the sniffed byte first). */
static evm_err slurp(evm_reader *r, char **data, size_t *n, evm_diag *diag)
{
    size_t cap = 65536, len = 0;
    char *buf = evm_xmalloc(cap);
    if (r->pending != EOF)
        buf[len++] = (char)r->pending;
    r->pending = EOF;
    for (;;) {
        if (cap - len < 65536) {
            if (cap >= EVM_MAX_TEXT_FILE) {
                free(buf);
                return evm_diag_set(diag, EVM_ERR_INPUT,
                                    "%s: larger than %zu MB; split it or use JSONL", r->path,
                                    EVM_MAX_TEXT_FILE >> 20);
            }
            cap *= 2;
            buf = evm_xrealloc(buf, cap);
        }
        size_t k = fread(buf + len, 1, cap - len, r->fp);
        len += k;
        if (k == 0) {
            if (ferror(r->fp)) {
                evm_err e = evm_diag_set(diag, EVM_ERR_IO, "%s: %s", r->path, strerror(errno));
                free(buf);
                return e;
            }
            break;
        }
    }
    *data = buf;
    *n = len;
    return EVM_OK;
}

/* Binary data: NUL bytes, or many control characters, in the first 64 KiB. */
static bool looks_binary(const char *s, size_t n)
{
    size_t m = n < 65536 ? n : 65536, ctrl = 0;
    for (size_t i = 0; i < m; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0)
            return true;
        if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f')
            ctrl++;
    }
    return m > 0 && ctrl * 100 > m;
}

static size_t line_end(const char *s, size_t n, size_t i)
{
    while (i < n && s[i] != '\n')
        i++;
    return i;
}

static bool blank(const char *s, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return false;
    return true;
}

/* A dateline: a short line of capitals ("PARIS", "KYIV, Ukraine" is not), at most five
 * words, letters, spaces, hyphens, periods, apostrophes and commas only. */
static bool is_dateline(const char *s, size_t a, size_t b)
{
    size_t letters = 0, words = 0;
    bool in_word = false;
    if (b - a > 60)
        return false;
    for (size_t i = a; i < b;) {
        int32_t cp;
        size_t k = evm_utf8_decode(s + i, b - i, &cp);
        if (evm_utf8_is_letter(cp)) {
            if (!evm_utf8_is_upper(cp))
                return false;
            letters++;
            if (!in_word)
                words++;
            in_word = true;
        } else if (cp == ' ' || cp == '\t' || cp == '\r' || cp == 0xA0) {
            in_word = false;
        } else if (cp == '-' || cp == '.' || cp == '\'' || cp == 0x2019 || cp == ',') {
            /* part of a name */
        } else {
            return false;
        }
        i += k;
    }
    return letters >= 2 && words <= 5;
}

static void trim(const char *s, size_t *a, size_t *b)
{
    while (*a < *b && (s[*a] == ' ' || s[*a] == '\t' || s[*a] == '\r'))
        (*a)++;
    while (*b > *a && (s[*b - 1] == ' ' || s[*b - 1] == '\t' || s[*b - 1] == '\r'))
        (*b)--;
}

/* Fills header, dateline and body of a plain text document whose text is set. */
static void parse_layout(evm_doc *doc)
{
    const char *s = doc->text;
    size_t n = doc->len, i = 0;
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < n && blank(s, i, line_end(s, n, i)))
        i = line_end(s, n, i) + 1;
    if (i >= n) {
        doc->body = n;
        return;
    }
    size_t a = i, b = line_end(s, n, i);
    trim(s, &a, &b);
    evm_date d;
    if (b - a >= 15 && memcmp(s + a, "date", 4) == 0 && (s[a + 4] == ' ' || s[a + 4] == '\t')) {
        size_t p = a + 4;
        while (p < b && (s[p] == ' ' || s[p] == '\t'))
            p++;
        if (b - p >= 10 && evm_when_parse_iso(s + p, 10, &d) &&
            (p + 10 == b || s[p + 10] == ' ' || s[p + 10] == '\t')) {
            doc->published = d;
            size_t ta = p + 10, tb = b;
            trim(s, &ta, &tb);
            doc->title = evm_doc_strndup(doc, s + ta, tb - ta);
            i = line_end(s, n, i) + 1;
            while (i < n && blank(s, i, line_end(s, n, i)))
                i = line_end(s, n, i) + 1;
        }
    }
    if (i < n) {
        a = i;
        b = line_end(s, n, i);
        trim(s, &a, &b);
        if (is_dateline(s, a, b)) {
            doc->dateline = evm_doc_strndup(doc, s + a, b - a);
            i = line_end(s, n, i) + 1;
        }
    }
    while (i < n && (s[i] == '\n' || s[i] == '\r' || s[i] == ' ' || s[i] == '\t'))
        i++;
    doc->body = i < n ? i : n;
}

static evm_err too_long(const char *id, size_t n, evm_diag *diag)
{
    return evm_diag_set(diag, EVM_ERR_INPUT,
                        "%s: article text is %.1f MB, longer than the %zu MB evmap reads as one "
                        "article (split it into articles)",
                        id, n / 1048576.0, (size_t)(EVM_MAX_ARTICLE >> 20));
}

static void set_text(evm_doc *doc, const char *data, size_t n)
{
    doc->n_replaced = evm_utf8_repair(data, n, &doc->text, &doc->len);
}

evm_err evm_article_parse_text(const char *data, size_t n, const char *id,
                               const evm_read_opts *opts, evm_doc **out, evm_diag *diag)
{
    *out = NULL;
    size_t bom = n >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    if (blank(data, bom, n))
        return evm_diag_set(diag, EVM_ERR_INPUT, "%s: empty article", id);
    if (looks_binary(data, n))
        return evm_diag_set(diag, EVM_ERR_INPUT, "%s: binary data, not a text article", id);
    if (n > EVM_MAX_ARTICLE)
        return too_long(id, n, diag);
    evm_doc *doc = evm_doc_new();
    doc->id = evm_doc_strdup(doc, id);
    doc->origin = doc->id;
    set_text(doc, data, n);
    parse_layout(doc);
    if (opts && opts->date.precision != EVM_DATE_UNKNOWN)
        doc->published = opts->date;
    if (doc->body >= doc->len) {
        evm_doc_free(doc);
        return evm_diag_set(diag, EVM_ERR_INPUT, "%s: no article text after the header", id);
    }
    *out = doc;
    return EVM_OK;
}

static const char *json_str(json_object *obj, const char *key, size_t *len)
{
    json_object *v;
    if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    if (len)
        *len = (size_t)json_object_get_string_len(v);
    return json_object_get_string(v);
}

/* A JSON parser for one or more lines (json-c's default flags, nesting up to 64). */
static json_tokener *new_json_parser(const char *what, evm_diag *diag)
{
    json_tokener *tok = json_tokener_new_ex(64);
    if (!tok)
        evm_diag_set(diag, EVM_ERR_INTERNAL, "%s: cannot create a JSON parser", what);
    return tok;
}

/* The C locale as an object, made once. json-c switches to a copy of the thread's locale
 * with "C" numbers around each parse; from the C locale itself, glibc makes that copy
 * without allocating. */
static locale_t c_locale = (locale_t)0;
static pthread_once_t c_locale_once = PTHREAD_ONCE_INIT;

static void c_locale_init(void)
{
    c_locale = newlocale(LC_ALL_MASK, "C", (locale_t)0);
}

/* json_tokener_parse_ex in the C locale (as json-c parses numbers anyway). */
static json_object *parse_in_c_locale(json_tokener *tok, const char *line, int n)
{
    pthread_once(&c_locale_once, c_locale_init);
    if (!c_locale)
        return json_tokener_parse_ex(tok, line, n);
    locale_t old = uselocale(c_locale);
    json_object *obj = json_tokener_parse_ex(tok, line, n);
    uselocale(old);
    return obj;
}

/* evm_article_parse_json with the parser given (reset here, so a reader reuses one). */
static evm_err parse_json(json_tokener *tok, const char *line, size_t n, const char *fallback_id,
                          const evm_read_opts *opts, evm_doc **out, evm_diag *diag)
{
    *out = NULL;
    json_tokener_reset(tok);
    json_object *obj = parse_in_c_locale(tok, line, (int)(n > 0x7fffffff ? 0x7fffffff : n));
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t used = (size_t)json_tokener_get_parse_end(tok);
    if (!obj || jerr != json_tokener_success) {
        if (obj)
            json_object_put(obj);
        return evm_diag_set(diag, EVM_ERR_INPUT, "%s: not valid JSON (%s)", fallback_id,
                            jerr == json_tokener_continue ? "unexpected end of line"
                                                          : json_tokener_error_desc(jerr));
    }
    for (size_t i = used; i < n; i++)
        if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r' && line[i] != '\n') {
            json_object_put(obj);
            return evm_diag_set(diag, EVM_ERR_INPUT, "%s: text after the JSON object", fallback_id);
        }
    if (!json_object_is_type(obj, json_type_object)) {
        json_object_put(obj);
        return evm_diag_set(diag, EVM_ERR_INPUT, "%s: a JSON line must be an object", fallback_id);
    }
    size_t text_len = 0;
    const char *text = json_str(obj, "text", &text_len);
    if (!text) {
        json_object_put(obj);
        return evm_diag_set(diag, EVM_ERR_INPUT, "%s: no \"text\" string", fallback_id);
    }
    if (text_len > EVM_MAX_ARTICLE) {
        json_object_put(obj);
        return too_long(fallback_id, text_len, diag);
    }
    evm_doc *doc = evm_doc_new();
    json_object *idv;
    if (json_object_object_get_ex(obj, "id", &idv) &&
        (json_object_is_type(idv, json_type_string) || json_object_is_type(idv, json_type_int)))
        doc->id = evm_doc_strdup(doc, json_object_get_string(idv));
    else
        doc->id = evm_doc_strdup(doc, fallback_id);
    doc->origin = evm_doc_strdup(doc, fallback_id);
    const char *title = json_str(obj, "title", NULL);
    size_t title_len = title ? strlen(title) : 0;
    if (title && evm_utf8_valid(title, title_len)) {
        doc->title = evm_doc_strndup(doc, title, title_len); /* (the usual title: one copy) */
    } else if (title) {
        char *t = NULL;
        size_t tl = 0;
        evm_utf8_repair(title, title_len, &t, &tl);
        doc->title = evm_doc_strdup(doc, t);
        free(t);
    }
    const char *date = json_str(obj, "date", NULL);
    evm_date d;
    if (date && evm_when_parse_iso(date, strlen(date), &d))
        doc->published = d;
    set_text(doc, text, text_len);
    doc->body = 0;
    json_object_put(obj);
    if (opts && opts->date.precision != EVM_DATE_UNKNOWN)
        doc->published = opts->date;
    *out = doc;
    return EVM_OK;
}

evm_err evm_article_parse_json(const char *line, size_t n, const char *fallback_id,
                               const evm_read_opts *opts, evm_doc **out, evm_diag *diag)
{
    *out = NULL;
    json_tokener *tok = new_json_parser(fallback_id, diag);
    if (!tok)
        return EVM_ERR_INTERNAL;
    evm_err e = parse_json(tok, line, n, fallback_id, opts, out, diag);
    json_tokener_free(tok);
    return e;
}

/* Writes "name:num" at out (room for strlen(name) + 22 bytes), NUL-ended, as
 * printf("%s:%zu") does; returns its length. */
static size_t name_num(char *out, const char *name, size_t nl, size_t num)
{
    char digits[24];
    size_t k = sizeof digits;
    do {
        digits[--k] = (char)('0' + num % 10);
        num /= 10;
    } while (num);
    memcpy(out, name, nl);
    out[nl] = ':';
    memcpy(out + nl + 1, digits + k, sizeof digits - k);
    out[nl + 1 + sizeof digits - k] = '\0';
    return nl + 1 + sizeof digits - k;
}

evm_err evm_article_next(evm_reader *r, evm_doc **doc, evm_diag *diag)
{
    *doc = NULL;
    r->warning[0] = '\0';
    if (r->done)
        return EVM_OK;
    if (!r->jsonl) {
        r->done = true;
        char *data = NULL;
        size_t n = 0;
        evm_err e = slurp(r, &data, &n, diag);
        if (e)
            return e;
        r->position = 1;
        r->bytes = n;
        e = evm_article_parse_text(data, n, r->stem, &r->opts, doc, diag);
        free(data);
        if (e == EVM_OK) {
            (*doc)->origin = evm_doc_strdup(*doc, r->path);
            if ((*doc)->n_replaced)
                snprintf(r->warning, sizeof r->warning,
                         "%s: %zu invalid UTF-8 sequence(s) replaced", r->path, (*doc)->n_replaced);
        } else if (e == EVM_ERR_INPUT) {
            /* Name the file rather than its stem. */
            const char *colon = strchr(diag ? diag->msg : "", ':');
            if (diag && colon) {
                char rest[EVM_DIAG_MAX];
                snprintf(rest, sizeof rest, "%s", colon + 2);
                evm_diag_set(diag, e, "%s: %s", r->path, rest);
            }
        }
        return e;
    }
    for (;;) {
        ssize_t k;
        if (r->pending != EOF) {
            /* Put the sniffed byte back in front of the first line. */
            ungetc(r->pending, r->fp);
            r->pending = EOF;
        }
        errno = 0;
        k = getline(&r->line, &r->line_cap, r->fp);
        if (k < 0) {
            r->done = true;
            if (ferror(r->fp))
                return evm_diag_set(diag, EVM_ERR_IO, "%s: %s", r->path, strerror(errno));
            return EVM_OK;
        }
        r->line_no++;
        r->bytes += (size_t)k;
        if (blank(r->line, 0, (size_t)k))
            continue;
        r->position = r->line_no;
        char fallback[256];
        size_t sl = strlen(r->stem);
        if (sl + 22 <= sizeof fallback)
            name_num(fallback, r->stem, sl, r->line_no);
        else
            snprintf(fallback, sizeof fallback, "%s:%zu", r->stem, r->line_no);
        if (!r->jtok && !(r->jtok = new_json_parser(fallback, diag)))
            return EVM_ERR_INTERNAL;
        evm_err e = parse_json(r->jtok, r->line, (size_t)k, fallback, &r->opts, doc, diag);
        if (e == EVM_ERR_INPUT && diag) {
            const char *colon = strstr(diag->msg, ": ");
            char rest[EVM_DIAG_MAX];
            snprintf(rest, sizeof rest, "%s", colon ? colon + 2 : diag->msg);
            evm_diag_set(diag, e, "%s: line %zu: %s", r->path, r->line_no, rest);
        }
        if (e == EVM_OK) {
            size_t pl = strlen(r->path);
            char *origin = evm_doc_alloc(*doc, pl + 22);
            name_num(origin, r->path, pl, r->line_no);
            (*doc)->origin = origin;
            if ((*doc)->n_replaced)
                snprintf(r->warning, sizeof r->warning,
                         "%s: line %zu: %zu invalid UTF-8 sequence(s) replaced", r->path,
                         r->line_no, (*doc)->n_replaced);
        }
        return e;
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

evm_err evm_article_list_dir(const char *dir, char ***files, size_t *n, evm_diag *diag)
{
    *files = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return evm_diag_set(diag, EVM_ERR_IO, "%s: %s", dir, strerror(errno));
    size_t cap = 0, count = 0;
    char **list = NULL;
    struct dirent *de;
    size_t dl = strlen(dir);
    while ((de = readdir(d)) != NULL) {
        const char *name = de->d_name;
        if (name[0] == '.')
            continue;
        if (!has_ext(name, ".txt") && !has_ext(name, ".jsonl") && !has_ext(name, ".ndjson"))
            continue;
        evm_grow((void **)&list, &cap, count + 1, sizeof *list);
        size_t nl = strlen(name);
        char *p = evm_xmalloc(dl + nl + 2);
        memcpy(p, dir, dl);
        size_t o = dl;
        if (dl == 0 || dir[dl - 1] != '/')
            p[o++] = '/';
        memcpy(p + o, name, nl + 1);
        list[count++] = p;
    }
    closedir(d);
    if (count)
        qsort(list, count, sizeof *list, cmp_str);
    *files = list;
    *n = count;
    return EVM_OK;
}
