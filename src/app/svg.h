/* A small SVG canvas for the plots of `cadenza plot`: a figure with one set of axes in data
 * coordinates, ticks at round numbers, and marks with a class per kind (so tests and style
 * sheets can find them). The output is plain SVG 1.1 that browsers render as is. */
#ifndef CZ_APP_SVG_H
#define CZ_APP_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/status.h"

/* How a figure is laid out: the legend's longest entry in characters (the plot area leaves
 * room for it on the right; 0 for no legend), and whether x is on a log2 axis (ticks at the
 * powers of two, x0 > 0). */
typedef struct cz_svg_layout {
  size_t legend_chars;
  bool xlog2;
} cz_svg_layout;

typedef struct cz_svg {
  FILE *fp;
  double x0, x1, y0, y1; /* data range */
  double left, top, width, height; /* plot area in pixels */
  bool xlog2;
} cz_svg;

/* The width in pixels that a legend entry of n characters takes at most (12 px sans-serif;
 * the widest common glyphs, digits and lower case, stay below 7.5 px). */
double cz_svg_legend_width(size_t n);

/* Starts a figure of w x h pixels with a title; the axes span [x0, x1] x [y0, y1] (widened
 * when empty) with axis labels. */
void cz_svg_begin(cz_svg *s, FILE *fp, int w, int h, const cz_svg_layout *lay, const char *title, const char *xlabel,
                  const char *ylabel, double x0, double x1, double y0, double y1);
double cz_svg_x(const cz_svg *s, double x);
double cz_svg_y(const cz_svg *s, double y);
/* A dot of class cls and fill color at data point (x, y). */
void cz_svg_dot(const cz_svg *s, const char *cls, const char *color, double x, double y, double r);
/* A polyline of n data points. */
void cz_svg_polyline(const cz_svg *s, const char *cls, const char *color, const double *x, const double *y, size_t n);
/* A legend entry (k-th) at the top right. */
void cz_svg_legend(const cz_svg *s, int k, const char *color, const char *text);
void cz_svg_end(cz_svg *s);

/* The k-th of a fixed set of distinguishable colors. */
const char *cz_svg_color(size_t k);

#endif
