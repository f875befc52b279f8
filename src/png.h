/* png.h: PNG encoding and decoding for the renderer (the only libpng user); render.c hands
 * it Cairo's pixels, tests read the pictures back through it. */
#ifndef EVM_PNG_H
#define EVM_PNG_H

#include <stdio.h>

#include "evmap.h"

/* A text chunk: `key` is a PNG keyword (1-79 Latin-1 letters, "Title", "Software"), `text`
 * any UTF-8 (written as tEXt when ASCII, iTXt otherwise). */
typedef struct evm_png_text {
    const char *key;
    const char *text;
} evm_png_text;

/* Encodes a Cairo ARGB32 image (premultiplied alpha, native-endian 32-bit pixels, `stride`
 * bytes per row) as PNG to `fp`: RGB when every pixel is opaque, RGBA otherwise, with an sRGB
 * chunk, pHYs from `dpi` (none when dpi <= 0) and the text chunks. Does not close fp.
 * Errors: EVM_ERR_RENDER (libpng failed), EVM_ERR_IO (write failed). */
evm_err evm_png_write(FILE *fp, const unsigned char *argb, int width, int height, int stride,
                      double dpi, const evm_png_text *texts, size_t n_texts, evm_diag *diag);

/* evm_png_write for pixels the caller is done with (a surface about to be destroyed): the
 * image is converted over them, so `argb` holds no picture afterwards. Same PNG bytes. */
evm_err evm_png_write_consume(FILE *fp, unsigned char *argb, int width, int height, int stride,
                              double dpi, const evm_png_text *texts, size_t n_texts,
                              evm_diag *diag);

/* A decoded picture: 8-bit RGBA rows, top to bottom, 4 * width bytes each. */
typedef struct evm_png_image {
    int width, height;
    double dpi; /* from pHYs, 0 when absent */
    unsigned char *rgba;
    char *title; /* the "Title" text chunk, or NULL */
    char *crs;   /* the "CRS" text chunk, or NULL */
} evm_png_image;

/* Reads any PNG into img (expanded to 8-bit RGBA). Free with evm_png_image_clear.
 * Errors: EVM_ERR_IO (cannot open), EVM_ERR_INPUT (not a PNG or corrupt). */
evm_err evm_png_read(const char *path, evm_png_image *img, evm_diag *diag);

/* Frees what evm_png_read allocated; accepts a zeroed image. */
void evm_png_image_clear(evm_png_image *img);

#endif
