/* run_geoparse.c: runs the geoparser case file (tests/cases/geoparse*.txt) through segment,
 * spot and resolve, and checks each expectation; prints one line per failure and a
 * "N passed, N failed" summary. Usage: run_geoparse GAZETTEER CASEFILE... */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "doc.h"
#include "gazetteer.h"
#include "resolve.h"
#include "segment.h"
#include "spot.h"

typedef struct checker {
    int passed, failed;
    const char *file;
    int line;
    const char *name;
} checker;

static void fail(checker *ck, const char *what, const char *detail)
{
    ck->failed++;
    printf("FAIL %s:%d [%s] %s: %s\n", ck->file, ck->line, ck->name, what, detail);
}

/* Does the mention's place match TARGET (geonameid, CC, CC/Admin1, or -/Name for a place of
 * no country: a sea, a continent, a region)? */
static int target_ok(const evm_doc *doc, const evm_mention *m, const char *target)
{
    if (!target || !*target)
        return 1;
    if (m->place < 0)
        return 0;
    const evm_place *p = &doc->places[m->place];
    char *end;
    long long id = strtoll(target, &end, 10);
    if (*end == '\0')
        return p->geonameid == id;
    if (strncmp(target, "-/", 2) == 0)
        return p->country[0] == '\0' && strncasecmp(p->name, target + 2, strlen(target + 2)) == 0;
    if (strncmp(p->country, target, 2) != 0)
        return 0;
    if (target[2] == '\0')
        return 1;
    if (target[2] != '/')
        return 0;
    return strncasecmp(p->admin1, target + 3, strlen(target + 3)) == 0 ||
           (p->level == EVM_GEO_ADMIN1 &&
            strncasecmp(p->name, target + 3, strlen(target + 3)) == 0);
}

static void check_case(checker *ck, const evm_gaz *gaz, const char *text, char **exp, size_t n_exp)
{
    evm_doc *doc = evm_doc_new();
    doc->text = evm_xstrdup(text);
    doc->len = strlen(text);
    doc->body = 0;
    evm_segment_run(doc);
    evm_diag diag = {{0}};
    if (evm_spot_run(doc, gaz, &diag) != EVM_OK || evm_resolve_run(doc, gaz, &diag) != EVM_OK) {
        fail(ck, "pipeline", diag.msg);
        evm_doc_free(doc);
        return;
    }
    char *claimed = calloc(doc->n_mentions + 1, 1);
    for (size_t e = 0; e < n_exp; e++) {
        char line[512];
        snprintf(line, sizeof line, "%s", exp[e]);
        char kind = line[0];
        char *surface = line + 2, *target = NULL;
        int want_meto = -1;
        char *arrow = strstr(surface, " -> ");
        char *rest = NULL;
        if (arrow) {
            *arrow = '\0';
            target = arrow + 4;
            rest = strchr(target, ' ');
            if (rest)
                *rest++ = '\0';
        } else {
            rest = strstr(surface, " metonymy");
            if (!rest)
                rest = strstr(surface, " literal");
            if (rest)
                *rest++ = '\0';
        }
        if (rest && strncmp(rest, "metonymy", 8) == 0)
            want_meto = 1;
        else if (rest && strncmp(rest, "literal", 7) == 0)
            want_meto = 0;
        size_t sl = strlen(surface);
        if (kind == '-') {
            int bad = 0;
            for (const char *p = strstr(doc->text, surface); p; p = strstr(p + 1, surface)) {
                size_t a = (size_t)(p - doc->text), b = a + sl;
                for (size_t k = 0; k < doc->n_mentions; k++)
                    if (doc->mentions[k].start < b && a < doc->mentions[k].end)
                        bad = 1;
            }
            if (bad)
                fail(ck, exp[e], "a toponym overlaps it");
            else
                ck->passed++;
            continue;
        }
        size_t k = 0;
        for (; k < doc->n_mentions; k++) {
            const evm_mention *m = &doc->mentions[k];
            if (!claimed[k] && m->end - m->start == sl &&
                memcmp(doc->text + m->start, surface, sl) == 0)
                break;
        }
        if (k == doc->n_mentions) {
            char found[1024] = "";
            size_t o = 0;
            for (size_t j = 0; j < doc->n_mentions && o < sizeof found - 80; j++)
                o += (size_t)snprintf(found + o, sizeof found - o, "[%.*s] ",
                                      (int)(doc->mentions[j].end - doc->mentions[j].start),
                                      doc->text + doc->mentions[j].start);
            fail(ck, exp[e], *found ? found : "no toponyms at all");
            continue;
        }
        claimed[k] = 1;
        const evm_mention *m = &doc->mentions[k];
        char got[256];
        const evm_place *p = m->place >= 0 ? &doc->places[m->place] : NULL;
        snprintf(got, sizeof got, "got %s (%lld, %s, %s)%s", p ? p->name : "-",
                 p ? (long long)p->geonameid : -1LL, p ? p->country : "", p ? p->admin1 : "",
                 m->metonymy ? " metonymy" : "");
        if (!target_ok(doc, m, target) || (want_meto >= 0 && m->metonymy != want_meto))
            fail(ck, exp[e], got);
        else
            ck->passed++;
    }
    free(claimed);
    evm_doc_free(doc);
}

static int run_file(checker *ck, const evm_gaz *gaz, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return -1;
    }
    ck->file = path;
    char line[4096], name[4096] = "", text[16384] = "";
    char *exp[64];
    size_t n_exp = 0;
    int state = 0, lineno = 0, case_line = 0; /* 0 outside, 1 text, 2 expectations */
    for (;;) {
        char *got = fgets(line, sizeof line, f);
        if (got)
            lineno++;
        size_t n = got ? strlen(line) : 0;
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (!got || strncmp(line, "=== ", 4) == 0) {
            if (state == 2) {
                ck->line = case_line;
                ck->name = name;
                check_case(ck, gaz, text, exp, n_exp);
            }
            for (size_t e = 0; e < n_exp; e++)
                free(exp[e]);
            n_exp = 0;
            if (!got)
                break;
            snprintf(name, sizeof name, "%s", line + 4);
            text[0] = '\0';
            state = 1;
            case_line = lineno;
            continue;
        }
        if (state == 1) {
            if (strcmp(line, "---") == 0) {
                state = 2;
                continue;
            }
            if (*text)
                strncat(text, "\n", sizeof text - strlen(text) - 1);
            strncat(text, line, sizeof text - strlen(text) - 1);
        } else if (state == 2 && (line[0] == '+' || line[0] == '-') && line[1] == ' ' &&
                   n_exp < 64) {
            exp[n_exp++] = strdup(line);
        }
    }
    fclose(f);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: run_geoparse GAZETTEER CASEFILE...\n");
        return 2;
    }
    evm_gaz *gaz = NULL;
    evm_diag diag = {{0}};
    if (evm_gazetteer_open(argv[1], &gaz, &diag) != EVM_OK) {
        fprintf(stderr, "run_geoparse: %s\n", diag.msg);
        return 2;
    }
    checker ck = {0};
    for (int a = 2; a < argc; a++)
        if (run_file(&ck, gaz, argv[a]) != 0)
            ck.failed++;
    evm_gazetteer_close(gaz);
    printf("%d passed, %d failed\n", ck.passed, ck.failed);
    return ck.failed ? 1 : 0;
}
