// How much of its CPUs this host really gives a process, and how long waking a sleeping thread
// takes (apps/bench, issue 19): the two things that decide whether a second thread can pay.
//
// Built by src/host_capacity.ts at bench time: g++ -O2 -pthread host_capacity.cpp.
//   capacity: n threads (1, then 2) each read the monotonic clock in a tight loop for --ms
//     milliseconds; a gap of more than 20 us between two reads is time the thread did not run
//     (descheduled by the kernel or, on a VM, its vCPU by the host). A thread's running share is
//     1 - gaps / wall time; the sum over the threads is the CPUs' worth the host gave (ideal: n).
//   wake: a thread blocks in a futex; the main thread stores a new word, wakes it and spins until
//     the sleeper answers, --wakes times, 0.5 ms apart (so the sleeper is back in the futex): what
//     a thread pool pays to start a sleeping worker. Percentiles in microseconds.
//
//   speed: one thread pinned to each CPU of the process's affinity mask in turn runs a small
//     matrix product (64 x 64 floats, in L1: loads, stores and multiply-adds, like a GEMM tile)
//     and times it (the fastest of 5). vCPUs need not be equal: on a shared host one may sit on a
//     core whose sibling hyper-thread another guest keeps busy. A second thread gains at most
//     (its CPU's speed / the first one's) over one thread.
//
//   host_capacity [--ms 1000] [--wakes 200]
//
// Prints one JSON line: {"ms", "one" (share of 1 thread), "two" (shares of 2 threads),
// "cpus2" (their sum), "wakeUs": {"p10", "p50", "p90", "max"}, "cpuMs": [ms per CPU, in
// affinity order], "cpus": [their numbers]} or {"error": "..."} (exit code 3).
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

static double nowUs() {
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

static int fail(const char* why) {
  std::printf("{\"error\":\"%s\"}\n", why);
  return 3;
}

struct Spin {
  double ms = 0;
  double running = 0;
};

static void* spin(void* arg) {
  Spin* s = static_cast<Spin*>(arg);
  const double start = nowUs(), end = start + s->ms * 1000;
  double last = start, lost = 0, t;
  while ((t = nowUs()) < end) {
    if (t - last > 20) lost += t - last;
    last = t;
  }
  s->running = 1 - lost / (t - start);
  return nullptr;
}

/** The running shares of n threads spinning together. */
static std::vector<double> shares(int n, double ms) {
  std::vector<pthread_t> threads(n);
  std::vector<Spin> spins(n);
  for (int i = 0; i < n; i++) {
    spins[i].ms = ms;
    pthread_create(&threads[i], nullptr, spin, &spins[i]);
  }
  std::vector<double> out;
  for (int i = 0; i < n; i++) {
    pthread_join(threads[i], nullptr);
    out.push_back(spins[i].running);
  }
  return out;
}

static std::atomic<int> word{0}, answer{0};

static void* sleeper(void*) {
  for (int seen = 0;;) {
    int w;
    while ((w = word.load()) == seen) syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, seen, nullptr, nullptr, 0);
    seen = w;
    answer.store(w);
    if (w < 0) return nullptr;
  }
}

struct Speed {
  int cpu = 0;
  double ms = 0;
};

/** The matrix product's time (ms, fastest of 5) on the CPU this thread runs on. */
static void* product(void* arg) {
  Speed* s = static_cast<Speed*>(arg);
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(s->cpu, &one);
  if (pthread_setaffinity_np(pthread_self(), sizeof one, &one) != 0) {
    s->ms = -1;
    return nullptr;
  }
  const int n = 64;
  std::vector<float> a(n * n, 1.0001f), b(n * n, 0.9999f), c(n * n, 0.f);
  double best = 1e30;
  for (int rep = 0; rep < 5; rep++) {
    const double t0 = nowUs();
    for (int it = 0; it < 100; it++)
      for (int i = 0; i < n; i++)
        for (int k = 0; k < n; k++) {
          const float av = a[i * n + k];
          for (int j = 0; j < n; j++) c[i * n + j] += av * b[k * n + j];
        }
    best = std::min(best, (nowUs() - t0) / 1000);
  }
  // Keep the product: the compiler may not drop it.
  if (c[n + 1] == 42.f) std::printf(" ");
  s->ms = best;
  return nullptr;
}

/** Each CPU of the affinity mask in turn (one thread at a time): its product time. */
static std::vector<Speed> speeds() {
  cpu_set_t mask;
  CPU_ZERO(&mask);
  std::vector<Speed> out;
  if (sched_getaffinity(0, sizeof mask, &mask) != 0) return out;
  for (int cpu = 0; cpu < CPU_SETSIZE && out.size() < 64; cpu++) {
    if (!CPU_ISSET(cpu, &mask)) continue;
    Speed s;
    s.cpu = cpu;
    pthread_t th;
    pthread_create(&th, nullptr, product, &s);
    pthread_join(th, nullptr);
    if (s.ms > 0) out.push_back(s);
  }
  return out;
}

int main(int argc, char** argv) {
  double ms = 1000;
  int wakes = 200;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--ms") ms = std::atof(argv[i + 1]);
    else if (k == "--wakes") wakes = std::atoi(argv[i + 1]);
    else return fail("usage: host_capacity [--ms 1000] [--wakes 200]");
  }
  if (!(ms > 0) || wakes < 10) return fail("--ms must be positive and --wakes at least 10");
  const std::vector<double> one = shares(1, ms);
  const std::vector<double> two = shares(2, ms);
  static_assert(sizeof(std::atomic<int>) == sizeof(int), "the futex word must be a plain int");
  pthread_t th;
  pthread_create(&th, nullptr, sleeper, nullptr);
  std::vector<double> wake;
  for (int i = 1; i <= wakes; i++) {
    usleep(500);
    const double t0 = nowUs();
    word.store(i);
    syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
    while (answer.load() != i) {
    }
    wake.push_back(nowUs() - t0);
  }
  word.store(-1);
  syscall(SYS_futex, &word, FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
  pthread_join(th, nullptr);
  std::sort(wake.begin(), wake.end());
  const size_t n = wake.size();
  const std::vector<Speed> cpus = speeds();
  if (cpus.empty()) return fail("could not pin a thread to any CPU of the affinity mask");
  std::string cpuMs, cpuIds;
  for (const Speed& s : cpus) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s%.3f", cpuMs.empty() ? "" : ",", s.ms);
    cpuMs += buf;
    std::snprintf(buf, sizeof buf, "%s%d", cpuIds.empty() ? "" : ",", s.cpu);
    cpuIds += buf;
  }
  std::printf(
      "{\"ms\":%g,\"one\":%.4f,\"two\":[%.4f,%.4f],\"cpus2\":%.4f,\"wakeUs\":{\"p10\":%.2f,\"p50\":%.2f,\"p90\":%.2f,\"max\":%.1f},\"cpuMs\":[%s],\"cpus\":[%s]}\n",
      ms, one[0], two[0], two[1], two[0] + two[1], wake[n / 10], wake[n / 2], wake[9 * n / 10], wake[n - 1],
      cpuMs.c_str(), cpuIds.c_str());
  return 0;
}
