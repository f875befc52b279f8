/* event.c: event extraction (stage 5, after resolve): finds strikes and meetings sentence by
 * sentence, attaches each to the place it happened at, dates and counts it, names its
 * participants, and merges the mentions of one event (see event.h, docs/events.md). */
#include "event.h"

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "count.h"
#include "when.h"

/* ---- token helpers ---------------------------------------------------------------------- */

typedef const char *const wordlist[];

static size_t tlen(const evm_doc *d, uint32_t t)
{
    return d->tokens[t].end - d->tokens[t].start;
}

static const char *ttext(const evm_doc *d, uint32_t t)
{
    return d->text + d->tokens[t].start;
}

/* Token t is the word w, ignoring ASCII case and a final abbreviation period. */
static bool teq(const evm_doc *d, uint32_t t, const char *w)
{
    if (t >= d->n_tokens || d->tokens[t].kind != EVM_TOK_WORD)
        return false;
    /* most calls fail on the first letter (w is lowercase) */
    char c0 = ttext(d, t)[0];
    if ((c0 >= 'A' && c0 <= 'Z' ? c0 - 'A' + 'a' : c0) != w[0])
        return false;
    size_t n = tlen(d, t), wl = strlen(w);
    if (n == wl + 1 && ttext(d, t)[wl] == '.')
        n = wl;
    return n == wl && strncasecmp(ttext(d, t), w, n) == 0;
}

/* Every word list below has a bit; each token's bits are looked up once per document (see
 * token_flags) and kept for the thread running the extraction. */
enum {
    B_missile_words,
    B_missile_quals,
    B_drone_words,
    B_rocket_words,
    B_artillery_words,
    B_air_words,
    B_bomb_words,
    B_bomb_quals,
    B_bombing_words,
    B_attack_words,
    B_casualty_words,
    B_labour_context,
    B_modal_words,
    B_intercept_words,
    B_damage_words,
    B_fillers,
    B_strike_preps,
    B_strike_blockers,
    B_passive_aux,
    B_passive_hits,
    B_remote_words,
    B_meeting_preps,
    B_diplomatic_words,
    B_strike_vetoes,
    B_travel_words,
    B_meeting_blockers,
    B_planned_words,
    B_force_words,
    B_launch_verbs,
    B_role_heads,
    B_role_mods,
    B_name_stop,
    B_comment_verbs,
    B_temporal_conj,
    B_other_demonyms,
    B_name_particles,
    B_report_verbs,
    B_duration_words,
    B_after_be,
    B_plan_words,
    B_be_words,
    B_civil_talks,
    B_other_causes,
    B_mourning,
    B_calendar_words,
    B_function_words,
    B_strike_nouns,
    B_ballistic_models,
    B_cruise_models,
    B_hypersonic_models,
    B_figurative_objects,
    B_demonyms,
    B_meeting_words,
    B_victim_nouns,
    B_COUNT
};
#define BIT(name) (1ull << B_##name)
_Static_assert(B_COUNT <= 64, "one bit per word list");

static _Thread_local const uint64_t *tl_flags;
static _Thread_local const evm_doc *tl_doc;

/* Token t is in one of the word lists of `bits` (ASCII case ignored, as teq). */
static bool tin(const evm_doc *d, uint32_t t, uint64_t bits)
{
    return t < d->n_tokens && d == tl_doc && (tl_flags[t] & bits) != 0;
}

static bool tpunct(const evm_doc *d, uint32_t t, char c)
{
    return t < d->n_tokens && d->tokens[t].kind == EVM_TOK_PUNCT && tlen(d, t) == 1 &&
           ttext(d, t)[0] == c;
}

static bool tcap(const evm_doc *d, uint32_t t)
{
    return t < d->n_tokens && d->tokens[t].kind == EVM_TOK_WORD &&
           (d->tokens[t].flags & EVM_TOKF_CAP);
}

/* ---- vocabulary ------------------------------------------------------------------------- */

/* Weapons: the word, the weapon it names, and its class. */
typedef enum wclass { W_NONE = 0, W_MISSILE, W_DRONE, W_AIR, W_ARTILLERY, W_BOMBING } wclass;

static wordlist missile_words = {"missile", "missiles", NULL};
static wordlist strike_nouns = {"strike", "strikes", NULL};
/* Missiles named by model: the kind they are. */
static wordlist ballistic_models = {"iskander", "iskanders", "iskander-m", "kn-23",
                                    "atacms",   "scud",      "scuds",      NULL};
static wordlist cruise_models = {"kalibr",    "kalibrs",      "kh-101", "kh-555", "tomahawk",
                                 "tomahawks", "storm-shadow", "taurus", NULL};
static wordlist hypersonic_models = {"kinzhal", "kinzhals", "zircon", "oreshnik", NULL};
static wordlist missile_quals = {"ballistic", "cruise", "hypersonic", "anti-ship", NULL};
static wordlist drone_words = {"drone",   "drones",     "uav",   "uavs",     "shahed",
                               "shaheds", "shahed-136", "geran", "geran-2",  "gerans",
                               "lancet",  "lancets",    "fpv",   "kamikaze", NULL};
static wordlist rocket_words = {"rocket", "rockets", "grad",     "grads",  "himars",
                                "uragan", "smerch",  "katyusha", "qassam", NULL};
static wordlist artillery_words = {"shelling", "shelled",  "shells",    "artillery", "mortar",
                                   "mortars",  "howitzer", "howitzers", "mlrs",      NULL};
static wordlist air_words = {"airstrike",  "airstrikes",  "warplane", "warplanes", "bombers",
                             "air-strike", "air-strikes", "gunships", NULL};
static wordlist bomb_words = {"bomb", "bombs", NULL};
static wordlist bomb_quals = {"glide", "guided", "aerial", "cluster", "barrel", NULL};
static wordlist bombing_words = {"bombing",   "bombings",     "bombed", "bombardment",
                                 "bombarded", "bombardments", NULL};
static wordlist attack_words = {"attack",   "attacks",   "attacked", "attacking", "struck",
                                "hit",      "hits",      "hitting",  "pounded",   "pounding",
                                "targeted", "targeting", "barrage",  "raid",      "raids",
                                "rocked",   "shook",     "rattled",  NULL};
static wordlist casualty_words = {"killed",    "killing",  "kills",    "dead",     "died",
                                  "wounded",   "wounding", "injured",  "injuring", "casualties",
                                  "destroyed", "damaged",  "damaging", NULL};
static wordlist labour_context = {"hunger",    "general",  "labor",   "labour",  "workers",
                                  "union",     "unions",   "walkout", "pickets", "nationwide",
                                  "lightning", "teachers", "doctors", NULL};
static wordlist modal_words = {"might", "could",  "would", "will",  "to", "can",
                               "may",   "should", "must",  "shall", NULL};
static wordlist intercept_words = {"intercepted",   "intercept",   "intercepting", "downed",
                                   "repelled",      "neutralised", "neutralized",  "interception",
                                   "interceptions", NULL};
static wordlist damage_words = {"damaged", "damaging", "killed", "killing", "injured", "injuring",
                                "wounded", "wounding", "debris", "fire",    "fires",   "blaze",
                                "hit",     "struck",   "dead",   "died",    NULL};

/* Words between a preposition and the place it introduces ("in the Ukrainian city of"). */
static wordlist fillers = {
    "the",          "city",         "town",         "village",     "region",       "oblast",
    "province",     "district",     "of",           "capital",     "port",         "settlement",
    "centre",       "center",       "outskirts",    "suburb",      "suburbs",      "cities",
    "towns",        "villages",     "regions",      "areas",       "area",         "eastern",
    "western",      "southern",     "northern",     "central",     "northeastern", "northeastern",
    "southeastern", "northwestern", "southwestern", "frontline",   "front-line",   "border",
    "downtown",     "heart",        "historic",     "industrial",  "residential",  "small",
    "big",          "major",        "key",          "besieged",    "embattled",    "palace",
    "presidential", "hotel",        "headquarters", "residence",   "airport",      "a",
    "an",           "nearby",       "neighbouring", "neighboring", "coastal",      "southern",
    "home",         "native",       "both",         NULL};
static wordlist strike_preps = {
    "in",        "on",       "at",        "near",   "outside", "against",  "into",
    "targeting", "targeted", "hit",       "struck", "hitting", "striking", "pounded",
    "shelled",   "attacked", "across",    "upon",   "bombed",  "pounding", "rocked",
    "shook",     "rattled",  "attacking", "around", "toward",  "towards",  NULL};
static wordlist strike_blockers = {
    "said",    "says",      "told",     "saying",     "speaking",   "spoke",      "while",
    "during",  "after",     "before",   "when",       "meeting",    "met",        "talks",
    "summit",  "visit",     "visiting", "conference", "interview",  "statement",  "because",
    "since",   "although",  "though",   "whereas",    "from",       "launched",   "fired",
    "over",    "condemned", "condemns", "denounced",  "criticised", "criticized", "urged",
    "mourned", "discussed", "praised",  NULL};
/* People named by where they live: "killed four residents of Kharkiv" strikes Kharkiv. */
static wordlist victim_nouns = {"residents",  "inhabitants", "civilians", "people",
                                "villagers",  "citizens",    "locals",    "townspeople",
                                "passengers", NULL};
static wordlist passive_aux = {"was",  "were",  "has",        "have", "had", "been",
                               "came", "come",  "comes",      "is",   "are", "again",
                               "also", "under", "repeatedly", NULL};
static wordlist passive_hits = {"hit",     "struck", "attacked", "shelled",   "bombed", "targeted",
                                "pounded", "attack", "fire",     "bombarded", NULL};

/* Meeting words: nouns and verbs, with the subtype and CAMEO code they give. */
typedef struct mword {
    const char *word;
    const char *subtype;
    const char *cameo;
    int need; /* 0 none, 1 a person after it (welcome, receive), 2 a travel preposition,
               * 3 diplomats around it (crowds gather too) */
} mword;

static const mword meeting_words[] = {
    {"talks", "talks", "046", 0},       {"talk", "talks", "046", 0},
    {"talked", "talks", "046", 0},      {"negotiations", "talks", "046", 0},
    {"negotiated", "talks", "046", 0},  {"negotiate", "talks", "046", 0},
    {"meeting", "meeting", "044", 0},   {"meetings", "meeting", "044", 0},
    {"meet", "meeting", "044", 0},      {"meets", "meeting", "044", 0},
    {"met", "meeting", "044", 0},       {"gathering", "meeting", "044", 3},
    {"encounter", "meeting", "044", 0}, {"gathered", "meeting", "044", 3},
    {"convened", "meeting", "044", 3},  {"convene", "meeting", "044", 3},
    {"summit", "summit", "044", 0},     {"conference", "meeting", "044", 0},
    {"visit", "visit", "042", 0},       {"visits", "visit", "042", 0},
    {"visited", "visit", "042", 0},     {"visiting", "visit", "042", 0},
    {"trip", "visit", "042", 0},        {"hosted", "visit", "043", 1},
    {"hosts", "visit", "043", 1},       {"host", "visit", "043", 1},
    {"hosting", "visit", "043", 1},     {"welcomed", "visit", "043", 1},
    {"welcome", "visit", "043", 1},     {"welcomes", "visit", "043", 1},
    {"welcoming", "visit", "043", 1},   {"received", "visit", "043", 1},
    {"receives", "visit", "043", 1},    {"arrived", "visit", "042", 2},
    {"arrives", "visit", "042", 2},     {"arriving", "visit", "042", 2},
    {"travelled", "visit", "042", 2},   {"traveled", "visit", "042", 2},
    {"travels", "visit", "042", 2},     {"flew", "visit", "042", 2},
    {"came", "visit", "042", 2},        {"headed", "visit", "042", 2},
    {"travel", "visit", "042", 2},      {NULL, NULL, NULL, 0}};
static wordlist remote_words = {
    "phone",           "telephone", "call",      "calls",  "phoned",     "video",
    "videoconference", "virtual",   "virtually", "online", "video-link", NULL};
static wordlist meeting_preps = {"in", "at", NULL};
/* Words a spotter may mistake for a place at the start of a sentence ("A summit ..."). */
static wordlist function_words = {
    "a",    "an",   "the", "on",  "in",  "at",  "of",  "to",  "by",  "as",    "it",
    "he",   "she",  "we",  "i",   "his", "her", "but", "and", "for", "with",  "from",
    "this", "that", "no",  "not", "so",  "if",  "or",  "its", "our", "their", NULL};
/* What "struck" or "hit" takes when it is not an attack. */
static wordlist figurative_objects = {
    "deal",    "agreement", "compromise", "balance",   "chord", "note", "tone",
    "pact",    "bargain",   "accord",     "record",    "high",  "low",  "peak",
    "snag",    "nerve",     "jackpot",    "headlines", "back",  "home", "market",
    "shelves", "screens",   "stores",     "town",      NULL};
static wordlist calendar_words = {"january",  "february", "march",    "april",     "may",
                                  "june",     "july",     "august",   "september", "october",
                                  "november", "december", "monday",   "tuesday",   "wednesday",
                                  "thursday", "friday",   "saturday", "sunday",    NULL};
/* "the funeral of", "the memory of": a person named after them is not present. */
static wordlist mourning = {"funeral", "death", "memory", "killing", "assassination", "burial",
                            "honour",  "honor", "wake",   "murder",  "memorial",      NULL};
/* Deaths that are not a strike's. */
static wordlist other_causes = {
    "crash",    "accident",  "collision", "flood",     "floods",      "earthquake",   "drowned",
    "shooting", "stabbing",  "gunman",    "storm",     "heatwave",    "outbreak",     "disease",
    "virus",    "hackers",   "hacker",    "cyber",     "cyberattack", "cyberattacks", "ransomware",
    "tornado",  "hurricane", "wildfire",  "landslide", "lightning",   "quake",        "explosion",
    "blast",    "gas",       NULL};
/* What local news negotiates: these talks are not diplomacy. */
static wordlist civil_talks = {"budget",   "contract",  "labor", "labour",   "union",  "wage",
                               "salary",   "merger",    "pay",   "zoning",   "school", "lease",
                               "business", "education", "youth", "property", "tax",    NULL};
/* Words that make a meeting diplomatic when no person is named. */
static wordlist diplomatic_words = {
    "delegation", "delegations", "ministers",   "minister",     "envoy",
    "envoys",     "diplomats",   "diplomat",    "negotiators",  "president",
    "presidents", "allies",      "counterpart", "counterparts", "foreign",
    "countries",  "nations",     "governments", "ambassador",   "ambassadors",
    "peace",      "ceasefire",   "truce",       "sides",        "prime",
    "chancellor", "king",        "secretary",   "premier",      "bilateral",
    "diplomatic", "embassy",     "kremlin",     "ministry",     "statesmen",
    "heads",      "foreign",     NULL};
/* Weapons that are tested, made, sold or paraded did not strike anything. */
static wordlist strike_vetoes = {
    "test",       "tests",     "tested",     "test-fired", "test-launched", "drill",
    "drills",     "exercise",  "exercises",  "parade",     "factory",       "factories",
    "production", "produce",   "produced",   "supply",     "supplies",      "supplied",
    "deliver",    "delivered", "deliveries", "shipment",   "shipments",     "purchase",
    "purchased",  "bought",    "sold",       "sell",       "manufacture",   "manufactured",
    "export",     "exports",   "stockpile",  "arsenal",    "donated",       "pledged",
    "deployment", "deployed",  "deploy",     "deploying",  "stationed",     "positioned",
    "system",     "systems",   "launcher",   "launchers",  "defense",       "defence",
    "installed",  "install",   "installing", "based",      "armed",         "equipped",
    NULL};
static wordlist travel_words = {"travelled", "traveled", "travels", "came",    "flew",    "visit",
                                "trip",      "headed",   "went",    "arrived", "arrives", "journey",
                                "returned",  "arriving", "come",    "travel",  "visits",  NULL};
static wordlist meeting_blockers = {
    "said",    "says",     "told",      "saying", "speaking", "spoke",  "after", "before", "since",
    "because", "although", "following", "attack", "strike",   "killed", "from",  NULL};
static wordlist planned_words = {
    "will",  "would",    "shall", "upcoming", "planned",  "scheduled", "proposed",
    "next",  "expected", "due",   "set",      "plans",    "plan",      "intends",
    "hopes", "agreed",   "going", "prepare",  "prepares", "preparing", NULL};

/* Demonyms that name an attacker, and the country they stand for. */
static const char *const demonyms[][2] = {{"russian", "Russia"},
                                          {"ukrainian", "Ukraine"},
                                          {"israeli", "Israel"},
                                          {"iranian", "Iran"},
                                          {"american", "United States"},
                                          {"syrian", "Syria"},
                                          {"turkish", "Turkey"},
                                          {"saudi", "Saudi Arabia"},
                                          {"saudi-led", "Saudi Arabia"},
                                          {"pakistani", "Pakistan"},
                                          {"indian", "India"},
                                          {"chinese", "China"},
                                          {"lebanese", "Lebanon"},
                                          {"yemeni", "Yemen"},
                                          {"iraqi", "Iraq"},
                                          {"sudanese", "Sudan"},
                                          {"british", "United Kingdom"},
                                          {"french", "France"},
                                          {"azerbaijani", "Azerbaijan"},
                                          {"armenian", "Armenia"},
                                          {"houthi", "Houthis"},
                                          {"u.s.", "United States"},
                                          {"us", "United States"},
                                          {"u.s", "United States"},
                                          {"u.s.-led", "United States"},
                                          {"belarusian", "Belarus"},
                                          {"ethiopian", "Ethiopia"},
                                          {"burmese", "Myanmar"},
                                          {"myanmar", "Myanmar"},
                                          {"egyptian", "Egypt"},
                                          {"jordanian", "Jordan"},
                                          {"libyan", "Libya"},
                                          {"afghan", "Afghanistan"},
                                          {"somali", "Somalia"},
                                          {"nigerian", "Nigeria"},
                                          {"german", "Germany"},
                                          {NULL, NULL}};
static wordlist force_words = {"forces",    "troops",   "army",      "military", "jets", "aircraft",
                               "warplanes", "soldiers", "artillery", "navy",     "air",  NULL};
static wordlist launch_verbs = {"launched", "fired",   "attacked", "struck",    "hit",
                                "shelled",  "bombed",  "pounded",  "targeted",  "launches",
                                "fires",    "attacks", "strikes",  "unleashed", NULL};

/* People: role heads, role modifiers, and words that are never part of a name. */
static wordlist role_heads = {"president",
                              "minister",
                              "secretary",
                              "envoy",
                              "ambassador",
                              "chancellor",
                              "king",
                              "queen",
                              "prince",
                              "emir",
                              "sheikh",
                              "spokesman",
                              "spokeswoman",
                              "spokesperson",
                              "adviser",
                              "advisor",
                              "chief",
                              "head",
                              "leader",
                              "general",
                              "gen",
                              "commander",
                              "governor",
                              "mayor",
                              "senator",
                              "sen",
                              "rep",
                              "director",
                              "chairman",
                              "chairwoman",
                              "premier",
                              "pope",
                              "negotiator",
                              "diplomat",
                              "representative",
                              "commissioner",
                              "mr",
                              "mrs",
                              "ms",
                              "dr",
                              "secretary-general",
                              "vice-president",
                              "counterpart",
                              "lt",
                              "col",
                              "colonel",
                              "admiral",
                              "marshal",
                              NULL};
static wordlist role_mods = {
    "of",       "for",          "and",        "the",          "state",     "affairs",  "special",
    "foreign",  "defence",      "defense",    "national",     "security",  "interior", "finance",
    "economy",  "trade",        "prime",      "deputy",       "vice",      "first",    "senior",
    "top",      "staff",        "office",     "presidential", "white",     "house",    "executive",
    "united",   "nations",      "commission", "council",      "high",      "acting",   "former",
    "military", "intelligence", "energy",     "health",       "justice",   "economic", "chief",
    "european", "union",        "general",    "external",     "relations", "armed",    "forces",
    "joint",    "supreme",      "assistant",  "principal",    "press",     "lead",     "policy",
    "ministry", "presidency",   "kremlin",    "adviser",      "advisor",   "cabinet",  NULL};
static wordlist name_stop = {"the",
                             "a",
                             "an",
                             "but",
                             "and",
                             "on",
                             "in",
                             "at",
                             "for",
                             "of",
                             "to",
                             "with",
                             "by",
                             "as",
                             "after",
                             "before",
                             "during",
                             "while",
                             "when",
                             "late",
                             "early",
                             "last",
                             "next",
                             "this",
                             "that",
                             "these",
                             "those",
                             "it",
                             "he",
                             "she",
                             "they",
                             "we",
                             "i",
                             "his",
                             "her",
                             "their",
                             "its",
                             "our",
                             "there",
                             "here",
                             "however",
                             "meanwhile",
                             "top",
                             "both",
                             "unfortunately",
                             "news",
                             "ministry",
                             "office",
                             "council",
                             "party",
                             "forces",
                             "army",
                             "agency",
                             "times",
                             "post",
                             "tv",
                             "telegram",
                             "union",
                             "monday",
                             "tuesday",
                             "wednesday",
                             "thursday",
                             "friday",
                             "saturday",
                             "sunday",
                             "january",
                             "february",
                             "march",
                             "april",
                             "may",
                             "june",
                             "july",
                             "august",
                             "september",
                             "october",
                             "november",
                             "december",
                             "jan",
                             "feb",
                             "mar",
                             "apr",
                             "jun",
                             "jul",
                             "aug",
                             "sep",
                             "sept",
                             "oct",
                             "nov",
                             "dec",
                             "according",
                             "if",
                             "so",
                             "yet",
                             "also",
                             "then",
                             "thus",
                             "since",
                             "until",
                             "although",
                             "though",
                             "what",
                             "who",
                             "which",
                             "why",
                             "how",
                             "where",
                             "all",
                             "some",
                             "many",
                             "most",
                             "several",
                             "no",
                             "not",
                             "one",
                             "two",
                             "three",
                             "earlier",
                             "later",
                             "today",
                             "yesterday",
                             "tomorrow",
                             "overnight",
                             "just",
                             "only",
                             "even",
                             "still",
                             "now",
                             "kremlin",
                             "pentagon",
                             "elysee",
                             "palace",
                             "house",
                             "street",
                             "university",
                             "institute",
                             "court",
                             "parliament",
                             "senate",
                             "congress",
                             "nations",
                             "security",
                             "bank",
                             "fund",
                             "group",
                             "organization",
                             "organisation",
                             "committee",
                             "company",
                             "press",
                             "radio",
                             "network",
                             "service",
                             "reuters",
                             "afp",
                             "ap",
                             "fox",
                             "cnn",
                             "bbc",
                             "nato",
                             "un",
                             "eu",
                             "coalition",
                             "western",
                             "eastern",
                             "northern",
                             "southern",
                             "central",
                             "prime",
                             "state",
                             "foreign",
                             "defence",
                             "defense",
                             "special",
                             "national",
                             "god",
                             "christmas",
                             "easter",
                             "ramadan",
                             "islamic",
                             "hamas",
                             "hezbollah",
                             "houthis",
                             "taliban",
                             "americans",
                             "europeans",
                             "air",
                             "defense",
                             "ministers",
                             "officials",
                             "minister",
                             "president",
                             "forum",
                             "summit",
                             "talks",
                             "world",
                             "war",
                             "peace",
                             "club",
                             "festival",
                             "arena",
                             "center",
                             "centre",
                             "school",
                             "college",
                             "hospital",
                             "church",
                             "county",
                             "association",
                             "foundation",
                             "society",
                             "museum",
                             "library",
                             "department",
                             "board",
                             "corporation",
                             "inc",
                             "llc",
                             "ltd",
                             "airlines",
                             "airport",
                             "hotel",
                             "square",
                             "band",
                             "class",
                             "channel",
                             "authority",
                             "hall",
                             "regiment",
                             "division",
                             "brigade",
                             "battalion",
                             "corps",
                             "olympics",
                             "games",
                             "community",
                             "education",
                             "water",
                             "planning",
                             "regional",
                             "memorial",
                             "international",
                             "global",
                             "research",
                             "high",
                             "middle",
                             "elementary",
                             "academy",
                             "district",
                             "river",
                             "lake",
                             "mountain",
                             "park",
                             "road",
                             "avenue",
                             "bridge",
                             "station",
                             "television",
                             "magazine",
                             "journal",
                             "daily",
                             "herald",
                             "tribune",
                             "gazette",
                             "review",
                             "company",
                             "residence",
                             "free",
                             "money",
                             "film",
                             "city",
                             "town",
                             "village",
                             "island",
                             "valley",
                             "beach",
                             "north",
                             "south",
                             "east",
                             "west",
                             "new",
                             "old",
                             "great",
                             "upper",
                             "lower",
                             "police",
                             "authorities",
                             "officials",
                             "investigators",
                             "protesters",
                             "troops",
                             "soldiers",
                             "rebels",
                             "militants",
                             "residents",
                             "students",
                             "officers",
                             "experts",
                             "scientists",
                             "researchers",
                             "reporters",
                             "journalists",
                             "activists",
                             "lawmakers",
                             "voters",
                             "workers",
                             "delegates",
                             "delegation",
                             "members",
                             "leaders",
                             "government",
                             "navy",
                             "witnesses",
                             "medics",
                             "rescuers",
                             "firefighters",
                             "doctors",
                             "day",
                             "parade",
                             "week",
                             "games",
                             "cup",
                             "prize",
                             "award",
                             NULL};
/* Verbs whose subject comments on a meeting rather than takes part in it. */
static wordlist comment_verbs = {
    "dismissed", "dismisses",  "criticised", "criticized", "criticises", "criticizes", "condemned",
    "condemns",  "urged",      "urges",      "asked",      "asks",       "praised",    "praises",
    "hailed",    "hails",      "rejected",   "rejects",    "slammed",    "slams",      "warned",
    "warns",     "called",     "calls",      "denounced",  "denounces",  "accused",    "accuses",
    "mocked",    "questioned", "blasted",    "derided",    "downplayed", "ridiculed",  "demanded",
    "demands",   "appealed",   "appeals",    "noted",      NULL};
static wordlist temporal_conj = {"since",  "until", "when", "after",
                                 "before", "while", "once", NULL};

/* ---- people ------------------------------------------------------------------------------ */

typedef struct person {
    const char *name; /* as first written in full */
    const char *surname;
    const char *role; /* "" when none */
} person;

typedef struct occurrence {
    uint32_t tok, ntok;
    int32_t person;
    bool possessive;
} occurrence;

/* Per-document working state. */
typedef struct ctx {
    evm_doc *doc;
    bool doc_weapons;       /* the article names a weapon somewhere */
    int64_t last_strike;    /* the last sentence about a strike, -1 */
    const char *last_actor; /* the last attacker named in a strike sentence */
    uint32_t last_actor_sentence;
    bool doc_diplomatic;   /* the article uses diplomatic words (three or more) */
    size_t *by_sentence;   /* mention indexes ordered by sentence, then position */
    size_t *sent_mentions; /* sentence -> first slot in by_sentence (n_sentences + 1) */
    int32_t *tok_mention;  /* token -> mention index, -1 */
    bool *tok_named;       /* token already part of a person occurrence */
    person *people;
    size_t n_people, cap_people;
    occurrence *occ;
    size_t n_occ, cap_occ;
} ctx;

/* Demonyms that are not attackers in the table above, for telling names from adjectives. */
static wordlist other_demonyms = {
    "polish",     "italian",     "spanish",    "dutch",      "swedish",     "norwegian",
    "danish",     "finnish",     "greek",      "hungarian",  "romanian",    "bulgarian",
    "serbian",    "croatian",    "czech",      "slovak",     "austrian",    "swiss",
    "belgian",    "canadian",    "mexican",    "brazilian",  "argentine",   "japanese",
    "korean",     "vietnamese",  "thai",       "indonesian", "filipino",    "australian",
    "european",   "african",     "asian",      "arab",       "palestinian", "kenyan",
    "georgian",   "moldovan",    "lithuanian", "latvian",    "estonian",    "kazakh",
    "uzbek",      "qatari",      "emirati",    "kuwaiti",    "omani",       "bahraini",
    "irish",      "scottish",    "welsh",      "portuguese", "slovenian",   "albanian",
    "bosnian",    "kosovar",     "taiwanese",  "malaysian",  "chilean",     "colombian",
    "venezuelan", "cuban",       "peruvian",   "soviet",     "western",     "eastern",
    "nordic",     "baltic",      "kurdish",    "tunisian",   "algerian",    "moroccan",
    "malian",     "congolese",   "rwandan",    "ugandan",    "eritrean",    "ghanaian",
    "senegalese", "cameroonian", "tanzanian",  "zimbabwean", "angolan",     NULL};

static bool demonym_like(const evm_doc *d, uint32_t t)
{
    return tcap(d, t) && tin(d, t, BIT(demonyms) | BIT(other_demonyms));
}

/* A token that can be part of a person's name. */
static bool name_token(const ctx *c, uint32_t t, bool allow_place)
{
    const evm_doc *d = c->doc;
    if (!tcap(d, t) || (d->tokens[t].flags & EVM_TOKF_UPPER) || tlen(d, t) < 2)
        return false;
    if (tin(d, t, BIT(name_stop)) || tin(d, t, BIT(role_heads)) || tin(d, t, BIT(role_mods)) ||
        demonym_like(d, t))
        return false;
    if (!allow_place && c->tok_mention[t] >= 0)
        return false;
    return true;
}

static int32_t person_find(const ctx *c, const char *name)
{
    for (size_t i = 0; i < c->n_people; i++)
        if (!strcmp(c->people[i].name, name))
            return (int32_t)i;
    return -1;
}

static int32_t person_by_surname(const ctx *c, const char *s, size_t n)
{
    for (size_t i = 0; i < c->n_people; i++)
        if (strlen(c->people[i].surname) == n && !strncmp(c->people[i].surname, s, n))
            return (int32_t)i;
    /* a family name written first ("Xi" for Xi Jinping): the first word of a two-word name
     * that is nobody's surname */
    for (size_t i = 0; i < c->n_people; i++) {
        const char *nm = c->people[i].name, *sp = strchr(nm, ' ');
        if (sp && (size_t)(sp - nm) == n && !strncmp(nm, s, n) && !strchr(sp + 1, ' '))
            return (int32_t)i;
    }
    return -1;
}

static void add_occurrence(ctx *c, uint32_t tok, uint32_t ntok, int32_t p)
{
    for (uint32_t t = tok; t < tok + ntok; t++)
        c->tok_named[t] = true;
    evm_grow((void **)&c->occ, &c->cap_occ, c->n_occ + 1, sizeof *c->occ);
    occurrence *o = &c->occ[c->n_occ++];
    o->tok = tok;
    o->ntok = ntok;
    o->person = p;
    o->possessive = (c->doc->tokens[tok + ntok - 1].flags & EVM_TOKF_POSSESSIVE) != 0;
}

/* Registers the person named by tokens [tok, tok+ntok) with a role text (or NULL). */
static void add_person(ctx *c, uint32_t tok, uint32_t ntok, const char *role, size_t role_len)
{
    evm_doc *d = c->doc;
    char *name = evm_doc_strndup(d, d->text + d->tokens[tok].start,
                                 d->tokens[tok + ntok - 1].end - d->tokens[tok].start);
    int32_t p = person_find(c, name);
    if (p < 0 && ntok == 1)
        p = person_by_surname(c, name, strlen(name));
    if (p < 0) {
        evm_grow((void **)&c->people, &c->cap_people, c->n_people + 1, sizeof *c->people);
        person *q = &c->people[c->n_people];
        q->name = name;
        uint32_t last = tok + ntok - 1;
        q->surname = evm_doc_strndup(d, ttext(d, last), tlen(d, last));
        q->role = "";
        p = (int32_t)c->n_people++;
    }
    if (role && role_len && !c->people[p].role[0])
        c->people[p].role = evm_doc_strndup(d, role, role_len);
    add_occurrence(c, tok, ntok, p);
}

/* The consecutive name tokens from t (at most 4, ending at a possessive). */
static wordlist name_particles = {"bin", "ibn", "al", "el", "de",  "van", "von", "der", "da",
                                  "di",  "la",  "le", "du", "dos", "del", "ben", NULL};

static uint32_t name_run(const ctx *c, uint32_t t, uint32_t end, bool allow_place)
{
    uint32_t n = 0;
    while (t + n < end && n < 5 &&
           (name_token(c, t + n, allow_place) ||
            (n > 0 && !tcap(c->doc, t + n) && tin(c->doc, t + n, BIT(name_particles)) &&
             name_token(c, t + n + 1, allow_place)))) {
        n++;
        if (c->doc->tokens[t + n - 1].flags & EVM_TOKF_POSSESSIVE)
            break;
        /* names are written together: stop at a gap such as a line break or punctuation */
        if (t + n < end && !(c->doc->tokens[t + n].flags & EVM_TOKF_SPACE_BEFORE))
            break;
    }
    return n;
}

/* People named with a role: "French President Emmanuel Macron", "Keith Kellogg, the U.S.
 * envoy for Ukraine,". */
/* A headline in title case ("Film Festival Director Visits Columbia"): its capitals say
 * nothing about names. */
static bool title_case(const evm_doc *d, const evm_sentence *s)
{
    uint32_t caps = 0;
    for (uint32_t t = s->tok_first + 1; t < s->tok_first + s->tok_count; t++)
        if (d->tokens[t].kind == EVM_TOK_WORD && tlen(d, t) >= 4) {
            if (!tcap(d, t))
                return false;
            caps++;
        }
    return caps >= 3;
}

static void find_titled_people(ctx *c, const evm_sentence *s)
{
    evm_doc *d = c->doc;
    uint32_t first = s->tok_first, end = s->tok_first + s->tok_count;
    if (title_case(d, s))
        return;
    for (uint32_t h = first; h < end; h++) {
        if (c->tok_named[h] || !tin(d, h, BIT(role_heads)))
            continue;
        /* the role's start: modifiers, places, demonyms, acronyms, possessors before it */
        uint32_t rs = h;
        bool possessor = false; /* inside "U.S. President Donald Trump's" */
        while (rs > first && h - rs < 10) {
            uint32_t p = rs - 1;
            if (c->tok_named[p] && (d->tokens[p].flags & EVM_TOKF_POSSESSIVE))
                possessor = true;
            else if (c->tok_named[p] && !possessor)
                break;
            bool ok = (tcap(d, p) &&
                       (!tin(d, p, BIT(name_stop)) || (possessor && tin(d, p, BIT(role_heads))))) ||
                      (tin(d, p, BIT(role_mods)) && !teq(d, p, "the") && !teq(d, p, "and") &&
                       !teq(d, p, "of") && !teq(d, p, "for")) ||
                      (tcap(d, p) &&
                       (teq(d, p, "state") || teq(d, p, "kremlin") || teq(d, p, "elysee") ||
                        teq(d, p, "foreign") || teq(d, p, "defence") || teq(d, p, "defense") ||
                        teq(d, p, "prime") || teq(d, p, "special") || teq(d, p, "national")));
            if (!ok)
                break;
            rs = p;
        }
        /* the role's end: modifiers, places, "to/for <place>" after the head */
        uint32_t re = h + 1;
        while (re < end) {
            if (tin(d, re, BIT(role_heads)) && !teq(d, re, "general") && !teq(d, re, "chief"))
                break;
            bool mod = tin(d, re, BIT(role_mods)) &&
                       !(tcap(d, re) && name_token(c, re, true) && !tin(d, re, BIT(role_mods)));
            bool place = c->tok_mention[re] >= 0 && tcap(d, re) &&
                         (teq(d, re - 1, "for") || teq(d, re - 1, "of") || teq(d, re - 1, "to") ||
                          teq(d, re - 1, "and"));
            bool to_place = (teq(d, re, "to") || teq(d, re, "for")) && re + 1 < end &&
                            c->tok_mention[re + 1] >= 0;
            if (place) {
                const evm_mention *pm = &d->mentions[c->tok_mention[re]];
                re = pm->tok_first + pm->tok_count;
                continue;
            }
            if (to_place) {
                const evm_mention *pm = &d->mentions[c->tok_mention[re + 1]];
                re = pm->tok_first + pm->tok_count;
                continue;
            }
            if (!mod && !place)
                break;
            /* a lowercase "and"/"of" must lead on to more of the role */
            if ((teq(d, re, "and") || teq(d, re, "of") || teq(d, re, "for") || teq(d, re, "the")) &&
                !(re + 1 < end && (tin(d, re + 1, BIT(role_mods)) || c->tok_mention[re + 1] >= 0)))
                break;
            re++;
        }
        uint32_t n = name_run(c, re, end, true);
        if (n) {
            const char *rt = d->text + d->tokens[rs].start;
            add_person(c, re, n, rt, d->tokens[re - 1].end - d->tokens[rs].start);
            h = re + n - 1;
            continue;
        }
        /* an appositive: "Name Surname, [the] role ...," */
        uint32_t a = rs;
        if (a > first && (teq(d, a - 1, "the") || teq(d, a - 1, "a")))
            a--;
        if (a > first + 1 && tpunct(d, a - 1, ',')) {
            uint32_t ne = a - 1, nb = ne;
            while (nb > first && ne - nb < 4 && name_token(c, nb - 1, false) &&
                   !c->tok_named[nb - 1])
                nb--;
            if (ne - nb >= 2 && !(d->tokens[ne - 1].flags & EVM_TOKF_POSSESSIVE)) {
                uint32_t stop = re;
                while (stop < end && stop - rs < 14 && !tpunct(d, stop, ',') &&
                       !tpunct(d, stop, '.') && !tpunct(d, stop, ';') && !tpunct(d, stop, '('))
                    stop++;
                const char *rt = d->text + d->tokens[rs].start;
                add_person(c, nb, ne - nb, rt, d->tokens[stop - 1].end - d->tokens[rs].start);
            }
        }
    }
}

/* People named without a role: two to four name tokens ("Steve Witkoff met ..."), and
 * surnames or full names of people already named. */
static void find_other_people(ctx *c, const evm_sentence *s, bool new_names)
{
    evm_doc *d = c->doc;
    uint32_t first = s->tok_first, end = s->tok_first + s->tok_count;
    if (new_names && title_case(d, s))
        return;
    for (uint32_t t = first; t < end; t++) {
        if (c->tok_named[t] || !tcap(d, t))
            continue;
        if (t > first && name_token(c, t - 1, false) && !c->tok_named[t - 1])
            continue; /* inside a run seen from its start */
        uint32_t n = name_run(c, t, end, false);
        if (n >= 2 && new_names) {
            add_person(c, t, n, NULL, 0);
            t += n - 1;
            continue;
        }
        if (n >= 2) {
            char buf[256];
            size_t len = d->tokens[t + n - 1].end - d->tokens[t].start;
            if (len < sizeof buf) {
                memcpy(buf, ttext(d, t), len);
                buf[len] = '\0';
                int32_t p = person_find(c, buf);
                if (p >= 0) {
                    add_occurrence(c, t, n, p);
                    t += n - 1;
                    continue;
                }
            }
        }
        /* a surname alone (places too: a person's surname wins over a same-named town) */
        for (uint32_t k = t; k < t + (n ? n : 1) && k < end; k++) {
            if (c->tok_named[k] || !tcap(d, k))
                continue;
            int32_t p = person_by_surname(c, ttext(d, k), tlen(d, k));
            if (p >= 0)
                add_occurrence(c, k, 1, p);
        }
        if (n)
            t += n - 1;
    }
}

static int occ_cmp(const void *a, const void *b)
{
    const occurrence *x = a, *y = b;
    return (x->tok > y->tok) - (x->tok < y->tok);
}

/* A lone capitalised word is a person's surname when it meets, hosts or welcomes someone, or
 * is met ("Macron hosted Zelensky", "Zelensky and Trump met", "talks with Sikorski"). */
static void find_verb_people(ctx *c, const evm_sentence *s)
{
    static const char *const verbs[] = {"met",      "meets",    "meet",     "hosted",  "hosts",
                                        "welcomed", "welcomes", "received", "visited", NULL};
    evm_doc *d = c->doc;
    uint32_t first = s->tok_first, end = first + s->tok_count;
    if (title_case(d, s))
        return;
    for (uint32_t t = first; t < end; t++) {
        bool verb = false;
        for (size_t i = 0; verbs[i] && !verb; i++)
            verb = teq(d, t, verbs[i]);
        uint32_t cand[4];
        size_t nc = 0;
        if (verb) {
            if (t > first)
                cand[nc++] = t - 1;
            if (t > first + 2 && teq(d, t - 2, "and"))
                cand[nc++] = t - 3;
            cand[nc++] = t + 1;
        } else if (teq(d, t, "with") && t > first &&
                   (teq(d, t - 1, "talks") || teq(d, t - 1, "met") || teq(d, t - 1, "meeting"))) {
            cand[nc++] = t + 1;
        }
        for (size_t k = 0; k < nc; k++) {
            uint32_t q = cand[k];
            if (q >= end || c->tok_named[q] || !name_token(c, q, false) ||
                (q > first && name_token(c, q - 1, false)) ||
                (q + 1 < end && name_token(c, q + 1, false)))
                continue;
            add_person(c, q, 1, NULL, 0);
        }
    }
}

static void find_people(ctx *c)
{
    evm_doc *d = c->doc;
    for (size_t i = 0; i < d->n_sentences; i++)
        find_titled_people(c, &d->sentences[i]);
    for (size_t i = 0; i < d->n_sentences; i++)
        find_other_people(c, &d->sentences[i], true);
    for (size_t i = 0; i < d->n_sentences; i++)
        find_verb_people(c, &d->sentences[i]);
    for (size_t i = 0; i < d->n_sentences; i++)
        find_other_people(c, &d->sentences[i], false);
    if (c->n_occ)
        qsort(c->occ, c->n_occ, sizeof *c->occ, occ_cmp);
}

/* ---- triggers ---------------------------------------------------------------------------- */

typedef struct strike_word {
    wclass cls;
    const char *weapon; /* NULL for plain attack words */
    int kind;           /* 1 weapon, 2 attack word, 3 "strike(s)" noun */
} strike_word;

/* Classifies token t as a strike word. */
static strike_word strike_class(const evm_doc *d, uint32_t t, uint32_t first)
{
    strike_word r = {W_NONE, NULL, 0};
    bool prev = t > first;
    if (!tin(d, t,
             BIT(ballistic_models) | BIT(cruise_models) | BIT(hypersonic_models) |
                 BIT(missile_words) | BIT(drone_words) | BIT(rocket_words) | BIT(artillery_words) |
                 BIT(air_words) | BIT(bomb_words) | BIT(bombing_words) | BIT(strike_nouns) |
                 BIT(attack_words)))
        return r;
    if (tin(d, t, BIT(ballistic_models) | BIT(cruise_models) | BIT(hypersonic_models))) {
        r.cls = W_MISSILE;
        r.kind = 1;
        r.weapon = tin(d, t, BIT(ballistic_models)) ? "ballistic missile"
                   : tin(d, t, BIT(cruise_models))  ? "cruise missile"
                                                    : "hypersonic missile";
    } else if (tin(d, t, BIT(missile_words))) {
        r.cls = W_MISSILE;
        r.kind = 1;
        r.weapon = "missile";
        if (prev && (teq(d, t - 1, "ballistic") || tin(d, t - 1, BIT(ballistic_models))))
            r.weapon = "ballistic missile";
        else if (prev && tin(d, t - 1, BIT(cruise_models)))
            r.weapon = "cruise missile";
        else if (prev && tin(d, t - 1, BIT(hypersonic_models)))
            r.weapon = "hypersonic missile";
        else if (prev && teq(d, t - 1, "cruise"))
            r.weapon = "cruise missile";
        else if (prev && teq(d, t - 1, "hypersonic"))
            r.weapon = "hypersonic missile";
        else if (prev && tin(d, t - 1, BIT(missile_quals)))
            r.weapon = "missile";
    } else if (tin(d, t, BIT(drone_words))) {
        r.cls = W_DRONE;
        r.kind = 1;
        r.weapon = "drone";
    } else if (tin(d, t, BIT(rocket_words))) {
        r.cls = W_ARTILLERY;
        r.kind = 1;
        r.weapon = "rocket";
    } else if (tin(d, t, BIT(artillery_words))) {
        r.cls = W_ARTILLERY;
        r.kind = 1;
        r.weapon = "artillery";
    } else if (tin(d, t, BIT(air_words))) {
        r.cls = W_AIR;
        r.kind = 1;
        r.weapon = "aircraft";
    } else if (tin(d, t, BIT(bomb_words)) && prev && tin(d, t - 1, BIT(bomb_quals))) {
        r.cls = W_AIR;
        r.kind = 1;
        r.weapon = teq(d, t - 1, "glide")     ? "glide bomb"
                   : teq(d, t - 1, "guided")  ? "guided bomb"
                   : teq(d, t - 1, "cluster") ? "cluster bomb"
                                              : "aerial bomb";
    } else if (tin(d, t, BIT(bombing_words))) {
        r.cls = W_BOMBING;
        r.kind = 2;
    } else if (tin(d, t, BIT(strike_nouns))) {
        /* not a labour strike, not the verb after a modal ("might strike a deal") */
        if (prev && (tin(d, t - 1, BIT(labour_context)) || teq(d, t - 1, "on") ||
                     tin(d, t - 1, BIT(modal_words))))
            return r;
        if (teq(d, t + 1, "action") || teq(d, t + 1, "a") || teq(d, t + 1, "an"))
            return r;
        r.kind = 3;
        if (prev && teq(d, t - 1, "air")) {
            r.cls = W_AIR;
            r.weapon = "aircraft";
        }
    } else if (tin(d, t, BIT(attack_words))) {
        /* "struck a deal", "hit a record high" */
        uint32_t o = t + 1;
        if (teq(d, o, "a") || teq(d, o, "an") || teq(d, o, "the") || teq(d, o, "new"))
            o++;
        if (tin(d, o, BIT(figurative_objects)))
            return r;
        if (teq(d, t, "raid") || teq(d, t, "raids")) {
            if (!(prev && teq(d, t - 1, "air")))
                return r;
            r.cls = W_AIR;
            r.weapon = "aircraft";
        }
        r.kind = 2;
    }
    return r;
}

static const mword *meeting_class(const evm_doc *d, uint32_t t, uint32_t first)
{
    if (!tin(d, t, BIT(meeting_words)))
        return NULL;
    for (const mword *m = meeting_words; m->word; m++) {
        if (!teq(d, t, m->word))
            continue;
        bool prev = t > first;
        if (!strcmp(m->word, "conference") && prev &&
            (teq(d, t - 1, "press") || teq(d, t - 1, "news") || teq(d, t - 1, "video")))
            return NULL;
        if ((!strcmp(m->word, "talk") || !strcmp(m->word, "talked")) && !teq(d, t + 1, "with"))
            return NULL;
        return m;
    }
    return NULL;
}

/* ---- attachment ----------------------------------------------------------------------- */

static bool usable_place(const ctx *c, int32_t mi)
{
    const evm_doc *d = c->doc;
    const evm_mention *m = &d->mentions[mi];
    if (m->metonymy || m->place < 0 || (size_t)m->place >= d->n_places)
        return false;
    /* a title, a month or a weekday is never the place ("Secretary", "March" spotted as
     * towns) */
    if (m->tok_count == 1 &&
        tin(d, m->tok_first, BIT(role_heads) | BIT(calendar_words) | BIT(function_words)))
        return false;
    /* nor a common word opening a sentence ("Peace talks ...") */
    if (m->tok_count == 1 && (d->tokens[m->tok_first].flags & EVM_TOKF_SENT_START) &&
        tin(d, m->tok_first, BIT(name_stop)))
        return false;
    const evm_place *p = &d->places[m->place];
    evm_geo_level lv = p->level;
    /* city-states are towns: "met in the Vatican" */
    static const char city_states[][3] = {"VA", "MC", "SG", "SM", "LI", "AD"};
    for (size_t i = 0; lv == EVM_GEO_COUNTRY && i < sizeof city_states / sizeof *city_states; i++)
        if (!strcmp(p->country, city_states[i]))
            return true;
    return lv == EVM_GEO_POINT || lv == EVM_GEO_ADMIN2 || lv == EVM_GEO_ADMIN1;
}

/* True when sentence si names a place events can happen at: a sentence about another place
 * does not continue the event before it. */
static bool names_place(const ctx *c, uint32_t si)
{
    for (size_t k = c->sent_mentions[si]; k < c->sent_mentions[si + 1]; k++)
        if (usable_place(c, (int32_t)c->by_sentence[k]))
            return true;
    return false;
}

/* Walks back from token t-1 over fillers; returns the token reached (or first-1 as
 * UINT32_MAX when none). */
static uint32_t back_over_fillers(const ctx *c, uint32_t t, uint32_t first)
{
    const evm_doc *d = c->doc;
    uint32_t p = t, skipped = 0;
    while (p > first && skipped < 7) {
        uint32_t q = p - 1;
        /* "in Russia's Belgorod region": a possessive country is a filler too */
        int32_t qm = c->tok_mention[q];
        bool country_poss = qm >= 0 && (d->tokens[q].flags & EVM_TOKF_POSSESSIVE) &&
                            d->mentions[qm].place >= 0 &&
                            d->places[d->mentions[qm].place].level == EVM_GEO_COUNTRY;
        if (country_poss)
            q = d->mentions[qm].tok_first;
        bool filler = tin(d, q, BIT(fillers)) || country_poss ||
                      (demonym_like(d, q) && !(d->tokens[q].flags & EVM_TOKF_POSSESSIVE));
        if (!filler)
            break;
        p = q;
        skipped++;
    }
    return p > first ? p - 1 : UINT32_MAX;
}

static bool any_between(const evm_doc *d, uint32_t a, uint32_t b, uint64_t list)
{
    for (uint32_t t = a; t < b; t++)
        if (tin(d, t, list) || tpunct(d, t, ';') || tpunct(d, t, ':'))
            return true;
    return false;
}

/* A trigger occurrence in a sentence. */
typedef struct trig {
    uint32_t tok;
    strike_word sw;
    const mword *mw;
} trig;

/* ---- dates ------------------------------------------------------------------------------- */

static wordlist report_verbs = {
    "said",    "says",     "told",      "announced",    "reported",  "stated",   "added",
    "wrote",   "posted",   "confirmed", "tweeted",      "declared",  "claimed",  "noted",
    "briefed", "recalled", "revealed",  "disclosed",    "explained", "insisted", "argued",
    "warned",  "urged",    "recounted", "acknowledged", NULL};

/* The date of an event whose place mention spans bytes [ms, me) of sentence s. */
/* Byte distance between two spans (0 when they overlap). */
static long span_dist(size_t a, size_t b, size_t ms, size_t me)
{
    return b <= ms ? (long)(ms - b) : a >= me ? (long)(a - me) : 0;
}

static wordlist duration_words = {"since", "until",       "till",   "built", "founded",
                                  "born",  "established", "opened", NULL};

/* The date of an event whose place mention spans bytes [ms, me) of sentence s: the date
 * expression nearest to it (finer precisions preferred), leaving out report dates ("said on
 * Friday"), durations ("since 2022"), and expressions nearer to another event's place
 * (others[0..nothers), byte spans). Unknown when none is left. */
static evm_date event_date(const ctx *c, const evm_sentence *s, size_t ms, size_t me, bool future,
                           size_t (*others)[2], size_t nothers, bool *historic)
{
    *historic = false;
    const evm_doc *d = c->doc;
    evm_when_expr ex[16];
    size_t n = evm_when_scan(d->text + s->start, s->end - s->start, d->published, future, ex, 16);
    if (n > 16)
        n = 16;
    evm_date best = {0, 0, 0, EVM_DATE_UNKNOWN};
    long best_score = 0;
    for (size_t i = 0; i < n; i++) {
        size_t a = s->start + ex[i].start, b = s->start + ex[i].end;
        if (ex[i].date.precision == EVM_DATE_UNKNOWN)
            continue;
        /* "officials said on Friday": the day of the report, not of the event */
        bool reported = false;
        for (uint32_t t = s->tok_first; t < s->tok_first + s->tok_count; t++) {
            if (d->tokens[t].end > a)
                break;
            if (d->tokens[t].end + 5 >= a && tin(d, t, BIT(report_verbs)))
                reported = true;
            if (d->tokens[t].end + 4 >= a && tin(d, t, BIT(duration_words)))
                reported = true;
        }
        if (reported)
            continue;
        /* more than a year before publication: background ("the 1991 conference") */
        bool far = false;
        if (d->published.precision != EVM_DATE_UNKNOWN) {
            int pm = d->published.year * 12 + d->published.month;
            int em = ex[i].date.year * 12 + (ex[i].date.month ? ex[i].date.month : 12);
            if (em > pm + 12)
                continue;
            far = pm - em > 12;
        }
        long dist = span_dist(a, b, ms, me);
        bool other_nearer = false;
        for (size_t k = 0; k < nothers; k++)
            if (span_dist(a, b, others[k][0], others[k][1]) < dist)
                other_nearer = true;
        if (other_nearer)
            continue;
        long penalty = ex[i].date.precision == EVM_DATE_DAY     ? 0
                       : ex[i].date.precision == EVM_DATE_WEEK  ? 40
                       : ex[i].date.precision == EVM_DATE_MONTH ? 60
                                                                : 120;
        long score = dist + penalty;
        if ((best.precision == EVM_DATE_UNKNOWN && !*historic) || score < best_score) {
            best = ex[i].date;
            best_score = score;
            *historic = far;
        }
    }
    if (*historic)
        best.precision = EVM_DATE_UNKNOWN;
    return best;
}

/* ---- building events --------------------------------------------------------------------- */

static const char *strike_subtype(wclass cls, const char **cameo, const char **acled)
{
    switch (cls) {
    case W_MISSILE:
        *cameo = "195";
        *acled = "Shelling/artillery/missile attack";
        return "missile strike";
    case W_DRONE:
        *cameo = "195";
        *acled = "Air/drone strike";
        return "drone strike";
    case W_AIR:
        *cameo = "195";
        *acled = "Air/drone strike";
        return "air strike";
    case W_ARTILLERY:
        *cameo = "194";
        *acled = "Shelling/artillery/missile attack";
        return "shelling";
    case W_BOMBING:
        *cameo = "195";
        *acled = "Air/drone strike";
        return "bombing";
    default:
        *cameo = "190";
        *acled = "Shelling/artillery/missile attack";
        return "strike";
    }
}

/* A landmark ("the Elysee palace") stands for the town it is in: the nearest town of the
 * document's places in the same country, within 30 km; itself when there is none. */
static int32_t landmark_town(const evm_doc *d, int32_t pi)
{
    const evm_place *p = &d->places[pi];
    if (!p->feature || strcmp(p->feature, "LANDMARK"))
        return pi;
    int32_t best = pi;
    double best_km = 30.0;
    for (size_t i = 0; i < d->n_places; i++) {
        const evm_place *q = &d->places[i];
        if ((int32_t)i == pi || q->level != EVM_GEO_POINT || !q->feature ||
            !strcmp(q->feature, "LANDMARK") || strcmp(q->country, p->country))
            continue;
        double la1 = p->lat * M_PI / 180, la2 = q->lat * M_PI / 180;
        double dla = la2 - la1, dlo = (q->lon - p->lon) * M_PI / 180;
        double h = sin(dla / 2) * sin(dla / 2) + cos(la1) * cos(la2) * sin(dlo / 2) * sin(dlo / 2);
        double km = 2 * 6371.0 * asin(sqrt(h < 1 ? h : 1));
        if (km < best_km) {
            best_km = km;
            best = (int32_t)i;
        }
    }
    return best;
}

static evm_event *new_event(ctx *c, evm_event_kind kind, int32_t mi, uint32_t si)
{
    evm_doc *d = c->doc;
    const evm_mention *m = &d->mentions[mi];
    evm_event *e = evm_doc_add_event(d);
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->place = landmark_town(d, m->place);
    e->mention = mi;
    e->place_mention = evm_doc_strndup(d, d->text + m->start, m->end - m->start);
    e->killed = e->injured = -1;
    e->status = EVM_STATUS_OCCURRED;
    e->sources = evm_doc_alloc(d, sizeof *e->sources);
    e->n_sources = 1;
    e->sources[0].article = d->id ? d->id : "";
    e->sources[0].sentence = si;
    e->sources[0].start = d->sentences[si].start;
    e->sources[0].end = d->sentences[si].end;
    return e;
}

/* The attacker: a demonym before a weapon or force word ("Russian drone", "Israeli
 * forces"), or a country named as the subject or possessor ("Russia launched", "Russia's
 * strikes", "by Russia"). */
static const char *strike_actor(const ctx *c, const evm_sentence *s, const trig *tr, size_t ntr)
{
    const evm_doc *d = c->doc;
    uint32_t first = s->tok_first, end = first + s->tok_count;
    for (size_t k = 0; k < ntr; k++) {
        if (!tr[k].sw.kind)
            continue;
        for (uint32_t t = tr[k].tok; t > first && tr[k].tok - t < 4; t--) {
            uint32_t p = t - 1;
            for (size_t i = 0; demonyms[i][0]; i++)
                if (teq(d, p, demonyms[i][0]) && tcap(d, p))
                    return demonyms[i][1];
            if (!tin(d, p, BIT(fillers)) && !tin(d, p, BIT(missile_quals)) &&
                !tin(d, p, BIT(bomb_quals)) && !tin(d, p, BIT(force_words)) &&
                !teq(d, p, "deadly") && !teq(d, p, "massive") && !teq(d, p, "new") &&
                !teq(d, p, "recent") && !teq(d, p, "overnight") && !teq(d, p, "latest") &&
                !teq(d, p, "heavy") && !teq(d, p, "combined") && !teq(d, p, "large-scale") &&
                !teq(d, p, "drone") && !teq(d, p, "missile"))
                break;
        }
    }
    for (uint32_t t = first; t < end; t++) {
        /* "Russian forces struck" */
        if (tcap(d, t) && t + 1 < end && tin(d, t + 1, BIT(force_words)))
            for (size_t i = 0; demonyms[i][0]; i++)
                if (teq(d, t, demonyms[i][0]))
                    return demonyms[i][1];
        int32_t mi = c->tok_mention[t];
        if (mi < 0)
            continue;
        const evm_mention *m = &d->mentions[mi];
        if (m->place < 0 || d->places[m->place].level != EVM_GEO_COUNTRY || t != m->tok_first)
            continue;
        uint32_t after = m->tok_first + m->tok_count;
        bool poss = d->tokens[after - 1].flags & EVM_TOKF_POSSESSIVE;
        bool subject = after < end && (tin(d, after, BIT(launch_verbs)) ||
                                       (tin(d, after, BIT(passive_aux)) && after + 1 < end &&
                                        tin(d, after + 1, BIT(launch_verbs)) &&
                                        !teq(d, after, "was") && !teq(d, after, "were")));
        bool by = t > first && teq(d, t - 1, "by");
        bool poss_attack = false;
        if (poss)
            for (uint32_t q = after; q < end && q < after + 4; q++)
                if (strike_class(d, q, first).kind || tin(d, q, BIT(force_words)))
                    poss_attack = true;
        if (subject || by || poss_attack)
            return d->places[m->place].name;
    }
    return NULL;
}

/* A role that makes a meeting diplomatic ("French President", "Kremlin spokesman"). */
static bool diplomatic_role(const char *role)
{
    static const char *const heads[] = {"resident",  "inister", "ecretary", "nvoy",    "mbassador",
                                        "hancellor", "King",    "Queen",    "Prince",  "Emir",
                                        "Sheikh",    "remier",  "Pope",     "iplomat", "egotiator",
                                        "pokes",     "dviser",  "dvisor",   NULL};
    for (size_t i = 0; role && heads[i]; i++)
        if (strstr(role, heads[i]))
            return true;
    return false;
}

/* True when the participant occurrence o takes part in the meeting of sentence s. */
static bool takes_part(const ctx *c, const evm_sentence *s, const occurrence *o)
{
    const evm_doc *d = c->doc;
    uint32_t first = s->tok_first, end = first + s->tok_count, after = o->tok + o->ntok;
    if (o->possessive) {
        /* "Macron's visit" takes part; "Zelensky's chief of staff" does not */
        return after < end && meeting_class(d, after, first) != NULL;
    }
    /* "the funeral of Pope Francis": the dead are not at the meeting */
    uint32_t rb = o->tok;
    while (rb > first && o->tok - rb < 4 && tcap(d, rb - 1) &&
           tin(d, rb - 1, BIT(role_heads) | BIT(role_mods)))
        rb--;
    if (rb > first + 1 && teq(d, rb - 1, "of") && tin(d, rb - 2, BIT(mourning)))
        return false;
    if (o->tok > first &&
        (tin(d, o->tok - 1, BIT(temporal_conj)) ||
         (o->tok > first + 1 && tin(d, o->tok - 2, BIT(temporal_conj)) && tcap(d, o->tok - 1))))
        return false;
    /* the subject of a comment verb, after an optional appositive or "himself" */
    uint32_t t = after;
    if (tpunct(d, t, ',')) {
        uint32_t k = t + 1;
        while (k < end && k < t + 14 && !tpunct(d, k, ','))
            k++;
        if (k < end && tpunct(d, k, ','))
            t = k + 1;
    }
    while (t < end && (teq(d, t, "himself") || teq(d, t, "herself") || teq(d, t, "also") ||
                       teq(d, t, "has") || teq(d, t, "had") || teq(d, t, "have") ||
                       teq(d, t, "later") || teq(d, t, "then") || teq(d, t, "repeatedly")))
        t++;
    if (t < end && tin(d, t, BIT(comment_verbs)))
        return false;
    return true;
}

/* The first occurrence at or after token t (occurrences are sorted by token). */
static size_t occ_lower(const ctx *c, uint32_t t)
{
    size_t lo = 0, hi = c->n_occ;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->occ[mid].tok < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Adds the people of sentence s between tokens lo and hi who take part to e's participants. */
static void add_participants(ctx *c, evm_event *e, const evm_sentence *s, uint32_t lo, uint32_t hi)
{
    evm_doc *d = c->doc;
    uint32_t first = lo > s->tok_first ? lo : s->tok_first;
    uint32_t end = s->tok_first + s->tok_count < hi ? s->tok_first + s->tok_count : hi;
    for (size_t i = occ_lower(c, first); i < c->n_occ && c->occ[i].tok < end; i++) {
        const occurrence *o = &c->occ[i];
        if (!takes_part(c, s, o))
            continue;
        const person *p = &c->people[o->person];
        bool dup = false;
        for (size_t k = 0; k < e->n_participants; k++)
            dup = dup || !strcmp(e->participants[k].name, p->name);
        if (dup)
            continue;
        evm_participant *np = evm_doc_alloc(d, (e->n_participants + 1) * sizeof *np);
        if (e->n_participants)
            memcpy(np, e->participants, e->n_participants * sizeof *np);
        np[e->n_participants].name = p->name;
        np[e->n_participants].role = p->role;
        e->participants = np;
        e->n_participants++;
    }
}

static wordlist after_be = {"is",   "are", "was",  "were", "will", "would", "has",
                            "have", "had", "been", "be",   "now",  "also",  NULL};
static wordlist plan_words = {"scheduled", "planned", "expected", "due", "set",
                              "slated",    "held",    "take",     NULL};
static wordlist be_words = {"is", "are", "was", "were", "be", NULL};

/* "a summit is scheduled for", "talks will be held", "the visit is expected". */
static bool planned_after(const evm_doc *d, uint32_t t, uint32_t end)
{
    uint32_t k = t + 1;
    bool fut = false;
    while (k < end && k < t + 5 && tin(d, k, BIT(after_be))) {
        fut = fut || teq(d, k, "will") || teq(d, k, "would");
        k++;
    }
    if (k == t + 1 || k >= end || !tin(d, k, BIT(plan_words)))
        return false;
    return fut || !(teq(d, k, "held") || teq(d, k, "take"));
}

static bool planned_before(const evm_doc *d, uint32_t t, uint32_t first)
{
    /* "will meet", "is to meet", "were then to meet", "upcoming talks", "due to visit" */
    for (uint32_t k = t; k > first && t - k < 7; k--) {
        uint32_t p = k - 1;
        if (tin(d, p, BIT(planned_words)))
            return true;
        if (teq(d, p, "to") && p > first) {
            uint32_t q = p - 1;
            while (q > first && (teq(d, q, "then") || teq(d, q, "also") || teq(d, q, "later")))
                q--;
            return tin(d, q, BIT(be_words)) || tin(d, q, BIT(planned_words)) || teq(d, q, "want") ||
                   teq(d, q, "wants") || teq(d, q, "seeks");
        }
        if (tpunct(d, p, ',') || tpunct(d, p, '.'))
            return false;
    }
    return false;
}

/* ---- per sentence --------------------------------------------------------------------- */

/* True when mention b follows mention a in a list: only ",", "and", "or" between them. */
static bool listed(const evm_doc *d, int32_t a, int32_t b)
{
    const evm_mention *ma = &d->mentions[a], *mb = &d->mentions[b];
    uint32_t t = ma->tok_first + ma->tok_count;
    if (mb->tok_first < t || mb->tok_first - t > 2)
        return false;
    for (; t < mb->tok_first; t++)
        if (!tpunct(d, t, ',') && !teq(d, t, "and") && !teq(d, t, "or"))
            return false;
    return true;
}

/* True when mention b places the list or name a before it: "Rafah and Khan Younis in
 * southern Gaza" ("in", then at most "the" and a lowercase word of direction). */
static bool located(const evm_doc *d, int32_t a, int32_t b)
{
    const evm_mention *ma = &d->mentions[a], *mb = &d->mentions[b];
    uint32_t t = ma->tok_first + ma->tok_count;
    if (mb->tok_first <= t || mb->tok_first - t > 3 || !teq(d, t, "in"))
        return false;
    for (t++; t < mb->tok_first; t++) {
        const evm_token *tk = &d->tokens[t];
        size_t n = tk->end - tk->start;
        const char *w = d->text + tk->start;
        bool dir = tk->kind == EVM_TOK_WORD && n > 4 && w[0] >= 'a' && w[0] <= 'z' &&
                   (strncmp(w + n - 3, "ern", 3) == 0 || (n == 7 && strncmp(w, "central", 7) == 0));
        if (!teq(d, t, "the") && !dir)
            return false;
    }
    return true;
}

typedef struct cand {
    int32_t mention;
    evm_event_kind kind;
    uint32_t trig; /* index into the sentence's trigger list */
    uint32_t dist;
} cand;

/* The distance (in tokens) from mention m to the nearest trigger of `kind` it attaches to,
 * or UINT32_MAX. *which gets the trigger index. */
static uint32_t attach(const ctx *c, const evm_sentence *s, const evm_mention *m, const trig *tr,
                       size_t ntr, evm_event_kind kind, bool prev_attached, uint32_t prev_end,
                       uint32_t *which)
{
    const evm_doc *d = c->doc;
    uint32_t first = s->tok_first, end = first + s->tok_count;
    uint32_t a = m->tok_first, b = m->tok_first + m->tok_count;
    uint32_t best = UINT32_MAX;
    uint32_t p = back_over_fillers(c, a, first);
    bool is_strike = kind == EVM_EVENT_STRIKE;
    uint64_t blockers = is_strike ? BIT(strike_blockers) : BIT(meeting_blockers);
    bool prep_ok = false, framing = false, victims = false;
    if (p != UINT32_MAX) {
        if (is_strike) {
            prep_ok = tin(d, p, BIT(strike_preps)) ||
                      (teq(d, p + 1, "of") && strike_class(d, p, first).kind != 0);
            /* "killed four residents of Kharkiv", "wounding 12 civilians of Kherson" ("of"
             * is a filler, so p is the noun): a casualty word at most three tokens before it */
            if (!prep_ok && teq(d, p + 1, "of") && tin(d, p, BIT(victim_nouns)))
                for (uint32_t q = p; q-- > first && q + 3 >= p && !victims;)
                    victims = tin(d, q, BIT(casualty_words));
            prep_ok = prep_ok || victims;
        } else {
            prep_ok = tin(d, p, BIT(meeting_preps)) &&
                      !(p > first && (teq(d, p - 1, "speaking") || teq(d, p - 1, "said") ||
                                      teq(d, p - 1, "born") || teq(d, p - 1, "based")));
            if (!prep_ok && teq(d, p, "to") && p > first) {
                uint32_t q = p - 1;
                while (q > first && (teq(d, q, "also") || teq(d, q, "then")))
                    q--;
                prep_ok = tin(d, q, BIT(travel_words));
            }
            if (!prep_ok && (teq(d, p, "visited") || teq(d, p, "visiting") || teq(d, p, "toured") ||
                             teq(d, p, "visit") || teq(d, p, "visits")))
                prep_ok = true;
        }
        /* a list continues an attached place: "in Sumy and Kryvyi Rih" */
        if (!prep_ok && (teq(d, p, "and") || tpunct(d, p, ',') || teq(d, p, "or")) &&
            prev_attached && prev_end + 1 >= p && prev_end <= p)
            prep_ok = true;
        /* "In Kharkiv, ...", "In Kyiv alone, ..." */
        uint32_t after = b < end && (teq(d, b, "alone") || teq(d, b, "itself") ||
                                     teq(d, b, "too") || teq(d, b, "city") || teq(d, b, "region"))
                             ? b + 1
                             : b;
        framing = prep_ok && p == first && after < end && tpunct(d, after, ',');
    }
    for (size_t k = 0; k < ntr; k++) {
        bool kind_ok = is_strike ? tr[k].sw.kind != 0 : tr[k].mw != NULL;
        if (!kind_ok)
            continue;
        uint32_t t = tr[k].tok, dist = UINT32_MAX;
        if (!is_strike && tr[k].mw->need == 2 && !(t < p && p - t <= 2))
            continue; /* "arrived in Paris", not "came in ... in Paris" */
        if (prep_ok && t < p && p - t <= 12 && !any_between(d, t + 1, p, blockers))
            dist = p - t;
        else if (prep_ok && t == p)
            dist = 1; /* "struck Kryvyi Rih", "visited Kyiv" */
        else if (t >= b && t - b <= 6) {
            /* "the Paris talks", "Sumy was hit", "Kyiv came under attack" */
            uint32_t q = b;
            bool under = false; /* "came under a massive drone attack" */
            while (q < t &&
                   (tin(d, q, BIT(passive_aux)) || teq(d, q, "region") || teq(d, q, "oblast") ||
                    (under &&
                     (tin(d, q, BIT(fillers)) || teq(d, q, "massive") || teq(d, q, "heavy") ||
                      teq(d, q, "fresh") || teq(d, q, "renewed") || teq(d, q, "combined"))))) {
                under = under || teq(d, q, "under");
                q++;
            }
            bool passive =
                q == t && t > b && (tin(d, t, BIT(passive_hits)) || (under && is_strike));
            /* a weapon right after a name is its model ("Grad missile"), not its target */
            bool compound = t == b && (!is_strike || tr[k].sw.kind != 1);
            if (q == t && (compound || passive || teq(d, b, "region") || teq(d, b, "oblast")))
                dist = t - b + 1;
        }
        /* the weapon named right after the place: "killed two people in Kharkiv with a
         * missile", "residents of Kherson by a drone" */
        if (dist == UINT32_MAX && is_strike && prep_ok && tr[k].sw.kind == 1 && t > b &&
            t - b <= 6 && (teq(d, b, "with") || teq(d, b, "by")) &&
            !any_between(d, b, t, blockers)) {
            bool plain = true;
            for (uint32_t q = b; q < t; q++)
                plain = plain && d->tokens[q].kind == EVM_TOK_WORD;
            if (plain)
                dist = t - b + 1;
        }
        if (dist == UINT32_MAX && framing && t > b && !any_between(d, b, t, blockers))
            dist = t - b + 1;
        if (dist == UINT32_MAX && !is_strike && prep_ok && t >= b && t - b <= 6 &&
            !any_between(d, b, t, blockers)) {
            /* "were in Paris to meet", "was in Paris on Thursday to meet" */
            bool purpose = false;
            for (uint32_t q = b; q < t; q++)
                purpose = purpose || teq(d, q, "to") || teq(d, q, "for");
            if (purpose || t == b)
                dist = t - b + 1;
        }
        if (dist < best) {
            best = dist;
            *which = (uint32_t)k;
        }
    }
    return best;
}

/* The spans of the other candidates of a sentence that a date near them is kept from:
 * all but those in one list with candidate i ("attacks on Kyiv, Odesa and Dnipro
 * overnight" dates all three), the place that holds the list counted in it ("Rafah and
 * Khan Younis in southern Gaza overnight"). Returns how many it wrote to out. */
static size_t others_for(const evm_doc *d, const cand *cands, size_t nc, size_t i,
                         size_t (*spans)[2], size_t (*out)[2])
{
    size_t lo = i, hi = i;
    while (lo > 0 && cands[lo - 1].kind == cands[i].kind &&
           (listed(d, cands[lo - 1].mention, cands[lo].mention) ||
            located(d, cands[lo - 1].mention, cands[lo].mention)))
        lo--;
    while (hi + 1 < nc && cands[hi + 1].kind == cands[i].kind &&
           (listed(d, cands[hi].mention, cands[hi + 1].mention) ||
            located(d, cands[hi].mention, cands[hi + 1].mention)))
        hi++;
    size_t n = 0;
    for (size_t k = 0; k < nc; k++)
        if (k < lo || k > hi) {
            out[n][0] = spans[k][0];
            out[n][1] = spans[k][1];
            n++;
        }
    return n;
}

/* The events of sentence si, read in s: the sentence itself, or one window of a sentence too
 * long to be prose (see WINDOW). */
static void sentence_events(ctx *c, uint32_t si, const evm_sentence *s)
{
    evm_doc *d = c->doc;
    uint32_t first = s->tok_first, end = first + s->tok_count;
    trig tr[64];
    size_t ntr = 0;
    bool weapon = false, strikes_noun = false, attack = false, intercept = false, damage = false,
         veto = false, diplomatic = false;
    for (uint32_t t = first; t < end && ntr < 64; t++) {
        strike_word sw = strike_class(d, t, first);
        const mword *mw = meeting_class(d, t, first);
        if (sw.kind == 1 || sw.cls == W_AIR)
            weapon = true;
        if (sw.kind == 3)
            strikes_noun = true;
        if (sw.kind == 2)
            attack = true;
        if (mw) {
            /* "talks by video link", "met virtually", "a phone meeting" are not mapped */
            for (uint32_t k = t > first + 5 ? t - 5 : first; k < end && k <= t + 5; k++)
                if (tin(d, k, BIT(remote_words)))
                    mw = NULL;
        }
        if (tin(d, t, BIT(strike_vetoes)))
            veto = true;
        if (tin(d, t, BIT(diplomatic_words)))
            diplomatic = true;
        /* talks, negotiations and summits are diplomatic unless they are "budget talks" */
        if (mw && (!strcmp(mw->cameo, "046") || !strcmp(mw->subtype, "summit")))
            if (!(t > first && tin(d, t - 1, BIT(civil_talks))))
                diplomatic = true;
        if (tin(d, t, BIT(intercept_words)) || (teq(d, t, "shot") && teq(d, t + 1, "down")) ||
            (teq(d, t, "air") && (teq(d, t + 1, "defence") || teq(d, t + 1, "defense") ||
                                  teq(d, t + 1, "defences") || teq(d, t + 1, "defenses"))))
            intercept = true;
        if (tin(d, t, BIT(damage_words)))
            damage = true;
        if (sw.kind || mw) {
            tr[ntr].tok = t;
            tr[ntr].sw = sw;
            tr[ntr].mw = mw;
            ntr++;
        }
    }
    /* A plain "attack" or "hit" is a strike when a weapon or an attacker is named. */
    const char *actor = NULL;
    bool strike_ok = weapon || strikes_noun;
    /* storms, hackers and crashes hit places too: without a weapon they are not strikes */
    bool other_cause = false;
    for (uint32_t t = first; t < end && !other_cause; t++)
        other_cause = tin(d, t, BIT(other_causes));
    if (other_cause && !weapon)
        strike_ok = attack = false;
    if (attack || strike_ok)
        actor = strike_actor(c, s, tr, ntr);
    /* Without either, "the attack on Dnipro" only adds to a strike already reported there. */
    bool weak = attack && !strike_ok && !actor;
    if (attack)
        strike_ok = true;
    evm_casualties cas = {-1, -1, false, false, 0, 0};
    if (strike_ok && c->sent_mentions[si + 1] > c->sent_mentions[si])
        evm_count_casualties(d->text + s->start, s->end - s->start, &cas);
    bool counted = cas.killed >= 0 || cas.injured >= 0;
    if ((intercept || veto) && !damage && !counted)
        strike_ok = false;
    /* a plain attack with a toll, in an article that names weapons, is a strike */
    if (weak && counted && c->doc_weapons)
        weak = false;
    /* so is a toll right after a strike was reported ("... the capital was hit. Two people
     * were killed in Kyiv."), unless it names another cause */
    if (!strike_ok && c->doc_weapons && c->last_strike >= 0 && si - c->last_strike <= 2 &&
        c->sent_mentions[si + 1] > c->sent_mentions[si]) {
        bool other = false;
        for (uint32_t t = first; t < end && !other; t++)
            other = tin(d, t, BIT(other_causes));
        if (!other) {
            evm_count_casualties(d->text + s->start, s->end - s->start, &cas);
            counted = cas.killed >= 0 || cas.injured >= 0;
            strike_ok = counted;
        }
    }
    if (strike_ok)
        c->last_strike = si;
    /* the attacker named just before carries over ("Russia launched 40 drones overnight.
     * The attack on Kharkiv killed five.") */
    if (strike_ok && actor) {
        /* only from a sentence that strikes no named place: "Ukrainian drones hit Kursk.
         * In Kharkiv, a drone hit a market." is two attackers */
        if (!names_place(c, si)) {
            c->last_actor = actor;
            c->last_actor_sentence = si;
        }
    } else if (strike_ok && c->last_actor && si - c->last_actor_sentence <= 2) {
        actor = c->last_actor;
    }
    /* casualty verbs attach places too once the sentence is about a strike */
    if (strike_ok)
        for (uint32_t t = first; t < end && ntr < 64; t++)
            if (tin(d, t, BIT(casualty_words)) && !strike_class(d, t, first).kind) {
                tr[ntr].tok = t;
                tr[ntr].sw = (strike_word){W_NONE, NULL, 4};
                tr[ntr].mw = NULL;
                ntr++;
            }
    bool meeting_ok = true;
    /* diplomatic context: a diplomatic word, a country or a demonym ("U.S. and Vietnamese
     * officials"), a person with a diplomatic role, or people in a diplomatic article */
    for (size_t k = occ_lower(c, first); k < c->n_occ && c->occ[k].tok < end && !diplomatic; k++)
        diplomatic = c->doc_diplomatic || diplomatic_role(c->people[c->occ[k].person].role);
    /* countries and demonyms make a meeting diplomatic, not a visit ("the Times visited a
     * factory in China's Guangdong") */
    bool foreign = diplomatic;
    for (uint32_t t = first; t < end && !foreign; t++) {
        int32_t mi = c->tok_mention[t];
        foreign = (mi >= 0 && d->mentions[mi].place >= 0 &&
                   d->places[d->mentions[mi].place].level == EVM_GEO_COUNTRY) ||
                  (tcap(d, t) && tin(d, t, BIT(demonyms)));
    }

    cand cands[32];
    size_t nc = 0;
    bool prev_att[2] = {false, false};
    uint32_t prev_end[2] = {0, 0};
    for (size_t k = c->sent_mentions[si]; k < c->sent_mentions[si + 1] && nc < 32; k++) {
        size_t mi = c->by_sentence[k];
        const evm_mention *m = &d->mentions[mi];
        if (m->tok_first < first || m->tok_first >= end)
            continue;
        uint32_t ws = 0, wm = 0, ds = UINT32_MAX, dm = UINT32_MAX;
        if (strike_ok)
            ds = attach(c, s, m, tr, ntr, EVM_EVENT_STRIKE, prev_att[0], prev_end[0], &ws);
        if (meeting_ok)
            dm = attach(c, s, m, tr, ntr, EVM_EVENT_MEETING, prev_att[1], prev_end[1], &wm);
        prev_att[0] = ds != UINT32_MAX;
        prev_att[1] = dm != UINT32_MAX;
        prev_end[0] = prev_end[1] = m->tok_first + m->tok_count;
        if (!usable_place(c, (int32_t)mi)) {
            /* a country in a list keeps the list going ("in Ukraine, including Sumy") */
            continue;
        }
        if (ds == UINT32_MAX && dm == UINT32_MAX)
            continue;
        cand *k = &cands[nc++];
        k->mention = (int32_t)mi;
        k->kind = ds <= dm ? EVM_EVENT_STRIKE : EVM_EVENT_MEETING;
        k->trig = ds <= dm ? ws : wm;
        k->dist = ds <= dm ? ds : dm;
    }
    /* "in Anchorage, Alaska": the region containing a place, right after it, only qualifies it
     * ("Kyiv, Odesa and Dnipro" is a list) */
    size_t kept = 0;
    for (size_t i = 0; i < nc; i++) {
        const evm_mention *m = &d->mentions[cands[i].mention];
        if (kept) {
            const cand *pc = &cands[kept - 1];
            const evm_mention *pm = &d->mentions[pc->mention];
            uint32_t pe = pm->tok_first + pm->tok_count;
            const evm_place *outer = &d->places[m->place], *inner = &d->places[pm->place];
            if (pc->kind == cands[i].kind && tpunct(d, pe, ',') && m->tok_first == pe + 1 &&
                outer->level > inner->level && inner->admin1 && outer->name &&
                !strcmp(inner->admin1, outer->name))
                continue;
        }
        cands[kept++] = cands[i];
    }
    nc = kept;

    size_t n_strikes = 0;
    size_t spans[32][2], others[32][2];
    for (size_t i = 0; i < nc; i++) {
        n_strikes += cands[i].kind == EVM_EVENT_STRIKE;
        spans[i][0] = d->mentions[cands[i].mention].start;
        spans[i][1] = d->mentions[cands[i].mention].end;
    }
    /* a trigger dated long ago ("talks held in Istanbul in the spring of 2022") is background
     * for every place it attaches */
    bool old_trig[64] = {false};
    for (size_t i = 0; i < nc; i++) {
        const evm_mention *m = &d->mentions[cands[i].mention];
        size_t no = others_for(d, cands, nc, i, spans, others);
        bool historic;
        event_date(c, s, m->start, m->end, false, others, no, &historic);
        if (historic)
            old_trig[cands[i].trig] = true;
    }
    for (size_t i = 0; i < nc; i++) {
        const evm_mention *m = &d->mentions[cands[i].mention];
        if (old_trig[cands[i].trig])
            continue;
        if (cands[i].kind == EVM_EVENT_STRIKE) {
            bool known = false;
            for (size_t k = 0; weak && k < d->n_events; k++)
                known = known ||
                        (d->events[k].kind == EVM_EVENT_STRIKE && d->events[k].place == m->place);
            if (weak && !known)
                continue;
            evm_event *e = new_event(c, EVM_EVENT_STRIKE, cands[i].mention, si);
            /* the weapon nearest the place */
            wclass cls = W_NONE;
            uint32_t bestd = UINT32_MAX;
            for (size_t k = 0; k < ntr; k++) {
                if (!tr[k].sw.kind || tr[k].sw.kind == 4 ||
                    (tr[k].sw.cls == W_NONE && !tr[k].sw.weapon))
                    continue;
                uint32_t t = tr[k].tok;
                uint32_t dd = t < m->tok_first ? m->tok_first - t : t - m->tok_first;
                if (dd < bestd) {
                    bestd = dd;
                    cls = tr[k].sw.cls;
                    e->weapon = tr[k].sw.weapon;
                }
            }
            e->subtype = strike_subtype(cls, &e->cameo, &e->acled_sub_event);
            e->actor = actor;
            bool historic;
            size_t no = others_for(d, cands, nc, i, spans, others);
            e->date = event_date(c, s, m->start, m->end, false, others, no, &historic);
            if (historic) {
                d->n_events--;
                continue;
            }
            /* counts belong to the only place struck, or to the one they follow */
            bool own = n_strikes == 1;
            if (!own) {
                size_t next = SIZE_MAX;
                for (size_t k = i + 1; k < nc; k++)
                    if (cands[k].kind == EVM_EVENT_STRIKE) {
                        next = d->mentions[cands[k].mention].start;
                        break;
                    }
                size_t at = cas.killed >= 0 ? cas.killed_at : cas.injured_at;
                at += s->start;
                own = at > m->end && at < next && next != SIZE_MAX;
                for (uint32_t t = m->tok_first + m->tok_count; own && t < end; t++) {
                    if (d->tokens[t].start >= at)
                        break;
                    if (teq(d, t, "and") || tpunct(d, t, ','))
                        own = false;
                }
            }
            /* "a day after an earthquake killed 1,600": a toll nearer another cause is its */
            if (own && (cas.killed >= 0 || cas.injured >= 0)) {
                size_t at = s->start + (cas.killed >= 0 ? cas.killed_at : cas.injured_at);
                long near_strike = LONG_MAX, near_other = LONG_MAX;
                for (uint32_t t = first; t < end; t++) {
                    long dd = labs((long)d->tokens[t].start - (long)at);
                    if (strike_class(d, t, first).kind && dd < near_strike)
                        near_strike = dd;
                    if (tin(d, t, BIT(other_causes)) && dd < near_other)
                        near_other = dd;
                }
                own = near_strike <= near_other;
            }
            if (own) {
                e->killed = cas.killed;
                e->killed_at_least = cas.killed_at_least;
                e->injured = cas.injured;
                e->injured_at_least = cas.injured_at_least;
            }
            e->confidence = 0.45f + (e->weapon ? 0.15f : 0.0f) +
                            (e->date.precision != EVM_DATE_UNKNOWN ? 0.1f : 0.0f) +
                            (e->killed >= 0 || e->injured >= 0 ? 0.1f : 0.0f) + 0.15f * m->score;
        } else {
            const mword *mw = tr[cands[i].trig].mw;
            bool planned = planned_before(d, tr[cands[i].trig].tok, first) ||
                           planned_after(d, tr[cands[i].trig].tok, end) ||
                           (m->tok_first > tr[cands[i].trig].tok &&
                            planned_after(d, m->tok_first + m->tok_count - 1, end)) ||
                           (m->tok_first < tr[cands[i].trig].tok && m->tok_first > first &&
                            planned_before(d, m->tok_first - 1, first));
            /* diplomats, not "the council met in Springfield" or "budget talks" */
            if (!(strcmp(mw->subtype, "visit") && mw->need != 3 ? foreign : diplomatic))
                continue;
            if (mw->need == 1 || mw->need == 2) {
                /* welcome/host/receive need a person; arrive/travel need a person too */
                bool person = false;
                for (size_t k = occ_lower(c, first); k < c->n_occ && c->occ[k].tok < end; k++)
                    if (takes_part(c, s, &c->occ[k]))
                        person = true;
                /* a welcome needs its guest: a person or a delegation right after it */
                uint32_t tt = tr[cands[i].trig].tok;
                bool guest = mw->need != 1;
                size_t g = occ_lower(c, tt + 1);
                guest = guest || (g < c->n_occ && c->occ[g].tok <= tt + 6);
                for (uint32_t k = tt + 1; k < end && k <= tt + 6 && !guest; k++)
                    guest = tin(d, k, BIT(diplomatic_words));
                if (!person || !guest)
                    continue;
            }
            /* travelling somewhere is not an encounter: "arrived in Paris" only adds to a
             * meeting reported there, unless the sentence has its own meeting word */
            if (mw->need == 2) {
                bool own = false, known = false;
                for (size_t k = 0; k < ntr; k++)
                    own = own || (tr[k].mw && tr[k].mw->need != 2);
                for (size_t k = 0; !own && k < d->n_events; k++)
                    known = known || (d->events[k].kind == EVM_EVENT_MEETING &&
                                      d->events[k].place == landmark_town(d, m->place));
                if (!own && !known)
                    continue;
            }
            evm_event *e = new_event(c, EVM_EVENT_MEETING, cands[i].mention, si);
            e->subtype = mw->subtype;
            e->cameo = mw->cameo;
            e->status = planned ? EVM_STATUS_PLANNED : EVM_STATUS_OCCURRED;
            bool historic;
            size_t no = others_for(d, cands, nc, i, spans, others);
            e->date = event_date(c, s, m->start, m->end, planned, others, no, &historic);
            if (historic) {
                d->n_events--;
                continue;
            }
            /* with meetings at two places, people go to the nearer one */
            uint32_t lo = first, hi = end;
            for (size_t k = 0; k < nc; k++) {
                const evm_mention *mk = &d->mentions[cands[k].mention];
                if (k == i || cands[k].kind != EVM_EVENT_MEETING ||
                    landmark_town(d, mk->place) == landmark_town(d, m->place))
                    continue;
                uint32_t mid = (mk->tok_first + m->tok_first) / 2;
                if (mk->tok_first < m->tok_first && mid + 1 > lo)
                    lo = mid + 1;
                if (mk->tok_first > m->tok_first && mid + 1 < hi)
                    hi = mid + 1;
            }
            add_participants(c, e, s, lo, hi);
            e->confidence = 0.45f + (e->n_participants ? 0.15f : 0.0f) +
                            (e->date.precision != EVM_DATE_UNKNOWN ? 0.1f : 0.0f) +
                            (planned ? 0.0f : 0.1f) + 0.15f * m->score;
        }
    }

    /* A toll with no place right after a strike ("Kyiv was struck early on Monday. Two
     * people died.") belongs to that strike when it had none. */
    if (!nc && d->n_events && !other_cause && !names_place(c, si)) {
        evm_event *last = &d->events[d->n_events - 1];
        if (last->kind == EVM_EVENT_STRIKE && last->n_sources &&
            last->sources[last->n_sources - 1].sentence + 2 >= si && last->killed < 0 &&
            last->injured < 0) {
            evm_casualties k2;
            evm_count_casualties(d->text + s->start, s->end - s->start, &k2);
            if (k2.killed >= 0 || k2.injured >= 0) {
                last->killed = k2.killed;
                last->killed_at_least = k2.killed_at_least;
                last->injured = k2.injured;
                last->injured_at_least = k2.injured_at_least;
                evm_source *ns = evm_doc_alloc(d, (last->n_sources + 1) * sizeof *ns);
                memcpy(ns, last->sources, last->n_sources * sizeof *ns);
                ns[last->n_sources].article = d->id ? d->id : "";
                ns[last->n_sources].sentence = si;
                ns[last->n_sources].start = s->start;
                ns[last->n_sources].end = s->end;
                last->sources = ns;
                last->n_sources++;
            }
        }
    }

    /* A meeting sentence that names no place, right after one that did, adds its
     * participants to that meeting ("They were then to meet X and Y."). */
    bool has_meeting_cand = false;
    for (size_t i = 0; i < nc; i++)
        has_meeting_cand = has_meeting_cand || cands[i].kind == EVM_EVENT_MEETING;
    if (meeting_ok && !has_meeting_cand && !nc && !names_place(c, si)) {
        bool trig_m = false;
        for (uint32_t t = first; t < end && !trig_m; t++)
            trig_m = teq(d, t, "delegation") || teq(d, t, "delegations") ||
                     ((teq(d, t, "led") || teq(d, t, "headed")) && !teq(d, t + 1, "to"));
        for (size_t k = 0; k < ntr; k++) {
            if (!tr[k].mw || tr[k].mw->need == 2)
                continue;
            if (tr[k].mw->need == 0) {
                trig_m = true;
                continue;
            }
            /* "received Marco Rubio": a welcome needs the person welcomed */
            size_t o = occ_lower(c, tr[k].tok + 1);
            if (o < c->n_occ && c->occ[o].tok <= tr[k].tok + 6)
                trig_m = true;
        }
        if (!trig_m || d->n_events == 0)
            return;
        evm_event *last = &d->events[d->n_events - 1];
        if (last->kind != EVM_EVENT_MEETING || last->n_sources == 0 ||
            si - last->sources[last->n_sources - 1].sentence > 2)
            return;
        size_t before = last->n_participants;
        add_participants(c, last, s, first, end);
        if (last->n_participants == before)
            return;
        evm_source *ns = evm_doc_alloc(d, (last->n_sources + 1) * sizeof *ns);
        memcpy(ns, last->sources, last->n_sources * sizeof *ns);
        ns[last->n_sources].article = d->id ? d->id : "";
        ns[last->n_sources].sentence = si;
        ns[last->n_sources].start = s->start;
        ns[last->n_sources].end = s->end;
        last->sources = ns;
        last->n_sources++;
    }
}

/* Orders the mentions by sentence (counting sort, stable: text order kept within one). */
static void mentions_by_sentence(ctx *c)
{
    const evm_doc *d = c->doc;
    c->sent_mentions = evm_xcalloc(d->n_sentences + 2, sizeof *c->sent_mentions);
    c->by_sentence = evm_xmalloc((d->n_mentions + 1) * sizeof *c->by_sentence);
    for (size_t i = 0; i < d->n_mentions; i++)
        if (d->mentions[i].sentence < d->n_sentences)
            c->sent_mentions[d->mentions[i].sentence + 1]++;
    for (size_t s = 0; s < d->n_sentences; s++)
        c->sent_mentions[s + 1] += c->sent_mentions[s];
    size_t *fill = evm_xmalloc((d->n_sentences + 1) * sizeof *fill);
    memcpy(fill, c->sent_mentions, (d->n_sentences + 1) * sizeof *fill);
    for (size_t i = 0; i < d->n_mentions; i++)
        if (d->mentions[i].sentence < d->n_sentences)
            c->by_sentence[fill[d->mentions[i].sentence]++] = i;
    free(fill);
}

/* ---- the lexicon ------------------------------------------------------------------------ */

typedef struct lex_entry {
    const char *word;
    uint64_t bits;
} lex_entry;

static lex_entry *lexicon;
static size_t n_lexicon;
static uint32_t *lex_hash; /* open addressing: lexicon index + 1, 0 for empty */
static size_t lex_mask;

static uint32_t lex_fnv(const char *w)
{
    uint32_t h = 2166136261u;
    for (; *w; w++)
        h = (h ^ (unsigned char)*w) * 16777619u;
    return h;
}
static pthread_once_t lexicon_once = PTHREAD_ONCE_INIT;

static int lex_cmp(const void *a, const void *b)
{
    return strcmp(((const lex_entry *)a)->word, ((const lex_entry *)b)->word);
}

static void lex_add(size_t *cap, const char *w, uint64_t bits)
{
    evm_grow((void **)&lexicon, cap, n_lexicon + 1, sizeof *lexicon);
    lexicon[n_lexicon].word = w;
    lexicon[n_lexicon].bits = bits;
    n_lexicon++;
}

/* Builds the sorted word -> bits table from the lists (once per process; never freed). */
static void build_lexicon(void)
{
    static const struct {
        const char *const *list;
        int bit;
    } lists[] = {
        {missile_words, B_missile_words},
        {missile_quals, B_missile_quals},
        {drone_words, B_drone_words},
        {rocket_words, B_rocket_words},
        {artillery_words, B_artillery_words},
        {air_words, B_air_words},
        {bomb_words, B_bomb_words},
        {bomb_quals, B_bomb_quals},
        {bombing_words, B_bombing_words},
        {attack_words, B_attack_words},
        {casualty_words, B_casualty_words},
        {labour_context, B_labour_context},
        {modal_words, B_modal_words},
        {intercept_words, B_intercept_words},
        {damage_words, B_damage_words},
        {fillers, B_fillers},
        {strike_preps, B_strike_preps},
        {victim_nouns, B_victim_nouns},
        {strike_blockers, B_strike_blockers},
        {passive_aux, B_passive_aux},
        {passive_hits, B_passive_hits},
        {remote_words, B_remote_words},
        {meeting_preps, B_meeting_preps},
        {diplomatic_words, B_diplomatic_words},
        {strike_vetoes, B_strike_vetoes},
        {travel_words, B_travel_words},
        {meeting_blockers, B_meeting_blockers},
        {planned_words, B_planned_words},
        {force_words, B_force_words},
        {launch_verbs, B_launch_verbs},
        {role_heads, B_role_heads},
        {role_mods, B_role_mods},
        {name_stop, B_name_stop},
        {comment_verbs, B_comment_verbs},
        {temporal_conj, B_temporal_conj},
        {other_demonyms, B_other_demonyms},
        {name_particles, B_name_particles},
        {report_verbs, B_report_verbs},
        {duration_words, B_duration_words},
        {after_be, B_after_be},
        {plan_words, B_plan_words},
        {be_words, B_be_words},
        {civil_talks, B_civil_talks},
        {other_causes, B_other_causes},
        {mourning, B_mourning},
        {calendar_words, B_calendar_words},
        {function_words, B_function_words},
        {strike_nouns, B_strike_nouns},
        {ballistic_models, B_ballistic_models},
        {cruise_models, B_cruise_models},
        {hypersonic_models, B_hypersonic_models},
        {figurative_objects, B_figurative_objects},
    };
    size_t cap = 0;
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++)
        for (size_t k = 0; lists[i].list[k]; k++)
            lex_add(&cap, lists[i].list[k], 1ull << lists[i].bit);
    for (size_t i = 0; demonyms[i][0]; i++)
        lex_add(&cap, demonyms[i][0], BIT(demonyms));
    for (const mword *m = meeting_words; m->word; m++)
        lex_add(&cap, m->word, BIT(meeting_words));
    qsort(lexicon, n_lexicon, sizeof *lexicon, lex_cmp);
    size_t k = 0;
    for (size_t i = 0; i < n_lexicon; i++) {
        if (k && !strcmp(lexicon[k - 1].word, lexicon[i].word))
            lexicon[k - 1].bits |= lexicon[i].bits;
        else
            lexicon[k++] = lexicon[i];
    }
    n_lexicon = k;
    size_t size = 1;
    while (size < 2 * n_lexicon)
        size <<= 1;
    lex_mask = size - 1;
    lex_hash = evm_xcalloc(size, sizeof *lex_hash);
    for (size_t i = 0; i < n_lexicon; i++) {
        size_t slot = lex_fnv(lexicon[i].word) & lex_mask;
        while (lex_hash[slot])
            slot = (slot + 1) & lex_mask;
        lex_hash[slot] = (uint32_t)i + 1;
    }
}

static uint64_t lex_bits(const char *w)
{
    for (size_t slot = lex_fnv(w) & lex_mask; lex_hash[slot]; slot = (slot + 1) & lex_mask)
        if (!strcmp(lexicon[lex_hash[slot] - 1].word, w))
            return lexicon[lex_hash[slot] - 1].bits;
    return 0;
}

/* The lexicon bits of every token of doc (a heap array the caller frees). A word with a
 * final period also gets the bits of the word without it ("Gen." is "gen"). */
static uint64_t *token_flags(const evm_doc *doc)
{
    pthread_once(&lexicon_once, build_lexicon);
    uint64_t *f = evm_xcalloc(doc->n_tokens + 1, sizeof *f);
    char buf[32];
    for (size_t t = 0; t < doc->n_tokens; t++) {
        const evm_token *k = &doc->tokens[t];
        size_t n = k->end - k->start;
        if (k->kind != EVM_TOK_WORD || n >= sizeof buf)
            continue;
        for (size_t i = 0; i < n; i++) {
            char ch = doc->text[k->start + i];
            buf[i] = ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
        }
        buf[n] = '\0';
        f[t] = lex_bits(buf);
        if (n > 1 && buf[n - 1] == '.') {
            buf[n - 1] = '\0';
            f[t] |= lex_bits(buf);
        }
    }
    return f;
}

/* ---- public ------------------------------------------------------------------------------ */

/* Longest stretch of tokens read as one sentence. */
#define WINDOW 200

evm_err evm_event_extract(evm_doc *doc, evm_diag *diag)
{
    if (doc->n_sentences == 0 && doc->len > doc->body)
        return evm_diag_set(diag, EVM_ERR_INTERNAL, "event extraction on an unsegmented document");
    ctx c;
    memset(&c, 0, sizeof c);
    c.doc = doc;
    c.last_strike = -1;
    c.tok_mention = evm_xmalloc((doc->n_tokens + 1) * sizeof *c.tok_mention);
    c.tok_named = evm_xcalloc(doc->n_tokens + 1, sizeof *c.tok_named);
    for (size_t t = 0; t < doc->n_tokens; t++)
        c.tok_mention[t] = -1;
    for (size_t i = 0; i < doc->n_mentions; i++) {
        const evm_mention *m = &doc->mentions[i];
        for (uint32_t t = m->tok_first; t < m->tok_first + m->tok_count && t < doc->n_tokens; t++)
            c.tok_mention[t] = (int32_t)i;
    }
    mentions_by_sentence(&c);
    uint64_t *flags = token_flags(doc);
    tl_flags = flags;
    tl_doc = doc;
    find_people(&c);
    size_t ndip = 0;
    for (size_t t = 0; t < doc->n_tokens; t++) {
        if (!c.doc_weapons)
            c.doc_weapons = strike_class(doc, (uint32_t)t, (uint32_t)t).kind == 1;
        ndip += tin(doc, (uint32_t)t, BIT(diplomatic_words));
    }
    c.doc_diplomatic = ndip >= 3;
    for (uint32_t si = 0; si < doc->n_sentences; si++) {
        const evm_sentence *s = &doc->sentences[si];
        if (s->tok_count <= WINDOW) {
            sentence_events(&c, si, s);
            continue;
        }
        /* a "sentence" of thousands of words is not prose (a list, a dump, a run-on line):
         * read it in windows, so that no rule looks further than prose would let it */
        for (uint32_t a = s->tok_first; a < s->tok_first + s->tok_count; a += WINDOW) {
            uint32_t b =
                a + WINDOW < s->tok_first + s->tok_count ? a + WINDOW : s->tok_first + s->tok_count;
            evm_sentence w = {doc->tokens[a].start, doc->tokens[b - 1].end, a, b - a};
            sentence_events(&c, si, &w);
        }
    }
    tl_flags = NULL;
    tl_doc = NULL;
    free(flags);
    evm_event_merge_doc(doc);
    free(c.tok_mention);
    free(c.by_sentence);
    free(c.sent_mentions);
    free(c.tok_named);
    free(c.people);
    free(c.occ);
    return EVM_OK;
}

const char *evm_event_kind_name(evm_event_kind kind)
{
    return kind == EVM_EVENT_MEETING ? "meeting" : "strike";
}

const char *evm_event_status_name(evm_event_status status)
{
    return status == EVM_STATUS_PLANNED ? "planned" : "occurred";
}

const char *evm_event_precision_name(evm_date_precision precision)
{
    switch (precision) {
    case EVM_DATE_DAY:
        return "day";
    case EVM_DATE_WEEK:
        return "week";
    case EVM_DATE_MONTH:
        return "month";
    case EVM_DATE_YEAR:
        return "year";
    default:
        return "unknown";
    }
}

const char *evm_event_geo_precision(const evm_place *place)
{
    if (!place)
        return "unknown";
    switch (place->level) {
    case EVM_GEO_POINT:
        return "city";
    case EVM_GEO_ADMIN2:
    case EVM_GEO_ADMIN1:
        return "region";
    default:
        return "country";
    }
}
