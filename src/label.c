/* label.c: the renderer's label placement: each label tries up to eight positions around
 * its symbol (with and then without its second line) and takes the first that stays inside
 * the image and clear of symbols, furniture and labels already placed. */
#include "label.h"

#include <stdlib.h>

#include "evmap.h"

struct evm_labeler {
    double width, height, margin, gap;
    evm_box *obstacles;
    size_t n_obstacles, cap_obstacles;
    evm_label_item *items;
    evm_label_pos *pos;
    size_t n_items, cap_items, cap_pos;
    evm_box *placed;
    size_t n_placed, cap_placed;
};

int evm_box_intersects(evm_box a, evm_box b)
{
    return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

evm_labeler *evm_label_new(double width, double height, double margin, double gap)
{
    evm_labeler *lb = evm_xcalloc(1, sizeof *lb);
    lb->width = width;
    lb->height = height;
    lb->margin = margin;
    lb->gap = gap;
    return lb;
}

void evm_label_free(evm_labeler *lb)
{
    if (!lb)
        return;
    free(lb->obstacles);
    free(lb->items);
    free(lb->pos);
    free(lb->placed);
    free(lb);
}

void evm_label_obstacle(evm_labeler *lb, evm_box box)
{
    evm_grow((void **)&lb->obstacles, &lb->cap_obstacles, lb->n_obstacles + 1,
             sizeof *lb->obstacles);
    lb->obstacles[lb->n_obstacles++] = box;
}

size_t evm_label_add(evm_labeler *lb, const evm_label_item *item)
{
    evm_grow((void **)&lb->items, &lb->cap_items, lb->n_items + 1, sizeof *lb->items);
    evm_grow((void **)&lb->pos, &lb->cap_pos, lb->n_items + 1, sizeof *lb->pos);
    lb->items[lb->n_items] = *item;
    lb->pos[lb->n_items] = (evm_label_pos){0, 0, {0, 0, 0, 0}};
    return lb->n_items++;
}

static int fits(const evm_labeler *lb, evm_box b)
{
    if (b.x0 < lb->margin || b.y0 < lb->margin || b.x1 > lb->width - lb->margin ||
        b.y1 > lb->height - lb->margin)
        return 0;
    /* keep half the symbol gap of air around the text, also from other symbols and labels */
    double a = lb->gap / 2;
    b = (evm_box){b.x0 - a, b.y0 - a, b.x1 + a, b.y1 + a};
    for (size_t i = 0; i < lb->n_obstacles; i++)
        if (evm_box_intersects(b, lb->obstacles[i]))
            return 0;
    for (size_t i = 0; i < lb->n_placed; i++)
        if (evm_box_intersects(b, lb->placed[i]))
            return 0;
    return 1;
}

/* Candidate k (0..7) for a block of w x h around a symbol of radius r at (x, y): east,
 * north-east, south-east, west, north-west, south-west, north, south. The diagonal ones sit
 * where the symbol's circle leaves room (0.7 r). */
static evm_box candidate(const evm_label_item *it, double gap, double w, double h, int k,
                         int *align)
{
    double d = it->r + gap, dd = 0.7 * it->r + gap;
    double x = it->x, y = it->y;
    switch (k) {
    case 0:
        *align = 0;
        return (evm_box){x + d, y - h / 2, x + d + w, y + h / 2};
    case 1:
        *align = 0;
        return (evm_box){x + dd, y - dd - h, x + dd + w, y - dd};
    case 2:
        *align = 0;
        return (evm_box){x + dd, y + dd, x + dd + w, y + dd + h};
    case 3:
        *align = 2;
        return (evm_box){x - d - w, y - h / 2, x - d, y + h / 2};
    case 4:
        *align = 2;
        return (evm_box){x - dd - w, y - dd - h, x - dd, y - dd};
    case 5:
        *align = 2;
        return (evm_box){x - dd - w, y + dd, x - dd, y + dd + h};
    case 6:
        *align = 1;
        return (evm_box){x - w / 2, y - d - h, x + w / 2, y - d};
    default:
        *align = 1;
        return (evm_box){x - w / 2, y + d, x + w / 2, y + d + h};
    }
}

static int by_priority(const void *a, const void *b, const evm_labeler *lb)
{
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    double pi = lb->items[i].priority, pj = lb->items[j].priority;
    if (pi != pj)
        return pi > pj ? -1 : 1;
    return i < j ? -1 : (i > j);
}

void evm_label_place(evm_labeler *lb)
{
    size_t n = lb->n_items;
    size_t *order = evm_xmalloc((n ? n : 1) * sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    /* insertion sort: stable, and label counts are small */
    for (size_t i = 1; i < n; i++) {
        size_t v = order[i], j = i;
        while (j > 0 && by_priority(&v, &order[j - 1], lb) < 0) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = v;
    }
    lb->n_placed = 0;
    for (size_t oi = 0; oi < n; oi++) {
        size_t i = order[oi];
        const evm_label_item *it = &lb->items[i];
        evm_label_pos *p = &lb->pos[i];
        *p = (evm_label_pos){0, 0, {0, 0, 0, 0}};
        for (int lines = it->w2 > 0 ? 2 : 1; lines >= 1 && !p->lines; lines--) {
            double w = it->w, h = it->h;
            if (lines == 2) {
                w = it->w2 > w ? it->w2 : w;
                h += it->h2;
            }
            for (int k = 0; k < (it->centred ? 1 : 8); k++) {
                int align = 1;
                evm_box b = it->centred ? (evm_box){it->x - w / 2, it->y - h / 2, it->x + w / 2,
                                                    it->y + h / 2}
                                        : candidate(it, lb->gap, w, h, k, &align);
                if (fits(lb, b)) {
                    p->lines = lines;
                    p->align = align;
                    p->box = b;
                    evm_grow((void **)&lb->placed, &lb->cap_placed, lb->n_placed + 1,
                             sizeof *lb->placed);
                    lb->placed[lb->n_placed++] = b;
                    break;
                }
            }
        }
    }
    free(order);
}

evm_label_pos evm_label_get(const evm_labeler *lb, size_t i)
{
    if (i >= lb->n_items)
        return (evm_label_pos){0, 0, {0, 0, 0, 0}};
    return lb->pos[i];
}

const evm_box *evm_label_boxes(const evm_labeler *lb, size_t *n)
{
    *n = lb->n_placed;
    return lb->placed;
}
