/* NaV: the 12-state Markov sodium channel (Carter et al. 2012; bionet-spec.md §4.9), g = gbar O.
 *
 * Closed states C1-C5 lead to the open state O; each has an inactivated twin I1-I5, and O
 * inactivates to I6. A step is implicit Euler of the linear scheme dy/dt = Q(v) y with the I6
 * row replaced by the conservation sum y = 1, a 12 x 12 solve per instance. The initial state
 * solves the scheme's steady state as the model file writes it, including the coefficient of
 * I4 in the I3 row (bi3 where b13 is meant), which NEURON reproduces and so must Cadenza. */
#include <string.h>

#include "bionet/mechanisms/kinds.h"
#include "bionet/mechanisms/mech_math.h"

enum { GBAR };
enum { C1, C2, C3, C4, C5, O, I1, I2, I3, I4, I5, I6, NS };

/* The transition rates at v (1/ms). */
typedef struct nav_rates {
  double f0[4], b0[4]; /* Ck -> Ck+1 and back */
  double f1[4], b1[4]; /* Ik -> Ik+1 and back */
  double fi[5], bi[5]; /* Ck -> Ik and back */
  double f0O, b0O, f1n, b1n, fin, bin;
} nav_rates;

/* The model file's factors of the inactivated and the closed-to-inactivated transitions. */
#define NAV_ALFAC 2.51
#define NAV_BTFAC 5.32

/* alfac^k and btfac^k, k = 0..4: the model file's pow calls, made once per thread rather than
 * per instance and step (the same values). */
typedef struct nav_powers {
  double alfac[5], btfac[5];
} nav_powers;

static const nav_powers *powers(void) {
  static _Thread_local nav_powers p;
  static _Thread_local bool made;
  if (!made) {
    for (int k = 0; k < 5; k++) {
      p.alfac[k] = pow(NAV_ALFAC, k);
      p.btfac[k] = pow(NAV_BTFAC, k);
    }
    made = true;
  }
  return &p;
}

/* q: the temperature factor, cz_mech_q(celsius, 37). */
static nav_rates rates_at(double v, double q, const nav_powers *pw) {
  const double alpha = 400, beta = 12, gamma = 250, delta = 60, con = 0.01, coff = 40, oon = 8, ooff = 0.05;
  const double alfac = NAV_ALFAC, btfac = NAV_BTFAC, x1 = 24, x2 = -24;
  const double a = cz_nrn_exp(v / x1), b = cz_nrn_exp(v / x2);
  nav_rates r;
  for (int k = 0; k < 4; k++) {
    r.f0[k] = (4 - k) * alpha * a * q;
    r.b0[k] = (k + 1) * beta * b * q;
    r.f1[k] = (4 - k) * alpha * alfac * a * q;
    r.b1[k] = (k + 1) * beta * b * q / btfac;
  }
  for (int k = 0; k < 5; k++) {
    r.fi[k] = con * pw->alfac[k] * q;
    r.bi[k] = coff * q / pw->btfac[k];
  }
  r.f0O = gamma * q;
  r.b0O = delta * q;
  r.f1n = gamma * q;
  r.b1n = delta * q;
  r.fin = oon * q;
  r.bin = ooff * q;
  return r;
}

/* Q[to][from] of one transition from -> to at rate k. */
static void flow(double Q[NS][NS], int from, int to, double k) {
  Q[to][from] += k;
  Q[from][from] -= k;
}

static void generator(const nav_rates *r, double Q[NS][NS]) {
  for (int i = 0; i < NS; i++)
    for (int j = 0; j < NS; j++) Q[i][j] = 0;
  for (int k = 0; k < 4; k++) {
    flow(Q, C1 + k, C1 + k + 1, r->f0[k]);
    flow(Q, C1 + k + 1, C1 + k, r->b0[k]);
    flow(Q, I1 + k, I1 + k + 1, r->f1[k]);
    flow(Q, I1 + k + 1, I1 + k, r->b1[k]);
  }
  for (int k = 0; k < 5; k++) {
    flow(Q, C1 + k, I1 + k, r->fi[k]);
    flow(Q, I1 + k, C1 + k, r->bi[k]);
  }
  flow(Q, C5, O, r->f0O);
  flow(Q, O, C5, r->b0O);
  flow(Q, I5, I6, r->f1n);
  flow(Q, I6, I5, r->b1n);
  flow(Q, O, I6, r->fin);
  flow(Q, I6, O, r->bin);
}

/* Solves A x = b in place (x in b) by Gaussian elimination with partial pivoting. Two thirds of
 * the scheme's matrix stay zero, and the operations with a zero factor are skipped: x - 0 y is
 * x, but for the sign of a zero x, and a zero entry only ever meets a zero test or another
 * product with a zero factor (the right-hand side, probabilities, is never 0). So the result
 * has the same bits, without the divisions and products that change nothing. */
static void solve(double A[NS][NS], double b[NS]) {
  for (int c = 0; c < NS; c++) {
    int p = c;
    for (int r = c + 1; r < NS; r++)
      if (fabs(A[r][c]) > fabs(A[p][c])) p = r;
    if (p != c) {
      for (int j = 0; j < NS; j++) {
        const double t = A[c][j];
        A[c][j] = A[p][j];
        A[p][j] = t;
      }
      const double t = b[c];
      b[c] = b[p];
      b[p] = t;
    }
    for (int r = c + 1; r < NS; r++) {
      if (A[r][c] == 0) continue;
      const double f = A[r][c] / A[c][c];
      if (f == 0) continue;
      for (int j = c; j < NS; j++)
        if (A[c][j] != 0) A[r][j] -= f * A[c][j];
      b[r] -= f * b[c];
    }
  }
  for (int c = NS - 1; c >= 0; c--) {
    double s = b[c];
    for (int j = c + 1; j < NS; j++)
      if (A[c][j] != 0) s -= A[c][j] * b[j];
    b[c] = s / A[c][c];
  }
}

static void nav_init(cz_mech *m, const cz_mech_env *env) {
  const nav_powers *pw = powers();
  const double q = cz_mech_q(env->celsius, 37.0);
  for (size_t k = 0; k < m->n; k++) {
    const nav_rates r = rates_at(env->cable->v[m->node[k]], q, pw);
    double A[NS][NS], y[NS] = {0};
    generator(&r, A);
    A[I3][I4] = r.bi[2]; /* the model file's steady state: bi3 where b13 is meant */
    for (int j = 0; j < NS; j++) A[I6][j] = 1.0;
    y[I6] = 1.0;
    solve(A, y);
    for (int s = 0; s < NS; s++) m->s[s][k] = y[s];
  }
}

static void nav_current(const cz_mech *m, const cz_mech_env *env) {
  for (size_t k = 0; k < m->n; k++) {
    const uint32_t i = m->node[k];
    cz_mech_add_ohmic(env, i, m->p[GBAR][k] * m->s[O][k], env->ions->ena[i], env->ions->ina);
  }
}

/* The implicit Euler system of one instance: (I / dt - Q) y' = y / dt, the I6 row the sum. */
static void step_system(const cz_mech *m, size_t k, double v, double q, const nav_powers *pw, double dt,
                        double A[NS][NS], double y[NS]) {
  const nav_rates r = rates_at(v, q, pw);
  generator(&r, A);
  for (int s = 0; s < NS; s++) {
    for (int j = 0; j < NS; j++) A[s][j] = -A[s][j];
    A[s][s] += 1.0 / dt;
    y[s] = m->s[s][k] / dt;
  }
  for (int j = 0; j < NS; j++) A[I6][j] = 1.0;
  y[I6] = 1.0;
}

static void advance_one(cz_mech *m, const cz_mech_env *env, size_t k, double q, const nav_powers *pw) {
  double A[NS][NS], y[NS];
  step_system(m, k, env->cable->v[m->node[k]], q, pw, env->dt, A, y);
  solve(A, y);
  for (int s = 0; s < NS; s++) m->s[s][k] = y[s];
}

/* Blocks of W instances, solved side by side: solve()'s operations on each lane, its skips
 * of zero factors as masks. The system is column diagonally dominant for dt < 1 ms (each
 * column's off-diagonal entries sum to at most its outflow, plus the 1 of the sum row, against
 * 1 / dt plus the outflow), so solve() never swaps rows; where a lane would, the block goes
 * through solve() one instance at a time instead. */
#ifdef CZ_MECH_LANES
enum { W = 4 }; /* AVX2 */
#else
enum { W = 2 }; /* SSE2 */
#endif
typedef double lanes __attribute__((vector_size(W * sizeof(double))));
typedef int64_t masks __attribute__((vector_size(W * sizeof(double))));

static inline lanes pick(masks c, lanes a, lanes b) {
  masks am, bm;
  memcpy(&am, &a, sizeof am);
  memcpy(&bm, &b, sizeof bm);
  const masks r = (am & c) | (bm & ~c);
  lanes out;
  memcpy(&out, &r, sizeof out);
  return out;
}

/* Where the system can hold a non-zero, fill-in included: the generator's transitions, the
 * diagonal and the sum row, then every entry the elimination may write (made once per thread).
 * Elsewhere an entry is a zero that solve() only ever tests, never uses: skipping it there
 * changes nothing. */
typedef struct nav_pattern {
  bool nz[NS][NS];
} nav_pattern;

static const nav_pattern *pattern(void) {
  static _Thread_local nav_pattern p;
  static _Thread_local bool made;
  if (made) return &p;
  nav_rates one;
  double *all = (double *)&one;
  for (size_t i = 0; i < sizeof one / sizeof(double); i++) all[i] = 1.0;
  double Q[NS][NS];
  generator(&one, Q);
  for (int r = 0; r < NS; r++)
    for (int j = 0; j < NS; j++) p.nz[r][j] = Q[r][j] != 0 || r == j || r == I6;
  for (int c = 0; c < NS; c++)
    for (int r = c + 1; r < NS; r++)
      if (p.nz[r][c])
        for (int j = c; j < NS; j++) p.nz[r][j] |= p.nz[c][j];
  made = true;
  return &p;
}

static inline bool any(masks c) {
  int64_t x = 0;
  for (int l = 0; l < W; l++) x |= c[l];
  return x != 0;
}

static inline lanes absolute(lanes x) {
  const lanes zero = {0};
  return pick(x < zero, -x, x);
}

static bool solve_lanes(lanes A[NS][NS], lanes b[NS]) {
  const nav_pattern *p = pattern();
  const lanes zero = {0};
  for (int c = 0; c < NS; c++) {
    masks swap = {0};
    for (int r = c + 1; r < NS; r++)
      if (p->nz[r][c]) swap |= absolute(A[r][c]) > absolute(A[c][c]);
    if (any(swap)) return false;
    for (int r = c + 1; r < NS; r++) {
      if (!p->nz[r][c]) continue;
      const lanes f = A[r][c] / A[c][c];
      const masks row = (A[r][c] != zero) & (f != zero);
      for (int j = c; j < NS; j++)
        if (p->nz[c][j]) A[r][j] = pick(row & (A[c][j] != zero), A[r][j] - f * A[c][j], A[r][j]);
      b[r] = pick(row, b[r] - f * b[c], b[r]);
    }
  }
  for (int c = NS - 1; c >= 0; c--) {
    lanes s = b[c];
    for (int j = c + 1; j < NS; j++)
      if (p->nz[c][j]) s = pick(A[c][j] != zero, s - A[c][j] * b[j], s);
    b[c] = s / A[c][c];
  }
  return true;
}

static void advance_block(cz_mech *m, const cz_mech_env *env, size_t k0, double q, const nav_powers *pw) {
  lanes A[NS][NS], y[NS];
  for (int l = 0; l < W; l++) {
    double Al[NS][NS], yl[NS];
    step_system(m, k0 + l, env->cable->v[m->node[k0 + l]], q, pw, env->dt, Al, yl);
    for (int s = 0; s < NS; s++) {
      for (int j = 0; j < NS; j++) A[s][j][l] = Al[s][j];
      y[s][l] = yl[s];
    }
  }
  if (!solve_lanes(A, y)) {
    for (int l = 0; l < W; l++) advance_one(m, env, k0 + l, q, pw);
    return;
  }
  for (int s = 0; s < NS; s++)
    for (int l = 0; l < W; l++) m->s[s][k0 + l] = y[s][l];
}

static void nav_advance(cz_mech *m, const cz_mech_env *env) {
  const nav_powers *pw = powers();
  const double q = cz_mech_q(env->celsius, 37.0);
  size_t k = 0;
  for (; k + W <= m->n; k += W) advance_block(m, env, k, q, pw);
  for (; k < m->n; k++) advance_one(m, env, k, q, pw);
}

const cz_mech_kind CZ_MECH_KIND(NaV) = {
    .name = "NaV", .nparam = 1, .param = {"gbar"}, .param_default = {0.015}, .nstate = NS,
    .state = {"C1", "C2", "C3", "C4", "C5", "O", "I1", "I2", "I3", "I4", "I5", "I6"},
    .init = nav_init, .current = nav_current, .advance = nav_advance,
};
