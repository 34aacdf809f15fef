// Owning pointers for the library's handles, so that every exit path of a command releases them.
#ifndef MONOQUANT_TOOLS_HANDLES_H
#define MONOQUANT_TOOLS_HANDLES_H

#include <memory>

#include "monoquant/monoquant.h"

namespace mq::tool {

struct HandleDeleter {
  void operator()(mq_context* c) const { mq_context_destroy(c); }
  void operator()(mq_model* m) const { mq_model_close(m); }
  void operator()(mq_plan* p) const { mq_plan_destroy(p); }
  void operator()(mq_report* r) const { mq_report_destroy(r); }
  void operator()(mq_packed_weights* w) const { mq_packed_destroy(w); }
};

using ContextPtr = std::unique_ptr<mq_context, HandleDeleter>;
using ModelPtr = std::unique_ptr<mq_model, HandleDeleter>;
using PlanPtr = std::unique_ptr<mq_plan, HandleDeleter>;
using ReportPtr = std::unique_ptr<mq_report, HandleDeleter>;
using PackedPtr = std::unique_ptr<mq_packed_weights, HandleDeleter>;

}  // namespace mq::tool

#endif
