#include "support/real_weights.h"

#include <gtest/gtest.h>

#include <cstdio>

namespace mq::test {

const std::vector<RealMatrix>& real_matrices() {
  static const std::vector<RealMatrix> matrices = {
      {"ppocr_rec_svtr0_qkv", 360, 120, 17.99, 19.49, 19.95, 21.75, 43.07},
      {"ppocr_rec_ctc_head", 6625, 120, 19.11, 20.67, 20.77, 22.74, 44.28},
      {"ppocr_rec_pw_conv180", 480, 480, 16.63, 18.48, 19.19, 21.32, 34.24},
      {"ppocr_rec_se_conv117", 120, 480, 13.33, 15.69, 16.75, 19.83, 33.50},
      {"silero_v5_lstm_w_ih", 512, 128, 17.10, 19.28, 19.28, 21.53, 42.30},
      {"silero_v5_enc0_conv", 128, 387, 17.92, 20.90, 21.42, 24.94, 37.94},
      {"oww_hello_deepa_fc1", 32, 2400, 16.75, 18.50, 18.91, 20.97, 38.72},
  };
  return matrices;
}

std::vector<float> load_real_matrix(const RealMatrix& m) {
  const std::string path =
      std::string(MONOQUANT_TEST_DATA_DIR) + "/real-weights/" + m.name + ".f32";
  std::vector<float> data(m.rows * m.cols);
  std::FILE* f = std::fopen(path.c_str(), "rb");
  EXPECT_NE(f, nullptr) << "cannot open " << path;
  if (f == nullptr) return {};
  const size_t got = std::fread(data.data(), sizeof(float), data.size(), f);
  std::fclose(f);
  EXPECT_EQ(got, data.size()) << path << " is short";
  if (got != data.size()) return {};
  return data;
}

}  // namespace mq::test
