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
//   host_capacity [--ms 1000] [--wakes 200]
//
// Prints one JSON line: {"ms", "one" (share of 1 thread), "two" (shares of 2 threads),
// "cpus2" (their sum), "wakeUs": {"p10", "p50", "p90", "max"}} or {"error": "..."} (exit code 3).
#include <linux/futex.h>
#include <pthread.h>
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
  std::printf(
      "{\"ms\":%g,\"one\":%.4f,\"two\":[%.4f,%.4f],\"cpus2\":%.4f,\"wakeUs\":{\"p10\":%.2f,\"p50\":%.2f,\"p90\":%.2f,\"max\":%.1f}}\n",
      ms, one[0], two[0], two[1], two[0] + two[1], wake[n / 10], wake[n / 2], wake[9 * n / 10], wake[n - 1]);
  return 0;
}
