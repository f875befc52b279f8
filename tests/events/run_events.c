/* run_events.c: the event corpus runner (ctest): reads every case file of a folder (an
 * article, a line "=== events", then its expected events), extracts the events and
 * compares them field by field. With --hand the places come from the test gazetteer in
 * tests/unit/evtest.h (the extractor alone); otherwise from the real stages: segment, spot
 * and resolve against the built gazetteer index (geoparse.h), then extract. There an
 * expected place also matches the place as written, so that the geoparser's choice between
 * a city and its same-named region is tested by the geoparser's own tests, not here.
 *
 * Expected events, one a line: "kind | place | date | key=value | ...", where date is
 * ISO ("2025-04-13", "2025-03", "2025") or "-" for unknown, and the optional keys are
 * killed/injured ("35", "35+" for at least, "-" for not stated), weapon, actor, status and
 * participants (a comma-separated list that must equal the event's). Every extracted event
 * must be expected: a spurious one fails the case. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/evtest.h"
#include "gazetteer.h"
#include "geoparse.h"

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)len + 1);
    *n = fread(buf, 1, (size_t)len, f);
    buf[*n] = '\0';
    fclose(f);
    return buf;
}

static char *trim(char *s)
{
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

static bool count_ok(const char *want, int32_t got, bool at_least)
{
    if (!strcmp(want, "-"))
        return got < 0;
    size_t n = strlen(want);
    bool plus = n && want[n - 1] == '+';
    return got == atoi(want) && at_least == plus;
}

static bool participants_ok(const char *want, const evm_event *e)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", want);
    size_t n = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        tok = trim(tok);
        bool found = false;
        for (size_t k = 0; k < e->n_participants; k++)
            found = found || !strcmp(e->participants[k].name, tok);
        if (!found)
            return false;
        n++;
    }
    return n == e->n_participants;
}

/* Checks one expectation line against the events; marks the one it matched. */
static bool check_line(char *line, const evm_event *ev, size_t n, const evm_place *places,
                       bool by_surface, bool *used, char *why, size_t whyn)
{
    char *f[16];
    size_t nf = 0;
    for (char *save = NULL, *tok = strtok_r(line, "|", &save); tok && nf < 16;
         tok = strtok_r(NULL, "|", &save))
        f[nf++] = trim(tok);
    if (nf < 3) {
        snprintf(why, whyn, "bad expectation line");
        return false;
    }
    evm_event_kind kind = !strcmp(f[0], "meeting") ? EVM_EVENT_MEETING : EVM_EVENT_STRIKE;
    const char *want_date = !strcmp(f[2], "-") ? "" : f[2];
    for (size_t i = 0; i < n; i++) {
        char date[11];
        if (used[i] || ev[i].kind != kind || ev[i].place < 0 ||
            (strcmp(places[ev[i].place].name, f[1]) &&
             !(by_surface && ev[i].place_mention && !strcmp(ev[i].place_mention, f[1]))) ||
            strcmp(evm_when_format(ev[i].date, date), want_date))
            continue;
        used[i] = true;
        for (size_t k = 3; k < nf; k++) {
            char *eq = strchr(f[k], '=');
            if (!eq)
                continue;
            *eq = '\0';
            const char *key = f[k], *val = eq + 1;
            bool ok = true;
            if (!strcmp(key, "killed"))
                ok = count_ok(val, ev[i].killed, ev[i].killed_at_least);
            else if (!strcmp(key, "injured"))
                ok = count_ok(val, ev[i].injured, ev[i].injured_at_least);
            else if (!strcmp(key, "weapon"))
                ok = ev[i].weapon ? !strcmp(ev[i].weapon, val) : !strcmp(val, "-");
            else if (!strcmp(key, "actor"))
                ok = ev[i].actor ? !strcmp(ev[i].actor, val) : !strcmp(val, "-");
            else if (!strcmp(key, "status"))
                ok = !strcmp(evm_event_status_name(ev[i].status), val);
            else if (!strcmp(key, "participants"))
                ok = participants_ok(val, &ev[i]);
            if (!ok) {
                snprintf(why, whyn, "%s %s: %s is not %s", f[0], f[1], key, val);
                return false;
            }
        }
        return true;
    }
    snprintf(why, whyn, "missing %s | %s | %s", f[0], f[1], f[2]);
    return false;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    bool hand = argc > 1 && !strcmp(argv[1], "--hand");
    const char *dir = argv[argc - 1];
    if (argc < 2) {
        fprintf(stderr, "usage: run_events [--hand] CASEDIR\n");
        return 2;
    }
    evm_gaz *gaz = NULL;
    evm_diag dg;
    if (!hand) {
        char buf[4096];
        const char *path = evm_gazetteer_find(buf, sizeof buf);
        if (!path || evm_gazetteer_open(path, &gaz, &dg) != EVM_OK) {
            fprintf(stderr, "run_events: no gazetteer index (%s)\n", path ? dg.msg : buf);
            return 1;
        }
    }
    DIR *dp = opendir(dir);
    if (!dp) {
        fprintf(stderr, "run_events: cannot open %s\n", dir);
        return 1;
    }
    char *names[512];
    size_t nn = 0;
    for (struct dirent *de; (de = readdir(dp)) && nn < 512;) {
        size_t l = strlen(de->d_name);
        if (l > 4 && !strcmp(de->d_name + l - 4, ".txt"))
            names[nn++] = strdup(de->d_name);
    }
    closedir(dp);
    qsort(names, nn, sizeof *names, name_cmp);
    size_t failed = 0;
    for (size_t c = 0; c < nn; c++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, names[c]);
        size_t len;
        char *data = slurp(path, &len);
        char *sep = data ? strstr(data, "\n=== events\n") : NULL;
        if (!sep) {
            printf("FAIL %s: no '=== events' line\n", names[c]);
            failed++;
            free(data);
            continue;
        }
        sep[1] = '\0';
        char *expect = sep + strlen("\n=== events\n");
        evm_doc *doc = NULL;
        if (hand) {
            doc = evt_doc(data, names[c]);
        } else {
            evm_read_opts ro;
            memset(&ro, 0, sizeof ro);
            if (evm_article_parse_text(data, strlen(data), names[c], &ro, &doc, &dg) == EVM_OK &&
                (evm_geoparse_doc(gaz, doc, &dg) != EVM_OK ||
                 evm_event_extract(doc, &dg) != EVM_OK)) {
                evm_doc_free(doc);
                doc = NULL;
            }
        }
        if (!doc) {
            printf("FAIL %s: could not process the article\n", names[c]);
            failed++;
            free(data);
            continue;
        }
        bool *used = calloc(doc->n_events + 1, sizeof *used);
        bool ok = true;
        char why[512] = "";
        for (char *save = NULL, *line = strtok_r(expect, "\n", &save); line && ok;
             line = strtok_r(NULL, "\n", &save)) {
            if (!*trim(line) || line[0] == '#')
                continue;
            ok = check_line(line, doc->events, doc->n_events, doc->places, !hand, used, why,
                            sizeof why);
        }
        for (size_t i = 0; ok && i < doc->n_events; i++)
            if (!used[i]) {
                char date[11];
                snprintf(why, sizeof why, "spurious %s | %s | %s",
                         evm_event_kind_name(doc->events[i].kind),
                         doc->events[i].place >= 0 ? doc->places[doc->events[i].place].name : "?",
                         evm_when_format(doc->events[i].date, date));
                ok = false;
            }
        if (ok) {
            printf("ok   %s\n", names[c]);
        } else {
            printf("FAIL %s: %s\n", names[c], why);
            evt_dump(stdout, doc->events, doc->n_events, doc->places);
            failed++;
        }
        free(used);
        evm_doc_free(doc);
        free(data);
        free(names[c]);
    }
    evm_gazetteer_close(gaz);
    printf("%zu cases, %zu failed\n", nn, failed);
    return failed ? 1 : 0;
}
