// How the C API cuts rows into tasks (internal view): no split under kMinBytesToSplit of work, no
// task under kMinBytesPerTask, tasks on whole row tiles that cover every row once, and no
// overflow for absurd amounts of work.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>

#include "capi/parallel.h"

namespace mq::capi {
namespace {

void expect_covers(const RowSplit& s, size_t rows, size_t row_tile) {
  ASSERT_GE(s.tasks, 1U);
  if (s.tasks > 1) {
    EXPECT_EQ(s.rows_per_task % row_tile, 0U);
  }
  EXPECT_LT((s.tasks - 1) * s.rows_per_task, rows);
  EXPECT_GE(s.tasks * s.rows_per_task, rows);
}

TEST(RowSplit, LittleWorkStaysInOneTask) {
  // 1 KiB short of the threshold, in 16-row tiles: one task whatever the thread count.
  const size_t rows = 1024;
  const RowSplit s = split_rows(rows, 16, (kMinBytesToSplit - 1024) / rows, 8);
  EXPECT_EQ(s.tasks, 1U);
  EXPECT_EQ(s.rows_per_task, rows);
}

TEST(RowSplit, EnoughWorkIsSplitIntoWholeTiles) {
  const size_t rows = 1031;
  const size_t work_per_row = kMinBytesToSplit / rows + 1;
  const RowSplit s = split_rows(rows, 16, work_per_row, 64);
  EXPECT_GT(s.tasks, 1U);
  // No task below kMinBytesPerTask of work (on average; the last may be shorter).
  EXPECT_GE(rows * work_per_row / s.tasks, kMinBytesPerTask);
  expect_covers(s, rows, 16);
  EXPECT_EQ(split_rows(rows, 16, work_per_row, 8).tasks, 8U);
}

TEST(RowSplit, OneTaskWhenOneIsAllowedOrOneTile) {
  EXPECT_EQ(split_rows(4096, 16, 1U << 20, 1).tasks, 1U);
  EXPECT_EQ(split_rows(16, 16, 1U << 20, 8).tasks, 1U);
}

TEST(RowSplit, HugeWorkDoesNotWrap) {
  const RowSplit s = split_rows(1000, 4, SIZE_MAX / 3, 8);
  EXPECT_EQ(s.tasks, 8U);
  expect_covers(s, 1000, 4);
}

}  // namespace
}  // namespace mq::capi
