#include "cuda_check.h"

#include <cstring>

namespace rl_cuda {
namespace {

// __FILE__ is an absolute path; keep the part from the project's folders on, which is what a reader can open.
const char* short_path(const char* file)
{
    for (const char* marker : {"gpu/cuda/", "tests/gpu/"})
        if (const char* p = std::strstr(file, marker))
            return p;
    return file;
}

} // namespace

std::string call_site(const char* file, int line, const char* call)
{
    return std::string(short_path(file)) + ":" + std::to_string(line) + ": " + call + " failed: ";
}

std::string cuda_error_text(cudaError_t error)
{
    return std::string(cudaGetErrorName(error)) + " (" + cudaGetErrorString(error) + ")";
}

std::string cublas_status_text(cublasStatus_t status)
{
    return std::string(cublasGetStatusName(status)) + " (" + cublasGetStatusString(status) + ")";
}

void throw_cuda_error(const char* file, int line, const char* call, cudaError_t error)
{
    // An allocation that does not fit is "not now", not a broken device: the host may retry a smaller case.
    const rl_status status = error == cudaErrorMemoryAllocation ? RL_STATUS_SKIPPED : RL_STATUS_FAILED;
    throw Error(status, call_site(file, line, call) + cuda_error_text(error));
}

void throw_cublas_error(const char* file, int line, const char* call, cublasStatus_t status)
{
    const rl_status rl = status == CUBLAS_STATUS_ALLOC_FAILED ? RL_STATUS_SKIPPED : RL_STATUS_FAILED;
    throw Error(rl, call_site(file, line, call) + cublas_status_text(status));
}

} // namespace rl_cuda
