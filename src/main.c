/* main.c: the evmap command line: options, subcommands, messages and exit codes. The work
 * itself lives in the library (evmapcore); this file only parses, dispatches and reports.
 *
 * One options table and one commands table drive parsing, `--help`, `evmap help CMD` and
 * the man page (`evmap man` prints docs/evmap.1). To add a subcommand: write cmd_<name>,
 * add a CMD_ bit and a row to `commands`, and rows to `options` for its options. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "evmap.h"
#include "gazetteer.h"
#include "geoparse.h"
#include "layers.h"
#include "outfile.h"
#include "pipeline.h"
#include "utf8.h"
#include "render.h"
#include "when.h"

/* ---- exit codes ------------------------------------------------------------------------ */

enum {
    EXIT_OK = 0,
    EXIT_FAILURE_ = 1, /* an input or output could not be processed */
    EXIT_USAGE = 2,    /* bad command line */
    EXIT_SKIPPED = 3,  /* finished, but some articles were skipped */
    EXIT_GAZETTEER = 4 /* the gazetteer index is missing or unusable */
};

static const struct {
    int code;
    const char *meaning;
} exit_codes[] = {
    {EXIT_OK, "success"},
    {EXIT_FAILURE_, "an input could not be read or an output could not be written"},
    {EXIT_USAGE, "usage error (unknown option, missing argument, bad value)"},
    {EXIT_SKIPPED, "finished, but some articles were bad and skipped (each is reported)"},
    {EXIT_GAZETTEER, "the gazetteer index is missing, truncated, corrupt or of another version"},
};

/* ---- the tables -------------------------------------------------------------------------- */

enum {
    CMD_MAP = 1u << 0,
    CMD_HELP = 1u << 1,
    CMD_MAN = 1u << 2,
    CMD_FORMATS = 1u << 3,
    CMD_EXTRACT = 1u << 4,
    CMD_GEOCODE = 1u << 5,
    CMD_RENDER = 1u << 6,
    CMD_GEOPARSE = 1u << 7,
};
#define CMD_ALL 0xFFFFFFFFu

enum opt_id {
    OPT_HELP = 1,
    OPT_VERSION,
    OPT_OUTPUT,
    OPT_DATE,
    OPT_JSONL,
    OPT_QUIET,
    OPT_GAZETTEER,
    OPT_FORMAT,
    OPT_NO_GPKG,
    OPT_NUMBER,
    OPT_COUNTRY,
    OPT_JSON,
    OPT_SIZE,
    OPT_DPI,
    OPT_THEME,
    OPT_CRS,
    OPT_BBOX,
    OPT_EXTENT,
    OPT_TITLE,
    OPT_KINDS,
    OPT_JOBS,
    OPT_COUNT
};

typedef struct option_def {
    enum opt_id id;
    char short_name;       /* 0 when none */
    const char *long_name; /* without the dashes */
    const char *arg;       /* metavariable ("DIR"), NULL for a flag */
    unsigned commands;     /* CMD_ bits of the commands that take it */
    const char *help;
} option_def;

static const option_def options[] = {
    {OPT_HELP, 'h', "help", NULL, CMD_ALL, "print help and exit"},
    {OPT_VERSION, 'V', "version", NULL, CMD_ALL, "print the version and exit"},
    {OPT_OUTPUT, 'o', "output", "DIR|FILE", CMD_MAP | CMD_RENDER,
     "map: write into DIR/<input stem>/ (default: output); render: the PNG file to write"},
    {OPT_DATE, 0, "date", "YYYY-MM-DD", CMD_MAP | CMD_EXTRACT,
     "publication date of articles that have none (overrides theirs)"},
    {OPT_JSONL, 0, "jsonl", NULL, CMD_MAP | CMD_EXTRACT | CMD_GEOPARSE,
     "read inputs as JSONL even without a .jsonl extension"},
    {OPT_QUIET, 'q', "quiet", NULL, CMD_MAP | CMD_EXTRACT, "print nothing but errors"},
    {OPT_GAZETTEER, 0, "gazetteer", "PATH", CMD_MAP | CMD_EXTRACT | CMD_GEOCODE | CMD_GEOPARSE,
     "gazetteer index to use (default: found next to the program)"},
    {OPT_FORMAT, 'f', "format", "NAME", CMD_MAP,
     "write the layers in OGR format NAME (default: GeoJSON; see 'evmap formats')"},
    {OPT_NO_GPKG, 0, "no-gpkg", NULL, CMD_MAP, "do not write events.gpkg beside the layers"},
    {OPT_NUMBER, 'n', "number", "N", CMD_GEOCODE, "candidates per name, 1 to 100 (default 5)"},
    {OPT_COUNTRY, 0, "country", "CC", CMD_GEOCODE,
     "only places in this country (ISO 3166-1 alpha-2)"},
    {OPT_JSON, 0, "json", NULL, CMD_GEOCODE, "print one JSON array per name, best first"},
    {OPT_SIZE, 0, "size", "WxH", CMD_MAP | CMD_RENDER, "map size in pixels (default: 1600x1200)"},
    {OPT_DPI, 0, "dpi", "N", CMD_MAP | CMD_RENDER,
     "resolution written to the PNG; text and symbols scale with N/96 (default: 96)"},
    {OPT_THEME, 0, "theme", "light|dark", CMD_MAP | CMD_RENDER, "map colours (default: light)"},
    {OPT_CRS, 0, "crs", "CRS", CMD_MAP | CMD_RENDER,
     "map projection: EPSG code, WKT or PROJ string (default: Lambert azimuthal equal-area "
     "centred on the events)"},
    {OPT_BBOX, 0, "bbox", "W,S,E,N", CMD_MAP | CMD_RENDER,
     "show this lon/lat box instead of fitting the events (W > E crosses 180)"},
    {OPT_EXTENT, 0, "extent", "X0,Y0,X1,Y1", CMD_MAP | CMD_RENDER,
     "show exactly this box, in the units of --crs (overrides --bbox)"},
    {OPT_TITLE, 0, "title", "TEXT", CMD_MAP | CMD_RENDER,
     "map title (default: the first article's headline)"},
    {OPT_KINDS, 0, "kinds", "all|strikes|meetings", CMD_RENDER,
     "which events to draw (default: all)"},
    {OPT_JOBS, 'j', "jobs", "N", CMD_GEOPARSE, "use N threads (output stays in input order)"},
};
#define N_OPTIONS (sizeof options / sizeof options[0])

typedef struct cli {
    const struct command_def *cmd;
    const char *value[OPT_COUNT]; /* argument of each option given, or "" for a flag */
    char **pos;                   /* positional arguments */
    int npos;
} cli;

typedef struct command_def {
    const char *name;
    unsigned bit;
    const char *args;
    const char *summary;
    const char *description;
    int (*run)(cli *c);
    bool hidden;
} command_def;

static int cmd_map(cli *c);
static int cmd_geocode(cli *c);
static int cmd_help(cli *c);
static int cmd_man(cli *c);
static int cmd_formats(cli *c);
static int cmd_extract(cli *c);
static int cmd_render(cli *c);
static int cmd_geoparse(cli *c);

static const command_def commands[] = {
    {"map", CMD_MAP, "[options] FILE|DIR|-...",
     "find places and events in articles; write layers and maps",
     "Reads each input (a text article, a JSONL file of articles, a directory of them, or - "
     "for standard input), finds the places and the strikes and meetings the articles "
     "report, and writes places.geojson, strikes.geojson, meetings.geojson (or the layers "
     "in the --format chosen) with a QGIS style beside each, events.gpkg with all three, "
     "and the maps into one folder per input, named after the input's stem.",
     cmd_map, false},
    {"extract", CMD_EXTRACT, "[options] [FILE|DIR|-...]",
     "write the events of articles to standard output as GeoJSON Text Sequences",
     "Reads each input (standard input when none is given) like 'map' and writes its "
     "strikes and meetings to standard output as GeoJSON Text Sequences (RFC 8142): one "
     "feature per event, each preceded by an RS character and followed by a line feed, with "
     "the fields of the layers and a 'kind' field.",
     cmd_extract, false},
    {"render", CMD_RENDER, "[options] -o FILE.png LAYER...",
     "draw point layers (GeoJSON, GeoPackage, any OGR format) as a PNG map",
     "Reads every layer of each LAYER file that OGR can open (for example the layers 'map' "
     "wrote, after editing them in QGIS): layers named strikes or meetings, or with a kind "
     "field, are drawn as events, other layers as places. Writes FILE.png with the same "
     "styles as the maps of 'map', a world file (.pgw) and FILE.png.aux.xml holding the "
     "coordinate system, so that GIS software places the picture over the layers.",
     cmd_render, false},
    {"formats", CMD_FORMATS, "",
     "list the output formats for 'map --format' (name, extension, description)", NULL, cmd_formats,
     false},
    {"geocode", CMD_GEOCODE, "[-n N] [--country CC] [--json] NAME...",
     "look place names up in the gazetteer; print ranked candidates",
     "Looks each NAME up in the bundled gazetteer as written (case, accents, apostrophes, "
     "hyphens, St./Saint folded), then by transliteration variants (Kryvyi Rig for Kryvyi "
     "Rih) and, for names long enough, within a small edit distance, and prints the "
     "candidates best first with how each matched and its score. With --json, one array "
     "per NAME on its own line, each element with geonameid (null for places not from "
     "GeoNames), name, country, admin1, lat, lon, population, feature, match and score.",
     cmd_geocode, false},
    {"geoparse", CMD_GEOPARSE, "[options] [FILE|-]",
     "print the places each article mentions, as JSONL",
     "Reads JSONL articles ({\"id\", \"date\", \"title\", \"text\"} a line) or a text "
     "article from FILE or standard input and writes one JSON line per article, in input "
     "order: {\"id\", \"toponyms\": [{\"start\", \"end\", \"text\", \"name\", "
     "\"geonameid\", \"country\", \"admin1\", \"feature\", \"lat\", \"lon\", "
     "\"score\", \"metonymy\"}]} with start/end in Unicode code points of the text.",
     cmd_geoparse, false},
    {"help", CMD_HELP, "[COMMAND]", "print help on evmap or on one command", NULL, cmd_help, false},
    {"man", CMD_MAN, "", "print the man page source (roff)", NULL, cmd_man, true},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

/* ---- messages ------------------------------------------------------------------------------- */

static void msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void msg(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("evmap: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("evmap: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    fputs("Try 'evmap --help' for more information.\n", stderr);
    return EXIT_USAGE;
}

static int exit_for(evm_err e)
{
    switch (e) {
    case EVM_OK:
        return EXIT_OK;
    case EVM_ERR_USAGE:
        return EXIT_USAGE;
    case EVM_ERR_GAZ:
        return EXIT_GAZETTEER;
    default:
        return EXIT_FAILURE_;
    }
}

/* ---- help ----------------------------------------------------------------------------------- */

static const command_def *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static void print_options(FILE *out, unsigned bit)
{
    for (size_t i = 0; i < N_OPTIONS; i++) {
        const option_def *o = &options[i];
        if (!(o->commands & bit))
            continue;
        char left[64];
        snprintf(left, sizeof left, "%s%c%s--%s%s%s", o->short_name ? "-" : "",
                 o->short_name ? o->short_name : ' ', o->short_name ? ", " : "  ", o->long_name,
                 o->arg ? " " : "", o->arg ? o->arg : "");
        if (!o->short_name)
            memmove(left, left + 1, strlen(left));
        fprintf(out, "  %-28s %s\n", left, o->help);
    }
}

static void print_exit_codes(FILE *out)
{
    fputs("\nExit status:\n", out);
    for (size_t i = 0; i < sizeof exit_codes / sizeof exit_codes[0]; i++)
        fprintf(out, "  %d  %s\n", exit_codes[i].code, exit_codes[i].meaning);
}

static void print_main_help(FILE *out)
{
    fputs("Usage: evmap COMMAND [options] [ARGS]\n"
          "Turns news articles into maps: finds the places an article mentions, the strikes\n"
          "and meetings it reports, and writes GeoJSON layers and PNG maps.\n\nCommands:\n",
          out);
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (!commands[i].hidden)
            fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fputs("\nOptions:\n", out);
    print_options(out, CMD_HELP);
    fputs("\nRun 'evmap help COMMAND' for a command's options.\n"
          "Example: evmap map docs/examples/sample.txt   (writes output/sample/)\n",
          out);
    print_exit_codes(out);
}

/* Prints text wrapped at 78 columns. */
static void print_wrapped(FILE *out, const char *text)
{
    size_t col = 0;
    while (*text) {
        size_t w = strcspn(text, " ");
        if (col && col + 1 + w > 78) {
            fputc('\n', out);
            col = 0;
        } else if (col) {
            fputc(' ', out);
            col++;
        }
        fwrite(text, 1, w, out);
        col += w;
        text += w;
        while (*text == ' ')
            text++;
    }
    fputc('\n', out);
}

static void print_command_help(FILE *out, const command_def *cmd)
{
    fprintf(out, "Usage: evmap %s %s\n%s.\n", cmd->name, cmd->args, cmd->summary);
    if (cmd->description) {
        fputc('\n', out);
        print_wrapped(out, cmd->description);
    }
    fputs("\nOptions:\n", out);
    print_options(out, cmd->bit);
    print_exit_codes(out);
}

static int cmd_help(cli *c)
{
    if (c->npos == 0) {
        print_main_help(stdout);
        return EXIT_OK;
    }
    const command_def *cmd = find_command(c->pos[0]);
    if (!cmd)
        return usage_error("no such command '%s'", c->pos[0]);
    print_command_help(stdout, cmd);
    return EXIT_OK;
}

/* roff escapes: a leading dot or quote, backslashes and hyphens. */
static void roff(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\')
            fputs("\\e", out);
        else if (*s == '-')
            fputs("\\-", out);
        else
            fputc(*s, out);
    }
}

static int cmd_man(cli *c)
{
    (void)c;
    FILE *out = stdout;
    fputs(".\\\" Generated by 'evmap man' from the tables in src/main.c; do not edit.\n", out);
    fprintf(out, ".TH EVMAP 1 \"\" \"evmap %s\" \"User Commands\"\n", EVM_VERSION);
    fputs(".SH NAME\nevmap \\- turn news articles into maps\n.SH SYNOPSIS\n", out);
    for (size_t i = 0; i < N_COMMANDS; i++) {
        if (commands[i].hidden)
            continue;
        fprintf(out, ".B evmap %s\n", commands[i].name);
        roff(out, commands[i].args);
        fputs("\n.br\n", out);
    }
    fputs(".SH DESCRIPTION\nevmap finds the places a news article mentions, resolves them "
          "against a bundled GeoNames gazetteer, extracts the strikes and meetings it "
          "reports, and writes GeoJSON layers and PNG maps.\n.SH COMMANDS\n",
          out);
    for (size_t i = 0; i < N_COMMANDS; i++) {
        const command_def *cmd = &commands[i];
        if (cmd->hidden)
            continue;
        fprintf(out, ".SS %s\n", cmd->name);
        roff(out, cmd->summary);
        fputs(".\n", out);
        if (cmd->description) {
            fputs(".PP\n", out);
            roff(out, cmd->description);
            fputc('\n', out);
        }
        for (size_t k = 0; k < N_OPTIONS; k++) {
            const option_def *o = &options[k];
            if (!(o->commands & cmd->bit) || o->commands == CMD_ALL)
                continue;
            fputs(".TP\n", out);
            if (o->short_name)
                fprintf(out, "\\fB\\-%c\\fR, ", o->short_name);
            fputs("\\fB\\-\\-", out);
            roff(out, o->long_name);
            fputs("\\fR", out);
            if (o->arg) {
                fputs(" \\fI", out);
                roff(out, o->arg);
                fputs("\\fR", out);
            }
            fputc('\n', out);
            roff(out, o->help);
            fputc('\n', out);
        }
    }
    fputs(".SH OPTIONS\n", out);
    for (size_t k = 0; k < N_OPTIONS; k++) {
        const option_def *o = &options[k];
        if (o->commands != CMD_ALL)
            continue;
        fprintf(out, ".TP\n\\fB\\-%c\\fR, \\fB\\-\\-", o->short_name);
        roff(out, o->long_name);
        fputs("\\fR\n", out);
        roff(out, o->help);
        fputc('\n', out);
    }
    fputs(".SH EXIT STATUS\n", out);
    for (size_t i = 0; i < sizeof exit_codes / sizeof exit_codes[0]; i++) {
        fprintf(out, ".TP\n%d\n", exit_codes[i].code);
        roff(out, exit_codes[i].meaning);
        fputc('\n', out);
    }
    fputs(".SH FILES\nThe gazetteer index gazetteer.bin is looked for next to the program, in "
          "../share/evmap/ from it, and in the build tree; \\fB\\-\\-gazetteer\\fR or "
          "EVMAP_GAZETTEER overrides.\n.SH EXAMPLES\n.nf\nevmap map docs/examples/sample.txt\n"
          "evmap map \\-o maps \\-\\-date 2025\\-04\\-17 article.txt\n.fi\n",
          out);
    return EXIT_OK;
}

/* ---- parsing -------------------------------------------------------------------------------- */

static const option_def *find_long(const char *name, size_t n)
{
    for (size_t i = 0; i < N_OPTIONS; i++)
        if (strlen(options[i].long_name) == n && strncmp(options[i].long_name, name, n) == 0)
            return &options[i];
    return NULL;
}

static const option_def *find_short(char ch)
{
    for (size_t i = 0; i < N_OPTIONS; i++)
        if (options[i].short_name == ch)
            return &options[i];
    return NULL;
}

/* Parses argv[first..argc) for command `cmd` into c. Returns EXIT_OK or EXIT_USAGE (after
 * printing the message). */
static int parse_args(cli *c, int argc, char **argv, int first)
{
    c->pos = evm_xcalloc((size_t)argc + 1, sizeof *c->pos);
    bool only_pos = false;
    for (int i = first; i < argc; i++) {
        char *a = argv[i];
        if (only_pos || a[0] != '-' || a[1] == '\0') {
            c->pos[c->npos++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_pos = true;
            continue;
        }
        const option_def *o;
        const char *val = NULL;
        char shown[80];
        if (a[1] == '-') {
            const char *eq = strchr(a + 2, '=');
            size_t n = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
            o = find_long(a + 2, n);
            snprintf(shown, sizeof shown, "--%.*s", (int)n, a + 2);
            if (eq)
                val = eq + 1;
        } else {
            o = find_short(a[1]);
            snprintf(shown, sizeof shown, "-%c", a[1]);
            if (a[2])
                val = a + 2;
        }
        if (!o)
            return usage_error("unknown option '%s'", shown);
        if (!(o->commands & c->cmd->bit))
            return usage_error("option '%s' does not apply to '%s'", shown, c->cmd->name);
        if (o->arg) {
            if (!val) {
                if (i + 1 >= argc)
                    return usage_error("option '%s' needs an argument (%s)", shown, o->arg);
                val = argv[++i];
            }
        } else if (val) {
            return usage_error("option '%s' takes no argument", shown);
        }
        c->value[o->id] = o->arg ? val : "";
    }
    return EXIT_OK;
}

/* ---- map --------------------------------------------------------------------------------------
 */

/* mkdir -p for a relative or absolute folder path. */
static bool make_dirs(const char *path, evm_diag *diag)
{
    char *p = evm_xstrdup(path);
    for (char *s = p + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0777) != 0 && errno != EEXIST) {
            evm_diag_set(diag, EVM_ERR_IO, "%s: %s", p, strerror(errno));
            free(p);
            return false;
        }
        *s = '/';
    }
    bool ok = mkdir(p, 0777) == 0 || errno == EEXIST;
    if (!ok)
        evm_diag_set(diag, EVM_ERR_IO, "%s: %s", p, strerror(errno));
    struct stat st;
    if (ok && (stat(p, &st) != 0 || !S_ISDIR(st.st_mode))) {
        evm_diag_set(diag, EVM_ERR_IO, "%s: exists and is not a directory", p);
        ok = false;
    }
    free(p);
    return ok;
}

typedef struct map_run {
    bool quiet;
    bool tty;            /* stderr is a terminal: show progress */
    bool progress_shown; /* a progress line is on screen */
    size_t warnings;
    const char *input;
    double start, last;
} map_run;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void clear_progress(map_run *run)
{
    if (run->progress_shown) {
        fputs("\r\033[K", stderr);
        run->progress_shown = false;
    }
}

/* A progress line on a terminal, at most four times a second: articles done, rate, and
 * the time left when the input's size is known. */
static void progress(void *ctx, size_t articles, size_t bytes, size_t total)
{
    map_run *run = ctx;
    if (run->quiet || !run->tty)
        return;
    double t = now();
    if (t - run->last < 0.25)
        return;
    run->last = t;
    double el = t - run->start;
    double rate = el > 0 ? articles / el : 0;
    fprintf(stderr, "\r\033[Kevmap: %s: %zu articles, %.0f/s", run->input, articles, rate);
    if (total && bytes && bytes <= total && el > 0) {
        double left = el * (double)(total - bytes) / (double)bytes;
        fprintf(stderr, ", %.0f%%, %.0f s left", 100.0 * bytes / total, left);
    }
    run->progress_shown = true;
}

static void report(void *ctx, evm_err err, const char *text)
{
    map_run *run = ctx;
    clear_progress(run);
    if (err == EVM_OK) {
        if (!run->quiet)
            msg("warning: %s", text);
        run->warnings++;
    } else {
        msg("%s (skipped)", text);
    }
}

/* Expands directories into their article files; the result holds borrowed and heap
 * strings, tracked in `owned`. */
static int expand_inputs(cli *c, char ***files, size_t *n, char ***owned, size_t *n_owned)
{
    size_t cap = 0, ocap = 0;
    *files = NULL;
    *n = 0;
    *owned = NULL;
    *n_owned = 0;
    for (int i = 0; i < c->npos; i++) {
        const char *a = c->pos[i];
        struct stat st;
        if (strcmp(a, "-") != 0 && stat(a, &st) == 0 && S_ISDIR(st.st_mode)) {
            char **list;
            size_t k;
            evm_diag d;
            if (evm_article_list_dir(a, &list, &k, &d) != EVM_OK) {
                msg("%s", d.msg);
                return EXIT_FAILURE_;
            }
            if (k == 0)
                msg("warning: %s: no .txt or .jsonl files", a);
            for (size_t j = 0; j < k; j++) {
                evm_grow((void **)files, &cap, *n + 1, sizeof **files);
                (*files)[(*n)++] = list[j];
                evm_grow((void **)owned, &ocap, *n_owned + 1, sizeof **owned);
                (*owned)[(*n_owned)++] = list[j];
            }
            free(list);
        } else {
            evm_grow((void **)files, &cap, *n + 1, sizeof **files);
            (*files)[(*n)++] = (char *)a;
        }
    }
    return EXIT_OK;
}

/* The map options common to 'map' and 'render' into ro; EXIT_OK or EXIT_USAGE. */
static int render_opts_from(cli *c, evm_render_opts *ro)
{
    static const struct {
        enum opt_id id;
        const char *key;
    } keys[] = {{OPT_SIZE, "size"},   {OPT_DPI, "dpi"},    {OPT_THEME, "theme"},
                {OPT_CRS, "crs"},     {OPT_BBOX, "bbox"},  {OPT_EXTENT, "extent"},
                {OPT_TITLE, "title"}, {OPT_KINDS, "kinds"}};
    evm_render_opts_init(ro);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        evm_diag d;
        if (c->value[keys[i].id] &&
            evm_render_opts_set(ro, keys[i].key, c->value[keys[i].id], &d) != EVM_OK)
            return usage_error("%s", d.msg);
    }
    return EXIT_OK;
}

/* The options that 'map' and 'extract' share: the pipeline's. */
static int pipeline_opts_from(cli *c, evm_pipeline_opts *po)
{
    memset(po, 0, sizeof *po);
    po->gazetteer = c->value[OPT_GAZETTEER];
    po->quiet = c->value[OPT_QUIET] != NULL;
    po->read.jsonl = c->value[OPT_JSONL] != NULL;
    if (c->value[OPT_DATE]) {
        const char *d = c->value[OPT_DATE];
        if (!evm_when_parse_iso(d, strlen(d), &po->read.date))
            return usage_error("--date '%s' is not a date (expected YYYY-MM-DD)", d);
    }
    return EXIT_OK;
}

/* What a command does with each input's batch: 0 done, 1 failed (go on with the next
 * input), or an exit code + 100 to stop (standard output is gone). */
typedef int (*batch_fn)(void *ctx, const char *input, evm_batch *b, bool quiet);

/* Runs the pipeline over every input of the command line (folders expanded) and hands each
 * batch to `each`; reports skipped articles, and returns the exit code. */
static int run_inputs(cli *c, const evm_pipeline_opts *po, batch_fn each, void *ctx)
{
    char **files, **owned;
    size_t nfiles, nowned;
    int rc = expand_inputs(c, &files, &nfiles, &owned, &nowned);
    if (rc != EXIT_OK)
        return rc;
    evm_diag d;
    evm_pipeline *p = NULL;
    evm_err e = evm_pipeline_new(po, &p, &d);
    if (e) {
        msg("%s", d.msg);
        rc = exit_for(e);
        goto done;
    }
    map_run run = {0};
    run.quiet = po->quiet;
    run.tty = isatty(STDERR_FILENO);
    evm_pipeline_hooks hooks = {&run, report, progress};
    size_t total_skipped = 0, failed = 0;
    for (size_t i = 0; i < nfiles && rc == EXIT_OK; i++) {
        evm_batch *b = NULL;
        size_t skipped = 0;
        run.input = files[i];
        run.start = run.last = now();
        e = evm_pipeline_input(p, files[i], &b, &skipped, &hooks, &d);
        clear_progress(&run);
        total_skipped += skipped;
        if (e) {
            msg("%s", d.msg);
            failed++;
            continue;
        }
        int r = each(ctx, files[i], b, po->quiet);
        evm_batch_free(b);
        if (r >= 100)
            rc = r - 100;
        else
            failed += (size_t)r;
    }
    if (rc == EXIT_OK && failed)
        rc = EXIT_FAILURE_;
    else if (rc == EXIT_OK && total_skipped)
        rc = EXIT_SKIPPED;
    if (total_skipped && !po->quiet)
        msg("%zu article%s skipped", total_skipped, total_skipped == 1 ? "" : "s");
done:
    evm_pipeline_free(p);
    for (size_t i = 0; i < nowned; i++)
        free(owned[i]);
    free(owned);
    free(files);
    return rc;
}

typedef struct map_job {
    const char *outdir;
    evm_layers_opts lo;
    evm_render_opts ro;
} map_job;

/* map: the layers and the maps of one input, in outdir/<stem>/. */
static int map_batch(void *ctx, const char *input, evm_batch *b, bool quiet)
{
    map_job *job = ctx;
    evm_diag d;
    int failed = 1;
    char *dir = evm_xmalloc(strlen(job->outdir) + strlen(b->name) + 2);
    sprintf(dir, "%s/%s", job->outdir, b->name);
    if (!make_dirs(dir, &d) || evm_layers_write(b, dir, &job->lo, &d) != EVM_OK ||
        evm_render_maps(b, &job->ro, dir, &d) != EVM_OK) {
        msg("%s", d.msg);
    } else {
        failed = 0;
        if (!quiet)
            msg("%s: %zu article%s, %zu places, %zu strikes, %zu meetings -> %s/", input, b->n_docs,
                b->n_docs == 1 ? "" : "s", b->n_places, evm_batch_count(b, EVM_EVENT_STRIKE),
                evm_batch_count(b, EVM_EVENT_MEETING), dir);
    }
    free(dir);
    return failed;
}

static int cmd_map(cli *c)
{
    if (c->npos == 0)
        return usage_error("map: no input (give a file, a directory, or - for stdin)");
    evm_pipeline_opts po;
    int rc = pipeline_opts_from(c, &po);
    if (rc != EXIT_OK)
        return rc;
    map_job job;
    job.outdir = c->value[OPT_OUTPUT] ? c->value[OPT_OUTPUT] : "output";
    evm_layers_opts_init(&job.lo);
    if (c->value[OPT_FORMAT]) {
        evm_diag fd;
        if (evm_layers_check_format(c->value[OPT_FORMAT], &fd) != EVM_OK)
            return usage_error("%s", fd.msg);
        job.lo.format = c->value[OPT_FORMAT];
    }
    job.lo.gpkg = c->value[OPT_NO_GPKG] == NULL;
    int rrc = render_opts_from(c, &job.ro);
    if (rrc != EXIT_OK)
        return rrc;

    return run_inputs(c, &po, map_batch, &job);
}

/* ---- formats, extract ----------------------------------------------------------------------- */

static int cmd_formats(cli *c)
{
    if (c->npos > 0)
        return usage_error("formats: takes no arguments");
    evm_diag d;
    evm_err e = evm_layers_list_formats(stdout, &d);
    if (e)
        msg("%s", d.msg);
    return exit_for(e);
}

/* extract: the events of one input to standard output. */
static int extract_batch(void *ctx, const char *input, evm_batch *b, bool quiet)
{
    (void)ctx;
    (void)input;
    (void)quiet;
    evm_diag d;
    evm_err e = evm_layers_write_seq(b, stdout, &d);
    if (e) { /* standard output is gone: stop */
        msg("%s", d.msg);
        return 100 + exit_for(e);
    }
    return 0;
}

static int cmd_extract(cli *c)
{
    evm_pipeline_opts po;
    int rc = pipeline_opts_from(c, &po);
    if (rc != EXIT_OK)
        return rc;
    static char *stdin_only[] = {"-", NULL};
    if (c->npos == 0) {
        c->pos[0] = stdin_only[0];
        c->npos = 1;
    }
    return run_inputs(c, &po, extract_batch, NULL);
}

/* ---- geocode ----------------------------------------------------------------------------- */

/* Writes s as a JSON string. */
static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static void geocode_json(FILE *out, const evm_candidate *c, size_t n)
{
    fputc('[', out);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ",{" : "{", out);
        if (c[i].geonameid < 0)
            fputs("\"geonameid\":null", out);
        else
            fprintf(out, "\"geonameid\":%lld", (long long)c[i].geonameid);
        fputs(",\"name\":", out);
        json_string(out, c[i].name);
        fputs(",\"country\":", out);
        json_string(out, c[i].country);
        fputs(",\"admin1\":", out);
        json_string(out, c[i].admin1);
        fprintf(out, ",\"lat\":%.5f,\"lon\":%.5f,\"population\":%lld,\"feature\":", c[i].lat,
                c[i].lon, (long long)c[i].population);
        json_string(out, c[i].feature);
        fprintf(out, ",\"match\":\"%s\",\"score\":%.3f}", evm_gazetteer_match_name(c[i].match),
                c[i].score);
    }
    fputs("]\n", out);
}

/* Prints s left-aligned in `width` characters (code points, not bytes). */
static void print_cell(FILE *out, const char *s, size_t width)
{
    size_t w = evm_utf8_count(s, strlen(s));
    fputs(s, out);
    for (; w < width; w++)
        fputc(' ', out);
}

static void geocode_table(FILE *out, const char *name, const evm_candidate *c, size_t n)
{
    if (n == 0) {
        fprintf(out, "%s: no match\n", name);
        return;
    }
    size_t wn = 4, wa = 6, wf = 7;
    for (size_t i = 0; i < n; i++) {
        size_t k = evm_utf8_count(c[i].name, strlen(c[i].name));
        wn = k > wn ? k : wn;
        k = evm_utf8_count(c[i].admin1, strlen(c[i].admin1));
        wa = k > wa ? k : wa;
        k = strlen(c[i].feature);
        wf = k > wf ? k : wf;
    }
    fprintf(out, "%s:\n  #  geonameid  ", name);
    print_cell(out, "name", wn);
    fputs("  cc  ", out);
    print_cell(out, "admin1", wa);
    fprintf(out, "  %8s  %9s  %10s  ", "lat", "lon", "population");
    print_cell(out, "feature", wf);
    fputs("  match      score\n", out);
    for (size_t i = 0; i < n; i++) {
        char gid[24] = "-";
        if (c[i].geonameid >= 0)
            snprintf(gid, sizeof gid, "%lld", (long long)c[i].geonameid);
        fprintf(out, "%3zu  %9s  ", i + 1, gid);
        print_cell(out, c[i].name, wn);
        fprintf(out, "  %-2s  ", c[i].country);
        print_cell(out, c[i].admin1, wa);
        fprintf(out, "  %8.4f  %9.4f  %10lld  ", c[i].lat, c[i].lon, (long long)c[i].population);
        print_cell(out, c[i].feature, wf);
        fprintf(out, "  %-9s  %.3f\n", evm_gazetteer_match_name(c[i].match), c[i].score);
    }
}

static int cmd_geocode(cli *c)
{
    if (c->npos == 0)
        return usage_error("geocode: no NAME given");
    size_t max = 5;
    if (c->value[OPT_NUMBER]) {
        char *end;
        long v = strtol(c->value[OPT_NUMBER], &end, 10);
        if (*end || end == c->value[OPT_NUMBER] || v < 1 || v > 100)
            return usage_error("-n '%s' is not a number from 1 to 100", c->value[OPT_NUMBER]);
        max = (size_t)v;
    }
    const char *cc = c->value[OPT_COUNTRY];
    if (cc && (strlen(cc) != 2 || !isalpha((unsigned char)cc[0]) || !isalpha((unsigned char)cc[1])))
        return usage_error("--country '%s' is not a two-letter country code", cc);
    evm_diag d;
    evm_gaz *g = NULL;
    evm_err e = evm_gazetteer_open_default(c->value[OPT_GAZETTEER], &g, &d);
    if (e) {
        msg("%s", d.msg);
        return exit_for(e);
    }
    evm_lookup_opts lo = {cc, true, true};
    evm_candidate *cand = evm_xcalloc(max, sizeof *cand);
    for (int i = 0; i < c->npos; i++) {
        const char *name = c->pos[i];
        size_t n = evm_gazetteer_lookup(g, name, strlen(name), &lo, cand, max);
        if (c->value[OPT_JSON])
            geocode_json(stdout, cand, n);
        else
            geocode_table(stdout, name, cand, n);
    }
    free(cand);
    evm_gazetteer_close(g);
    return EXIT_OK;
}

/* ---- render ---------------------------------------------------------------------------------- */

static int cmd_render(cli *c)
{
    if (c->npos == 0)
        return usage_error("render: no layer given (any file OGR reads: GeoJSON, GeoPackage, ...)");
    const char *out = c->value[OPT_OUTPUT];
    if (!out || !out[0])
        return usage_error("render: no output file (give -o FILE.png)");
    evm_render_opts ro;
    int rc = render_opts_from(c, &ro);
    if (rc != EXIT_OK)
        return rc;
    const char *base = strrchr(c->pos[0], '/');
    base = base ? base + 1 : c->pos[0];
    char *stem = evm_xstrndup(base, strcspn(base, "."));
    evm_batch *b = evm_batch_new(stem);
    free(stem);
    evm_diag d;
    evm_err e = EVM_OK;
    for (int i = 0; i < c->npos && !e; i++) {
        size_t before = b->n_events + b->n_places;
        e = evm_layers_read(c->pos[i], b, &d);
        if (!e && b->n_events + b->n_places == before) {
            msg("render: %s: no points to draw", c->pos[i]);
            evm_batch_free(b);
            return EXIT_FAILURE_;
        }
    }
    if (!e)
        e = evm_render_map(b, &ro, out, &d);
    if (e)
        msg("%s", d.msg);
    evm_batch_free(b);
    return exit_for(e);
}

/* ---- geoparse ------------------------------------------------------------------------------ */

static void report_skip(void *ctx, const char *text)
{
    (void)ctx;
    msg("%s (skipped)", text);
}

static int cmd_geoparse(cli *c)
{
    if (c->npos > 1)
        return usage_error("geoparse: one input at most (a file, or - for stdin)");
    int jobs = 1;
    if (c->value[OPT_JOBS]) {
        char *end;
        long j = strtol(c->value[OPT_JOBS], &end, 10);
        if (*end || j < 1 || j > 256)
            return usage_error("-j '%s' is not a thread count (1..256)", c->value[OPT_JOBS]);
        jobs = (int)j;
    }
    evm_read_opts ro = {0};
    ro.jsonl = c->value[OPT_JSONL] != NULL;
    evm_diag d;
    evm_gaz *gaz = NULL;
    evm_err e = evm_gazetteer_open_default(c->value[OPT_GAZETTEER], &gaz, &d);
    if (e) {
        msg("%s", d.msg);
        return exit_for(e);
    }
    size_t skipped = 0;
    e = evm_geoparse_run(gaz, c->npos ? c->pos[0] : "-", &ro, jobs, stdout, &skipped, report_skip,
                         NULL, &d);
    evm_gazetteer_close(gaz);
    if (e) {
        msg("%s", d.msg);
        return exit_for(e);
    }
    return skipped ? EXIT_SKIPPED : EXIT_OK;
}

/* On SIGINT/SIGTERM: remove the temporary files of outputs being written (earlier outputs
 * stay intact), then die of the same signal. */
static void on_signal(int sig)
{
    evm_outfile_cleanup();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* ---- main -------------------------------------------------------------------------------------
 */

int main(int argc, char **argv)
{
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    if (argc < 2)
        return usage_error("no command given");
    const char *a = argv[1];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
        print_main_help(stdout);
        return EXIT_OK;
    }
    if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
        printf("%s %s\n", EVM_NAME, EVM_VERSION);
        return EXIT_OK;
    }
    if (a[0] == '-')
        return usage_error("unknown option '%s' (options follow the command)", a);
    const command_def *cmd = find_command(a);
    if (!cmd)
        return usage_error("no such command '%s'", a);
    cli c = {0};
    c.cmd = cmd;
    int rc = parse_args(&c, argc, argv, 2);
    if (rc == EXIT_OK) {
        if (c.value[OPT_HELP]) {
            print_command_help(stdout, cmd);
        } else if (c.value[OPT_VERSION]) {
            printf("%s %s\n", EVM_NAME, EVM_VERSION);
        } else {
            rc = cmd->run(&c);
        }
    }
    free(c.pos);
    fflush(stdout);
    if (ferror(stdout) && rc == EXIT_OK) {
        msg("error writing to standard output");
        rc = EXIT_FAILURE_;
    }
    return rc;
}
