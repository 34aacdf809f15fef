// Contexts through the shared library: ISA introspection and selection, the host's allocator and
// executor, versioned option structs, and independence from the caller's floating-point
// environment.
#include <gtest/gtest.h>

#include <atomic>
#include <cfenv>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

#include "api/api_test_util.h"
#include "monoquant/monoquant.h"
#include "support/random_data.h"

namespace {

TEST(Isa, ListStartsWithScalarAndEveryListedLevelIsSelectable) {
  uint32_t count = 0;
  ASSERT_EQ(mq_isa_list(nullptr, 0, &count), MQ_OK);
  ASSERT_GE(count, 1U);
  std::vector<mq_isa> isas(count);
  ASSERT_EQ(mq_isa_list(isas.data(), count, &count), MQ_OK);
  EXPECT_EQ(isas[0], MQ_ISA_SCALAR);
  mq_context* c = nullptr;
  ASSERT_EQ(mq_context_create(nullptr, &c), MQ_OK);
  for (const mq_isa isa : isas) {
    int32_t supported = 0;
    ASSERT_EQ(mq_isa_supported(isa, &supported), MQ_OK);
    EXPECT_EQ(supported, 1);
    const char* name = nullptr;
    ASSERT_EQ(mq_isa_name(isa, &name), MQ_OK);
    ASSERT_EQ(mq_context_set_isa(c, isa), MQ_OK) << name;
    mq_isa active = MQ_ISA_AUTO;
    ASSERT_EQ(mq_context_get_isa(c, &active), MQ_OK);
    EXPECT_EQ(active, isa);
  }
  // Capped at scalar, every family runs its scalar reference.
  ASSERT_EQ(mq_context_set_isa(c, MQ_ISA_SCALAR), MQ_OK);
  for (int f = MQ_KERNEL_GROUP_REDUCE; f <= MQ_KERNEL_GEMV; ++f) {
    const char* name = nullptr;
    ASSERT_EQ(mq_context_kernel_name(c, static_cast<mq_kernel_family>(f), 0, 0, &name), MQ_OK);
    EXPECT_STREQ(name, "scalar");
  }
  mq_context_destroy(c);
}

TEST(Isa, AnIsaThisCpuCannotRunIsRefusedWithoutChange) {
  mq_context* c = nullptr;
  ASSERT_EQ(mq_context_create(nullptr, &c), MQ_OK);
  mq_isa before = MQ_ISA_AUTO;
  ASSERT_EQ(mq_context_get_isa(c, &before), MQ_OK);
  for (int v = MQ_ISA_SCALAR; v <= MQ_ISA_NEON_I8MM; ++v) {
    int32_t supported = 1;
    ASSERT_EQ(mq_isa_supported(static_cast<mq_isa>(v), &supported), MQ_OK);
    if (supported) continue;
    MQ_EXPECT_FAILS(mq_context_set_isa(c, static_cast<mq_isa>(v)), MQ_ERR_UNSUPPORTED,
                    "cannot run on this CPU");
    mq_context_options o{};
    o.struct_size = sizeof(o);
    o.isa = static_cast<mq_isa>(v);
    mq_context* other = nullptr;
    MQ_EXPECT_FAILS(mq_context_create(&o, &other), MQ_ERR_UNSUPPORTED, "cannot run on this CPU");
    EXPECT_EQ(other, nullptr);
  }
  MQ_EXPECT_FAILS(mq_context_set_isa(c, static_cast<mq_isa>(99)), MQ_ERR_UNSUPPORTED,
                  "ISA value 99 is not a known ISA level");
  mq_isa after = MQ_ISA_AUTO;
  ASSERT_EQ(mq_context_get_isa(c, &after), MQ_OK);
  EXPECT_EQ(after, before);
  const char* name = nullptr;
  MQ_EXPECT_FAILS(mq_isa_name(static_cast<mq_isa>(42), &name), MQ_ERR_INVALID_ARGUMENT, "42");
  MQ_EXPECT_FAILS(mq_context_kernel_name(c, static_cast<mq_kernel_family>(0), 0, 0, &name),
                  MQ_ERR_INVALID_ARGUMENT, "kernel family 0");
  MQ_EXPECT_FAILS(mq_context_set_isa(nullptr, MQ_ISA_SCALAR), MQ_ERR_NULL_POINTER,
                  "context is NULL");
  mq_context_destroy(c);
}

TEST(Isa, NamesAreTheEnvironmentVariableNames) {
  const std::pair<mq_isa, const char*> names[] = {{MQ_ISA_AUTO, "auto"},
                                                  {MQ_ISA_SCALAR, "scalar"},
                                                  {MQ_ISA_AVX2, "avx2"},
                                                  {MQ_ISA_AVX512, "avx512"},
                                                  {MQ_ISA_AVX512VNNI, "avx512vnni"},
                                                  {MQ_ISA_NEON, "neon"},
                                                  {MQ_ISA_NEON_DOTPROD, "neon-dotprod"},
                                                  {MQ_ISA_NEON_I8MM, "neon-i8mm"}};
  for (const auto& [isa, expected] : names) {
    const char* name = nullptr;
    ASSERT_EQ(mq_isa_name(isa, &name), MQ_OK);
    EXPECT_STREQ(name, expected);
  }
}

// ---- host allocator ----
struct Counting {
  std::atomic<int> live{0};
  std::atomic<int> total{0};
  bool fail = false;
};

void* counting_alloc(void* user, size_t size, size_t alignment) {
  auto* c = static_cast<Counting*>(user);
  if (c->fail) return nullptr;
  void* p = nullptr;
  if (posix_memalign(&p, alignment < sizeof(void*) ? sizeof(void*) : alignment, size) != 0)
    return nullptr;
  ++c->live;
  ++c->total;
  return p;
}

void counting_free(void* user, void* p) {
  --static_cast<Counting*>(user)->live;
  std::free(p);
}

TEST(Context, HostAllocatorServesEveryAllocationAndGetsItAllBack) {
  Counting counting;
  mq_context_options o{};
  o.struct_size = sizeof(o);
  o.alloc_fn = counting_alloc;
  o.free_fn = counting_free;
  o.alloc_user = &counting;
  o.num_threads = 1;
  mq_context* c = nullptr;
  ASSERT_EQ(mq_context_create(&o, &c), MQ_OK);
  EXPECT_EQ(counting.live, 1);  // the context itself
  const auto w = mq::test::random_floats(64 * 4096, mq::test::Distribution::gaussian, 1);
  mq_packed_weights* p = nullptr;
  ASSERT_EQ(mq_packed_create_from_f32(c, w.data(), w.size(), 64, 4096, nullptr, &p), MQ_OK);
  EXPECT_EQ(counting.live, 3);  // + the handle and its data; the temporary buffers are gone
  const auto x = mq::test::random_floats(16 * 4096, mq::test::Distribution::gaussian, 2);
  std::vector<float> y(16 * 64);
  ASSERT_EQ(mq_gemm(c, p, MQ_COMPUTE_INT8, x.data(), x.size(), 16, nullptr, 0, y.data(), y.size()),
            MQ_OK);  // a workspace too large for the stack comes from the host
  EXPECT_EQ(counting.live, 3);
  // The handle keeps the allocator, so it may outlive its context.
  ASSERT_EQ(mq_context_destroy(c), MQ_OK);
  EXPECT_EQ(counting.live, 2);
  ASSERT_EQ(mq_packed_destroy(p), MQ_OK);
  EXPECT_EQ(counting.live, 0);
  EXPECT_GE(counting.total, 6);

  // An allocator that fails gives OUT_OF_MEMORY, never a crash.
  counting.fail = true;
  MQ_EXPECT_FAILS(mq_context_create(&o, &c), MQ_ERR_OUT_OF_MEMORY, "cannot allocate the context");
  o.free_fn = nullptr;
  MQ_EXPECT_FAILS(mq_context_create(&o, &c), MQ_ERR_INVALID_ARGUMENT, "must be given together");
}

TEST(Context, AllocationFailureDuringPackingLeavesNothingBehind) {
  Counting counting;
  mq_context_options o{};
  o.struct_size = sizeof(o);
  o.alloc_fn = counting_alloc;
  o.free_fn = counting_free;
  o.alloc_user = &counting;
  mq_context* c = nullptr;
  ASSERT_EQ(mq_context_create(&o, &c), MQ_OK);
  counting.fail = true;
  const auto w = mq::test::random_floats(8 * 256, mq::test::Distribution::gaussian, 3);
  mq_packed_weights* p = nullptr;
  MQ_EXPECT_FAILS(mq_packed_create_from_f32(c, w.data(), w.size(), 8, 256, nullptr, &p),
                  MQ_ERR_OUT_OF_MEMORY, "cannot allocate");
  EXPECT_EQ(p, nullptr);
  EXPECT_EQ(counting.live, 1);
  counting.fail = false;
  mq_context_destroy(c);
  EXPECT_EQ(counting.live, 0);
}

// ---- host executor ----
struct Executor {
  int32_t result = 0;
  bool skip_half = false;
  std::atomic<int> calls{0};
};

int32_t host_parallel_for(void* user, uint64_t count, mq_task_fn task, void* task_context) {
  auto* e = static_cast<Executor*>(user);
  ++e->calls;
  for (uint64_t i = 0; i < count; ++i) {
    if (e->skip_half && i % 2 == 1) continue;
    task(task_context, i);
  }
  return e->result;
}

TEST(Context, HostExecutorFailuresAreReportedAndOutputsZeroed) {
  Executor e;
  mq_context* c = mq::test::host_executor_context(host_parallel_for, &e, 4);
  ASSERT_NE(c, nullptr);
  const uint64_t rows = 512, cols = 1024;
  const auto w = mq::test::random_floats(rows * cols, mq::test::Distribution::gaussian, 4);
  std::vector<uint8_t> codes(rows * cols / 2);
  std::vector<float> scales(rows * 8);
  ASSERT_EQ(mq_quantize_int4(c, w.data(), w.size(), rows, cols, 128, MQ_SCHEME_SYMMETRIC,
                             codes.data(), codes.size(), scales.data(), scales.size(), nullptr, 0),
            MQ_OK);
  EXPECT_EQ(e.calls, 1);
  e.result = 7;
  MQ_EXPECT_FAILS(
      mq_quantize_int4(c, w.data(), w.size(), rows, cols, 128, MQ_SCHEME_SYMMETRIC, codes.data(),
                       codes.size(), scales.data(), scales.size(), nullptr, 0),
      MQ_ERR_CALLBACK_FAILED, "the host executor returned 7");
  for (const uint8_t b : codes) ASSERT_EQ(b, 0);
  e.result = 0;
  e.skip_half = true;
  MQ_EXPECT_FAILS(
      mq_quantize_int4(c, w.data(), w.size(), rows, cols, 128, MQ_SCHEME_SYMMETRIC, codes.data(),
                       codes.size(), scales.data(), scales.size(), nullptr, 0),
      MQ_ERR_CALLBACK_FAILED, "the host executor ran 2 of 4 tasks");
  mq_context_destroy(c);
}

// ---- versioned option structs ----
TEST(Context, OlderAndNewerOptionStructs) {
  // An older caller whose struct ends before `isa`: the fields it lacks take their defaults.
  mq_context_options old{};
  old.struct_size = static_cast<uint32_t>(offsetof(mq_context_options, isa));
  old.num_threads = 1;
  mq_context* c = nullptr;
  ASSERT_EQ(mq_context_create(&old, &c), MQ_OK);
  mq_context_destroy(c);
  // A newer caller: unknown trailing fields are accepted when zero, refused otherwise.
  struct Newer {
    mq_context_options base;
    uint64_t future_field;
  } newer{};
  newer.base.struct_size = sizeof(Newer);
  ASSERT_EQ(mq_context_create(&newer.base, &c), MQ_OK);
  mq_context_destroy(c);
  newer.future_field = 1;
  MQ_EXPECT_FAILS(mq_context_create(&newer.base, &c), MQ_ERR_UNSUPPORTED,
                  "sets fields it does not know");
  mq_context_options bad{};
  MQ_EXPECT_FAILS(mq_context_create(&bad, &c), MQ_ERR_INVALID_ARGUMENT,
                  "struct_size 0 is too small");
  bad.struct_size = 1u << 20;
  MQ_EXPECT_FAILS(mq_context_create(&bad, &c), MQ_ERR_INVALID_ARGUMENT, "implausibly large");
  bad.struct_size = sizeof(bad);
  bad.num_threads = 5000;
  MQ_EXPECT_FAILS(mq_context_create(&bad, &c), MQ_ERR_INVALID_ARGUMENT, "num_threads 5000 exceeds");
  bad.num_threads = 0;
  bad.log_level = static_cast<mq_log_level>(17);
  MQ_EXPECT_FAILS(mq_context_create(&bad, &c), MQ_ERR_INVALID_ARGUMENT, "log_level 17");
  bad.log_level = MQ_LOG_DEBUG;
  bad.reserved0 = 1;
  MQ_EXPECT_FAILS(mq_context_create(&bad, &c), MQ_ERR_INVALID_ARGUMENT, "reserved0");
  MQ_EXPECT_FAILS(mq_context_create(nullptr, nullptr), MQ_ERR_NULL_POINTER, "context is NULL");
  EXPECT_EQ(mq_context_destroy(nullptr), MQ_OK);
}

// ---- floating-point environment ----
// A host that rounds upward and flushes denormals (common in game engines) gets the same codes as
// one in the default environment, and gets its own environment back.
TEST(Context, CallerFloatingPointModeDoesNotChangeResults) {
  const uint64_t rows = 4, cols = 256;
  auto w = mq::test::random_floats(rows * cols, mq::test::Distribution::gaussian, 5);
  for (uint64_t c = 0; c < cols; ++c) w[cols + c] *= 1e-38F;  // subnormal-range values
  std::vector<uint8_t> want(rows * cols / 2), got(rows * cols / 2);
  std::vector<float> want_s(rows * 2), got_s(rows * 2);
  ASSERT_EQ(mq_quantize_int4(nullptr, w.data(), w.size(), rows, cols, 128, MQ_SCHEME_ASYMMETRIC,
                             want.data(), want.size(), want_s.data(), want_s.size(),
                             std::vector<uint8_t>(8).data(), 8),
            MQ_OK);
  const int old_round = std::fegetround();
  std::fesetround(FE_UPWARD);
#if defined(__x86_64__)
  const unsigned old_csr = _mm_getcsr();
  _mm_setcsr(_mm_getcsr() | 0x8040);  // FTZ | DAZ
#endif
  const mq_status st = mq_quantize_int4(nullptr, w.data(), w.size(), rows, cols, 128,
                                        MQ_SCHEME_ASYMMETRIC, got.data(), got.size(), got_s.data(),
                                        got_s.size(), std::vector<uint8_t>(8).data(), 8);
  const int round_after = std::fegetround();
#if defined(__x86_64__)
  const unsigned csr_after = _mm_getcsr();
  _mm_setcsr(old_csr);
#endif
  std::fesetround(old_round);
  ASSERT_EQ(st, MQ_OK);
  EXPECT_EQ(round_after, FE_UPWARD);
#if defined(__x86_64__)
  EXPECT_EQ(csr_after & 0x8040, 0x8040U);
#endif
  EXPECT_EQ(got, want);
  EXPECT_EQ(std::memcmp(got_s.data(), want_s.data(), want_s.size() * 4), 0);
}

}  // namespace
