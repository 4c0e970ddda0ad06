#include "app/svg.h"

#include <math.h>

/* Characters that cannot appear in SVG text as they are. */
static void put_text(FILE *fp, const char *t) {
  for (; t && *t; t++) {
    if (*t == '<') fputs("&lt;", fp);
    else if (*t == '>') fputs("&gt;", fp);
    else if (*t == '&') fputs("&amp;", fp);
    else if (*t == '"') fputs("&quot;", fp);
    else fputc(*t, fp);
  }
}

/* A round tick step giving about n ticks over span: 1, 2 or 5 times a power of ten. */
static double tick_step(double span, int n) {
  const double raw = span / n, p = pow(10.0, floor(log10(raw))), f = raw / p;
  return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
}

double cz_svg_x(const cz_svg *s, double x) {
  if (s->xlog2) return s->left + (log2(x) - log2(s->x0)) / (log2(s->x1) - log2(s->x0)) * s->width;
  return s->left + (x - s->x0) / (s->x1 - s->x0) * s->width;
}
double cz_svg_y(const cz_svg *s, double y) { return s->top + s->height - (y - s->y0) / (s->y1 - s->y0) * s->height; }

static void axis_ticks(const cz_svg *s) {
  FILE *fp = s->fp;
  const double bottom = s->top + s->height;
  const double dx = tick_step(s->x1 - s->x0, 8), dy = tick_step(s->y1 - s->y0, 6);
  const double xfirst = s->xlog2 ? exp2(ceil(log2(s->x0) - 1e-9)) : ceil(s->x0 / dx) * dx;
  for (double x = xfirst; x <= s->x1 * (1 + 1e-9) + (s->xlog2 ? 0 : 1e-9 * dx); x = s->xlog2 ? 2 * x : x + dx) {
    const double px = cz_svg_x(s, x);
    fprintf(fp, "<line class=\"tick\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#000\"/>\n", px, bottom, px,
            bottom + 5);
    fprintf(fp, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"12\" text-anchor=\"middle\">%g</text>\n", px, bottom + 18,
            fabs(x) < 1e-12 * dx ? 0.0 : x);
  }
  for (double y = ceil(s->y0 / dy) * dy; y <= s->y1 + 1e-9 * dy; y += dy) {
    const double py = cz_svg_y(s, y);
    fprintf(fp, "<line class=\"tick\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#000\"/>\n", s->left - 5,
            py, s->left, py);
    fprintf(fp, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"12\" text-anchor=\"end\">%g</text>\n", s->left - 8, py + 4,
            fabs(y) < 1e-12 * dy ? 0.0 : y);
  }
}

enum { LEGEND_GAP = 15, LEGEND_SWATCH = 15, LEGEND_PAD = 10 };

double cz_svg_legend_width(size_t n) { return LEGEND_GAP + LEGEND_SWATCH + 7.5 * (double)n + LEGEND_PAD; }

void cz_svg_begin(cz_svg *s, FILE *fp, int w, int h, const cz_svg_layout *lay, const char *title, const char *xlabel,
                  const char *ylabel, double x0, double x1, double y0, double y1) {
  if (!(x1 > x0)) x1 = lay->xlog2 ? 2 * x0 : x0 + 1;
  if (!(y1 > y0)) y1 = y0 + 1;
  /* the legend's room on the right, the plot area keeping at least half the figure */
  const double right = fmin(fmax(30.0, lay->legend_chars ? cz_svg_legend_width(lay->legend_chars) : 30.0), w / 2.0);
  *s = (cz_svg){fp, x0, x1, y0, y1, 70, 40, w - 70 - right, h - 40 - 50, lay->xlog2};
  fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
              "font-family=\"sans-serif\">\n", w, h, w, h);
  fprintf(fp, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n", w, h);
  fprintf(fp, "<text x=\"%.2f\" y=\"24\" font-size=\"16\" text-anchor=\"middle\">", s->left + s->width / 2);
  put_text(fp, title);
  fprintf(fp, "</text>\n");
  fprintf(fp, "<rect class=\"axes\" x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"none\" stroke=\"#000\"/>\n",
          s->left, s->top, s->width, s->height);
  axis_ticks(s);
  fprintf(fp, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"13\" text-anchor=\"middle\">", s->left + s->width / 2,
          s->top + s->height + 40);
  put_text(fp, xlabel);
  fprintf(fp, "</text>\n<text transform=\"translate(18 %.2f) rotate(-90)\" font-size=\"13\" text-anchor=\"middle\">",
          s->top + s->height / 2);
  put_text(fp, ylabel);
  fprintf(fp, "</text>\n");
}

void cz_svg_dot(const cz_svg *s, const char *cls, const char *color, double x, double y, double r) {
  fprintf(s->fp, "<circle class=\"%s\" cx=\"%.2f\" cy=\"%.2f\" r=\"%.2f\" fill=\"%s\"/>\n", cls, cz_svg_x(s, x),
          cz_svg_y(s, y), r, color);
}

void cz_svg_polyline(const cz_svg *s, const char *cls, const char *color, const double *x, const double *y, size_t n) {
  fprintf(s->fp, "<polyline class=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.2\" points=\"", cls, color);
  for (size_t i = 0; i < n; i++) fprintf(s->fp, "%s%.2f,%.2f", i ? " " : "", cz_svg_x(s, x[i]), cz_svg_y(s, y[i]));
  fprintf(s->fp, "\"/>\n");
}

void cz_svg_legend(const cz_svg *s, int k, const char *color, const char *text) {
  const double x = s->left + s->width + LEGEND_GAP, y = s->top + 10 + 20 * k;
  fprintf(s->fp, "<rect x=\"%.2f\" y=\"%.2f\" width=\"10\" height=\"10\" fill=\"%s\"/>\n", x, y, color);
  fprintf(s->fp, "<text class=\"legend\" x=\"%.2f\" y=\"%.2f\" font-size=\"12\">", x + LEGEND_SWATCH, y + 9);
  put_text(s->fp, text);
  fprintf(s->fp, "</text>\n");
}

void cz_svg_end(cz_svg *s) { fprintf(s->fp, "</svg>\n"); }

const char *cz_svg_color(size_t k) {
  static const char *const colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
                                       "#7f7f7f"};
  return colors[k % (sizeof colors / sizeof colors[0])];
}
