// Attention where the plugin was built without cuDNN's headers (CMakeLists.txt): every case says so.

#include "attention_case.h"

namespace rl_cuda {
namespace {

constexpr const char* kWhy = "unsupported: this CUDA plugin was built without cuDNN headers (cudnn_graph.h), so it "
                             "has no attention; rebuild with ROOFLINE_CUDNN_INCLUDE_DIR set";

} // namespace

std::string attention_library_version()
{
    return "no cuDNN (built without its headers)";
}

rl_status attention_support(DeviceContext&, const CaseSpec&, std::string& reason)
{
    reason = kWhy;
    return RL_STATUS_UNSUPPORTED;
}

CaseResult run_attention_case(DeviceContext&, const CaseSpec&, const StopPoll&)
{
    CaseResult result;
    result.status = RL_STATUS_UNSUPPORTED;
    result.message = kWhy;
    return result;
}

} // namespace rl_cuda
