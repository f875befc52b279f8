/* label.h: collision-free label placement for the renderer: greedy, by priority, over
 * candidate positions around each symbol; a label that fits nowhere is dropped. Pure
 * geometry in pixels (render.c measures the text). */
#ifndef EVM_LABEL_H
#define EVM_LABEL_H

#include <stddef.h>

/* An axis-aligned box in pixels, x0 < x1, y0 < y1 (y down). */
typedef struct evm_box {
    double x0, y0, x1, y1;
} evm_box;

/* Whether two boxes overlap (touching edges do not count). */
int evm_box_intersects(evm_box a, evm_box b);

/* A label to place: the symbol it names, and the size of its text. */
typedef struct evm_label_item {
    double x, y;     /* symbol centre */
    double r;        /* symbol radius: the label keeps clear of it */
    double w, h;     /* first line (the name) */
    double w2, h2;   /* optional second line (a date); 0 when none */
    double priority; /* higher is placed first */
    int centred;     /* 1: only centred on (x, y), as an area's name (r is ignored) */
} evm_label_item;

/* Where a label went. `align` is 0 for left-aligned text (east of the symbol), 1 centred,
 * 2 right-aligned (west). `lines` is 0 when dropped, 1 for the name only, 2 with the date. */
typedef struct evm_label_pos {
    int lines;
    int align;
    evm_box box; /* the whole text block */
} evm_label_pos;

typedef struct evm_labeler evm_labeler;

/* A labeler for an image of width x height pixels; labels keep `margin` pixels from the
 * image edges and `gap` pixels from their symbol. */
evm_labeler *evm_label_new(double width, double height, double margin, double gap);
void evm_label_free(evm_labeler *lb);

/* Something labels must not cover (a symbol, the legend, the title). */
void evm_label_obstacle(evm_labeler *lb, evm_box box);

/* Queues a label; returns its index for evm_label_get. */
size_t evm_label_add(evm_labeler *lb, const evm_label_item *item);

/* Places every queued label, most important first (ties keep insertion order). */
void evm_label_place(evm_labeler *lb);

/* The placement of label i (after evm_label_place). */
evm_label_pos evm_label_get(const evm_labeler *lb, size_t i);

/* The boxes of the labels placed, in placement order; *n receives the count. */
const evm_box *evm_label_boxes(const evm_labeler *lb, size_t *n);

#endif
