// Turns a family's kernel list into gtest parameters, so that a test written once runs for every
// variant of the family: each variant this build has is instantiated (and listed by name); one this
// CPU cannot run is skipped with a message, never silently passed.
#ifndef MONOQUANT_TESTS_SUPPORT_VARIANTS_H
#define MONOQUANT_TESTS_SUPPORT_VARIANTS_H

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/isa.h"
#include "common/select.h"

namespace mq::test {

template <class Kernel>
std::vector<const Kernel*> variants(kernels::KernelList<Kernel> list) {
  std::vector<const Kernel*> v;
  for (size_t i = 0; i < list.count; ++i) v.push_back(list.items[i]);
  return v;
}

struct VariantName {
  template <class Kernel>
  std::string operator()(const ::testing::TestParamInfo<const Kernel*>& info) const {
    std::string name = info.param->name;
    for (char& c : name) {
      if (c == '-') c = '_';
    }
    return name;
  }
};

}  // namespace mq::test

#define MQ_SKIP_IF_NOT_RUNNABLE(kernel)                                                \
  do {                                                                                 \
    if (!::mq::kernels::isa_runnable((kernel).isa)) {                                  \
      GTEST_SKIP() << "this CPU cannot run " << ::mq::kernels::isa_name((kernel).isa); \
    }                                                                                  \
  } while (0)

#endif
