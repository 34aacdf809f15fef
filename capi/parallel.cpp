#include "capi/parallel.h"

#include <cstdint>

namespace mq::capi {

RowSplit split_rows(size_t rows, size_t row_tile, size_t work_per_row, uint32_t max_tasks) {
  const size_t tiles = (rows + row_tile - 1) / row_tile;
  size_t tasks = max_tasks;
  const size_t total = rows != 0 && work_per_row > SIZE_MAX / rows ? SIZE_MAX : rows * work_per_row;
  if (total < kMinBytesToSplit) return {1, rows};
  if (total / kMinBytesPerTask < tasks) tasks = total / kMinBytesPerTask;
  if (tiles < tasks) tasks = tiles;
  if (tasks <= 1) return {1, rows};
  const size_t tiles_per_task = (tiles + tasks - 1) / tasks;
  const size_t rows_per_task = tiles_per_task * row_tile;
  return {(rows + rows_per_task - 1) / rows_per_task, rows_per_task};
}

}  // namespace mq::capi
