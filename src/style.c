/* style.c: QGIS QML styles for the exported layers (see style.h); layers.c writes them as
 * .qml files beside the per-layer files and into the GeoPackage's layer_styles table. */
#include "style.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A growing heap string. */
typedef struct sbuf {
    char *s;
    size_t n, cap;
} sbuf;

static void sb_printf(sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_printf(sbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    evm_grow((void **)&sb->s, &sb->cap, sb->n + (size_t)n + 1, 1);
    va_start(ap, fmt);
    vsnprintf(sb->s + sb->n, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->n += (size_t)n;
}

/* Symbol area proportional to the toll: diameter = STRIKE_K * sqrt(killed), at least
 * STRIKE_MIN millimetres. */
#define STRIKE_K 1.6
#define STRIKE_MIN 2.5

double evm_style_strike_mm(int killed)
{
    double d = killed > 0 ? STRIKE_K * sqrt((double)killed) : 0.0;
    return d < STRIKE_MIN ? STRIKE_MIN : d;
}

/* One simple marker symbol layer. Colours are "r,g,b,a" as QGIS writes them. */
typedef struct marker {
    const char *shape;   /* circle, diamond, square, ... */
    const char *fill;    /* "r,g,b,a" */
    const char *outline; /* "r,g,b,a" */
    const char *outline_style;
    double outline_mm;
    double size_mm;
    const char *size_expr; /* data-defined diameter (mm), or NULL */
} marker;

/* "#rrggbb" plus alpha to "r,g,b,a". */
static const char *rgba(char buf[24], const char *hex, int alpha)
{
    unsigned r = 0, g = 0, b = 0;
    sscanf(hex, "#%02x%02x%02x", &r, &g, &b);
    snprintf(buf, 24, "%u,%u,%u,%d", r, g, b, alpha);
    return buf;
}

/* Writes `s` with the XML special characters escaped. */
static void sb_xml(sbuf *sb, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&':
            sb_printf(sb, "&amp;");
            break;
        case '<':
            sb_printf(sb, "&lt;");
            break;
        case '>':
            sb_printf(sb, "&gt;");
            break;
        case '"':
            sb_printf(sb, "&quot;");
            break;
        default:
            sb_printf(sb, "%c", *s);
        }
    }
}

static void option(sbuf *sb, const char *name, const char *value)
{
    sb_printf(sb, "          <Option type=\"QString\" name=\"%s\" value=\"", name);
    sb_xml(sb, value);
    sb_printf(sb, "\"/>\n");
}

/* The same properties in the older <prop k v> form, which QGIS before 3.18 reads. */
static void prop(sbuf *sb, const char *name, const char *value)
{
    sb_printf(sb, "        <prop k=\"%s\" v=\"", name);
    sb_xml(sb, value);
    sb_printf(sb, "\"/>\n");
}

static void marker_layer(sbuf *sb, const marker *m)
{
    char outline_w[32], size[32];
    snprintf(outline_w, sizeof outline_w, "%g", m->outline_mm);
    snprintf(size, sizeof size, "%g", m->size_mm);
    const char *keys[] = {"name",          "color",         "outline_color",
                          "outline_style", "outline_width", "outline_width_unit",
                          "size",          "size_unit",     "scale_method",
                          "angle",         "joinstyle"};
    const char *vals[] = {m->shape, m->fill,    m->outline, m->outline_style, outline_w, "MM", size,
                          "MM",     "diameter", "0",        "miter"};
    size_t n = sizeof keys / sizeof keys[0];

    sb_printf(sb, "      <layer class=\"SimpleMarker\" enabled=\"1\" locked=\"0\" pass=\"0\">\n");
    sb_printf(sb, "        <Option type=\"Map\">\n");
    for (size_t i = 0; i < n; i++)
        option(sb, keys[i], vals[i]);
    sb_printf(sb, "        </Option>\n");
    for (size_t i = 0; i < n; i++)
        prop(sb, keys[i], vals[i]);
    sb_printf(sb, "        <data_defined_properties>\n"
                  "          <Option type=\"Map\">\n"
                  "            <Option type=\"QString\" name=\"name\" value=\"\"/>\n");
    if (m->size_expr) {
        sb_printf(sb, "            <Option type=\"Map\" name=\"properties\">\n"
                      "              <Option type=\"Map\" name=\"size\">\n"
                      "                <Option type=\"bool\" name=\"active\" value=\"true\"/>\n"
                      "                <Option type=\"QString\" name=\"expression\" value=\"");
        sb_xml(sb, m->size_expr);
        sb_printf(sb, "\"/>\n"
                      "                <Option type=\"int\" name=\"type\" value=\"3\"/>\n"
                      "              </Option>\n"
                      "            </Option>\n");
    } else {
        sb_printf(sb, "            <Option name=\"properties\"/>\n");
    }
    sb_printf(sb, "            <Option type=\"QString\" name=\"type\" value=\"collection\"/>\n"
                  "          </Option>\n"
                  "        </data_defined_properties>\n"
                  "      </layer>\n");
}

static void symbol(sbuf *sb, int name, const marker *layers, size_t n)
{
    sb_printf(sb,
              "    <symbol type=\"marker\" name=\"%d\" alpha=\"1\" clip_to_extent=\"1\" "
              "force_rhr=\"0\">\n",
              name);
    for (size_t i = 0; i < n; i++)
        marker_layer(sb, &layers[i]);
    sb_printf(sb, "    </symbol>\n");
}

typedef struct rule {
    const char *filter; /* a QGIS expression, or "ELSE" */
    const char *label;  /* legend text */
} rule;

static void rules(sbuf *sb, const char *layer, const rule *r, size_t n)
{
    sb_printf(sb, "  <rules key=\"{evmap-%s-root}\">\n", layer);
    for (size_t i = 0; i < n; i++) {
        sb_printf(sb, "    <rule key=\"{evmap-%s-%zu}\" symbol=\"%zu\" filter=\"", layer, i, i);
        sb_xml(sb, r[i].filter);
        sb_printf(sb, "\" label=\"");
        sb_xml(sb, r[i].label);
        sb_printf(sb, "\"/>\n");
    }
    sb_printf(sb, "  </rules>\n");
}

static void header(sbuf *sb, bool labels)
{
    sb_printf(sb,
              "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
              "<!-- written by %s %s -->\n"
              "<qgis version=\"3.22.16\" styleCategories=\"Symbology|Labeling\" "
              "labelsEnabled=\"%d\">\n",
              EVM_NAME, EVM_VERSION, labels ? 1 : 0);
}

static void place_labels(sbuf *sb)
{
    sb_printf(sb, "<labeling type=\"simple\">\n"
                  "  <settings calloutType=\"simple\">\n"
                  "    <text-style fieldName=\"name\" isExpression=\"0\" fontFamily=\"Sans Serif\" "
                  "fontSize=\"8\" fontSizeUnit=\"Point\" textColor=\"40,40,40,255\" "
                  "textOpacity=\"1\" fontWeight=\"50\" fontItalic=\"0\">\n"
                  "      <text-buffer bufferDraw=\"1\" bufferSize=\"0.7\" bufferSizeUnits=\"MM\" "
                  "bufferColor=\"255,255,255,255\" bufferOpacity=\"0.85\"/>\n"
                  "    </text-style>\n"
                  "    <placement placement=\"6\" dist=\"1\" distUnits=\"MM\" "
                  "priority=\"5\"/>\n"
                  "    <rendering scaleVisibility=\"0\" obstacle=\"1\"/>\n"
                  "  </settings>\n"
                  "</labeling>\n");
}

static void strikes(sbuf *sb)
{
    char red[24], halo[24], veil[24], expr[96];
    snprintf(expr, sizeof expr, "max(%g, %g * sqrt(\"killed\"))", STRIKE_MIN, STRIKE_K);
    rgba(red, EVM_STYLE_STRIKE, 255);
    rgba(halo, "#ffffff", 242);
    rgba(veil, "#ffffff", 191);
    marker known = {"circle", red, halo, "solid", 0.35, STRIKE_MIN, expr};
    /* toll not stated: a dashed red ring around a small solid core, as on the PNG maps */
    marker unknown[] = {{"circle", veil, red, "dash", 0.5, 4.2, NULL},
                        {"circle", red, red, "no", 0.0, 1.8, NULL}};
    rule r[] = {{"\"killed\" > 0", "Strike (size: people killed)"},
                {"ELSE", "Strike, toll not stated"}};
    header(sb, false);
    sb_printf(sb, "<renderer-v2 type=\"RuleRenderer\" symbollevels=\"0\" forceraster=\"0\" "
                  "enableorderby=\"1\" referencescale=\"-1\">\n");
    rules(sb, "strikes", r, 2);
    sb_printf(sb, "  <symbols>\n");
    symbol(sb, 0, &known, 1);
    symbol(sb, 1, unknown, 2);
    sb_printf(sb, "  </symbols>\n"
                  "  <orderby>\n"
                  "    <orderByClause asc=\"0\" nullsFirst=\"0\">\"killed\"</orderByClause>\n"
                  "  </orderby>\n"
                  "</renderer-v2>\n");
}

static void meetings(sbuf *sb)
{
    char blue[24], pale[24], halo[24];
    rgba(blue, EVM_STYLE_MEETING, 255);
    rgba(pale, EVM_STYLE_MEETING, 90);
    rgba(halo, "#ffffff", 242);
    marker held = {"star", blue, halo, "solid", 0.3, 5.0, NULL};
    /* planned: the same star, pale with a dashed outline */
    marker planned = {"star", pale, blue, "dash", 0.45, 5.0, NULL};
    rule r[] = {{"\"status\" = 'planned'", "Meeting, planned"}, {"ELSE", "Meeting"}};
    header(sb, false);
    sb_printf(sb, "<renderer-v2 type=\"RuleRenderer\" symbollevels=\"0\" forceraster=\"0\" "
                  "enableorderby=\"0\" referencescale=\"-1\">\n");
    rules(sb, "meetings", r, 2);
    sb_printf(sb, "  <symbols>\n");
    symbol(sb, 0, &planned, 1);
    symbol(sb, 1, &held, 1);
    sb_printf(sb, "  </symbols>\n"
                  "</renderer-v2>\n");
}

static void places(sbuf *sb)
{
    char dark[24], halo[24];
    rgba(dark, EVM_STYLE_PLACE, 255);
    rgba(halo, "#ffffff", 230);
    /* capitals: a dot in a ring on a white disc; other places: a dot */
    marker ring[] = {{"circle", halo, dark, "solid", 0.37, 2.4, NULL},
                     {"circle", dark, dark, "no", 0.0, 1.05, NULL}};
    marker dot = {"circle", dark, halo, "solid", 0.26, 1.5, NULL};
    rule r[] = {{"\"capital\"", "National capital"}, {"ELSE", "Place"}};
    header(sb, true);
    sb_printf(sb, "<renderer-v2 type=\"RuleRenderer\" symbollevels=\"0\" forceraster=\"0\" "
                  "enableorderby=\"0\" referencescale=\"-1\">\n");
    rules(sb, "places", r, 2);
    sb_printf(sb, "  <symbols>\n");
    symbol(sb, 0, ring, 2);
    symbol(sb, 1, &dot, 1);
    sb_printf(sb, "  </symbols>\n"
                  "</renderer-v2>\n");
    place_labels(sb);
}

char *evm_style_qml(evm_layer_kind kind)
{
    sbuf sb = {0};
    switch (kind) {
    case EVM_LAYER_STRIKES:
        strikes(&sb);
        break;
    case EVM_LAYER_MEETINGS:
        meetings(&sb);
        break;
    case EVM_LAYER_PLACES:
    default:
        places(&sb);
        break;
    }
    sb_printf(&sb, "</qgis>\n");
    return sb.s;
}
