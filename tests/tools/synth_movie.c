/* Writes the synthetic movie of filternet-popnet-spec.md §4.2 (filter_movie_synth's input,
 * which the shared data leave out): a .npy float64 array of 1000 frames of 60 x 80 pixels at
 * 1000 fps: frames 0-99 gray (0), 100-399 all +1, 400-499 gray, 500-899 a dark bar (-1) over
 * every row and the columns c with c0 <= c < c0 + 8, c0 = 10 + 0.15 (k - 500), 900-999 gray.
 *   synth_movie OUT.npy */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

enum { T = 1000, R = 60, C = 80 };

static double pixel(int k, int c) {
  if (k >= 100 && k < 400) return 1.0;
  if (k >= 500 && k < 900) {
    const double c0 = 10 + 0.15 * (k - 500);
    return c0 <= c && c < c0 + 8 ? -1.0 : 0.0;
  }
  return 0.0;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: synth_movie OUT.npy\n");
    return 2;
  }
  FILE *fp = fopen(argv[1], "wb");
  if (!fp) {
    perror(argv[1]);
    return 1;
  }
  char header[128];
  int n = snprintf(header, sizeof header, "{'descr': '<f8', 'fortran_order': False, 'shape': (%d, %d, %d), }", T, R, C);
  while ((10 + n + 1) % 64) header[n++] = ' ';
  header[n++] = '\n';
  const unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(n & 0xff), (unsigned char)(n >> 8)};
  fwrite(pre, 1, 10, fp);
  fwrite(header, 1, (size_t)n, fp);
  for (int k = 0; k < T; k++)
    for (int r = 0; r < R; r++)
      for (int c = 0; c < C; c++) {
        const double v = pixel(k, c);
        fwrite(&v, sizeof v, 1, fp); /* x86-64 and aarch64 are little-endian, as '<f8' says */
      }
  return fclose(fp) == 0 ? 0 : 1;
}
