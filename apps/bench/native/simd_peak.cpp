// Native 128-bit SIMD peak per core (apps/bench, issue 19): the ceiling for any WebAssembly GEMM on
// this host, since WebAssembly SIMD is 128 bits wide and V8 allocates only xmm0-xmm15.
//
// Built by src/native_peak.ts at bench time: g++ -O2 -mavx2 -mfma -pthread simd_peak.cpp.
// Two kernels, each a loop that updates ACC = 12 independent accumulators the way a GEMM
// micro-kernel updates its register tile, acc[i][j] += x[i] * y[j] on 4-float vectors (2 x 6):
//   fma:    one vfmadd231ps (xmm) per accumulator and iteration (8 flops);
//   muladd: one vmulps and one vaddps (xmm) per accumulator and iteration (8 flops), compiled with
//           fp-contract off so the compiler cannot fuse them.
// The x vectors go through an empty asm statement every iteration, so the compiler can neither
// hoist the 12 products out of the loop nor share them between accumulators; the y vectors come
// from memory it cannot see through (volatile). x and y are close to 1, so the accumulators grow
// slowly (no overflow, no denormals). src/native_peak.ts checks both kernels' instructions with
// objdump (12 xmm FMAs; 12 xmm multiplies and 12 adds and no FMA) before it trusts a figure.
//
//   simd_peak --op fma|muladd [--threads 1] [--min-time-ms 500] [--min-reps 5]
//
// Prints one JSON line: {"op", "threads", "gflops" (median over repeats of all threads' flops /
// wall time), "minGflops", "maxGflops", "reps", "iters"} or {"error": "..."} (exit code 3).
#include <immintrin.h>
#include <pthread.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

// 12 accumulators hide a 4-cycle FMA (or a multiply feeding an add) on two pipes; with the two x
// vectors they keep 14 of the 16 xmm registers (V8 also allocates xmm0-xmm15 only), and the six y
// vectors are register or memory operands (loads, as a GEMM's packed panel is).
#define ACC 12

static volatile float kX = 1.0000001f;
static volatile float kY = 0.9999999f;

/** X(i, j) for the 2 x 6 tile. */
#define TILE(X) X(0, 0) X(0, 1) X(0, 2) X(0, 3) X(0, 4) X(0, 5) X(1, 0) X(1, 1) X(1, 2) X(1, 3) X(1, 4) X(1, 5)
#define DECL(i, j) __m128 a##i##j = _mm_set1_ps(static_cast<float>((i) * 6 + (j)));
#define SUM(i, j) s = _mm_add_ps(s, a##i##j);
#define OPERANDS                                                                               \
  __m128 x0 = _mm_set1_ps(kX), x1 = _mm_set1_ps(kX + 1e-7f);                                  \
  const __m128 y0 = _mm_set1_ps(kY), y1 = _mm_set1_ps(kY - 1e-7f), y2 = _mm_set1_ps(kY - 2e-7f), \
               y3 = _mm_set1_ps(kY - 3e-7f), y4 = _mm_set1_ps(kY - 4e-7f), y5 = _mm_set1_ps(kY - 5e-7f);

extern "C" __attribute__((noinline)) float simd_peak_fma(long iters) {
  OPERANDS
  TILE(DECL)
  for (long it = 0; it < iters; it++) {
    __asm__("" : "+x"(x0), "+x"(x1));
#define STEP_FMA(i, j) a##i##j = _mm_fmadd_ps(x##i, y##j, a##i##j);
    TILE(STEP_FMA)
  }
  __m128 s = _mm_setzero_ps();
  TILE(SUM)
  return _mm_cvtss_f32(s);
}

extern "C" __attribute__((noinline, optimize("fp-contract=off"))) float simd_peak_muladd(long iters) {
  OPERANDS
  TILE(DECL)
  for (long it = 0; it < iters; it++) {
    __asm__("" : "+x"(x0), "+x"(x1));
#define STEP_MULADD(i, j) a##i##j = _mm_add_ps(a##i##j, _mm_mul_ps(x##i, y##j));
    TILE(STEP_MULADD)
  }
  __m128 s = _mm_setzero_ps();
  TILE(SUM)
  return _mm_cvtss_f32(s);
}

/** Flops of one iteration: ACC chains x 4 lanes x 2 (a multiply and an add, fused or not). */
static const double kFlopsPerIter = ACC * 4 * 2;

typedef float (*Kernel)(long);

struct Worker {
  Kernel kernel;
  long iters;
  pthread_barrier_t* start;
  float result;
};

static void* runWorker(void* p) {
  Worker* w = static_cast<Worker*>(p);
  pthread_barrier_wait(w->start);
  w->result = w->kernel(w->iters);
  return nullptr;
}

/** Seconds for `threads` threads to each run `iters` iterations (wall time, from a common start). */
static double timeRun(Kernel kernel, int threads, long iters, float* sink) {
  std::vector<pthread_t> ids(threads);
  std::vector<Worker> ws(threads);
  pthread_barrier_t start;
  pthread_barrier_init(&start, nullptr, threads + 1);
  for (int t = 0; t < threads; t++) {
    ws[t] = Worker{kernel, iters, &start, 0.0f};
    pthread_create(&ids[t], nullptr, runWorker, &ws[t]);
  }
  auto t0 = std::chrono::steady_clock::now();
  pthread_barrier_wait(&start);
  for (int t = 0; t < threads; t++) pthread_join(ids[t], nullptr);
  auto t1 = std::chrono::steady_clock::now();
  pthread_barrier_destroy(&start);
  for (int t = 0; t < threads; t++) *sink += ws[t].result;
  return std::chrono::duration<double>(t1 - t0).count();
}

static int fail(const char* msg) {
  std::printf("{\"error\": \"%s\"}\n", msg);
  return 3;
}

int main(int argc, char** argv) {
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma"))
    return fail("this CPU lacks AVX2 or FMA");
  std::string op = "fma";
  int threads = 1;
  double minTimeMs = 500;
  int minReps = 5;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    const char* v = argv[i + 1];
    if (k == "--op") op = v;
    else if (k == "--threads") threads = std::atoi(v);
    else if (k == "--min-time-ms") minTimeMs = std::atof(v);
    else if (k == "--min-reps") minReps = std::atoi(v);
    else return fail("usage: simd_peak --op fma|muladd [--threads n] [--min-time-ms ms] [--min-reps n]");
  }
  if (op != "fma" && op != "muladd") return fail("--op must be fma or muladd");
  if (threads < 1 || threads > 64 || minReps < 1 || !(minTimeMs >= 0)) return fail("bad --threads, --min-reps or --min-time-ms");
  Kernel kernel = op == "fma" ? simd_peak_fma : simd_peak_muladd;
  float sink = 0;
  // Calibrate: one repeat lasts ~50 ms (and the first calls warm the core's clock up).
  long iters = 1 << 16;
  for (;;) {
    double s = timeRun(kernel, threads, iters, &sink);
    if (s >= 0.05 || iters >= (1L << 40)) break;
    iters = s > 0.005 ? static_cast<long>(iters * 0.05 / s) : iters * 8;
  }
  std::vector<double> gflops;
  auto begin = std::chrono::steady_clock::now();
  while (static_cast<int>(gflops.size()) < minReps ||
         std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - begin).count() < minTimeMs) {
    double s = timeRun(kernel, threads, iters, &sink);
    gflops.push_back(kFlopsPerIter * iters * threads / s / 1e9);
    if (gflops.size() >= 1000) break;
  }
  if (!(sink == sink)) return fail("the chains became NaN");
  std::vector<double> sorted = gflops;
  std::sort(sorted.begin(), sorted.end());
  size_t n = sorted.size();
  double med = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  std::printf(
      "{\"op\": \"%s\", \"threads\": %d, \"gflops\": %.4f, \"minGflops\": %.4f, \"maxGflops\": %.4f, \"reps\": %zu, \"iters\": %ld}\n",
      op.c_str(), threads, med, sorted[0], sorted[n - 1], n, iters);
  return 0;
}
