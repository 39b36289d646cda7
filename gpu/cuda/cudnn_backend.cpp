#include "cudnn_backend.h"

#include "cuda_check.h"
#include "device_context.h"

namespace rl_cuda {
namespace {

const CudnnApi& api()
{
    return CudnnLibrary::get().api();
}

// Descriptors a getter fills: cuDNN writes into descriptors the caller created.
struct DescriptorArray {
    DescriptorArray(cudnnBackendDescriptorType_t type, int64_t count)
    {
        for (int64_t i = 0; i < count; ++i) {
            owned.emplace_back(type);
            raw.push_back(owned.back().get());
        }
    }
    std::vector<BackendDescriptor> owned;
    std::vector<cudnnBackendDescriptor_t> raw;
};

std::string knob_text(const BackendDescriptor& config)
{
    constexpr int kMaxKnobs = CUDNN_KNOB_TYPE_COUNTS;
    DescriptorArray choices(CUDNN_BACKEND_KNOB_CHOICE_DESCRIPTOR, kMaxKnobs);
    std::vector<cudnnBackendDescriptor_t>& raw = choices.raw;
    int64_t count = 0;
    if (api().get_attribute(config.get(), CUDNN_ATTR_ENGINECFG_KNOB_CHOICES, CUDNN_TYPE_BACKEND_DESCRIPTOR, kMaxKnobs,
                            &count, raw.data())
        != CUDNN_STATUS_SUCCESS)
        return {};
    std::string text;
    for (int64_t i = 0; i < count; ++i) {
        cudnnBackendKnobType_t type{};
        int64_t value = 0, n = 0;
        if (api().get_attribute(raw[static_cast<size_t>(i)], CUDNN_ATTR_KNOB_CHOICE_KNOB_TYPE, CUDNN_TYPE_KNOB_TYPE, 1,
                                &n, &type)
                != CUDNN_STATUS_SUCCESS
            || api().get_attribute(raw[static_cast<size_t>(i)], CUDNN_ATTR_KNOB_CHOICE_KNOB_VALUE, CUDNN_TYPE_INT64, 1,
                                   &n, &value)
                   != CUDNN_STATUS_SUCCESS)
            continue;
        text += (text.empty() ? "" : " ") + std::to_string(static_cast<int>(type)) + "=" + std::to_string(value);
    }
    return text;
}

int64_t engine_index(const BackendDescriptor& config)
{
    BackendDescriptor engine(CUDNN_BACKEND_ENGINE_DESCRIPTOR);
    cudnnBackendDescriptor_t raw = engine.get();
    int64_t n = 0, index = -1;
    if (api().get_attribute(config.get(), CUDNN_ATTR_ENGINECFG_ENGINE, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &n, &raw)
            != CUDNN_STATUS_SUCCESS
        || api().get_attribute(raw, CUDNN_ATTR_ENGINE_GLOBAL_INDEX, CUDNN_TYPE_INT64, 1, &n, &index)
               != CUDNN_STATUS_SUCCESS)
        return -1;
    return index;
}

} // namespace

bool cudnn_not_supported(cudnnStatus_t status)
{
    // cuDNN 9 statuses are a category (thousands) plus a detail: 3xxx is "not supported".
    return static_cast<int>(status) / 1000 == CUDNN_STATUS_NOT_SUPPORTED / 1000;
}

BackendDescriptor::BackendDescriptor(cudnnBackendDescriptorType_t type)
{
    RL_CUDNN_CALL(api().create_descriptor(type, &desc_));
}

void BackendDescriptor::reset() noexcept
{
    if (desc_)
        static_cast<void>(api().destroy_descriptor(desc_));
    desc_ = nullptr;
}

void BackendDescriptor::set(cudnnBackendAttributeName_t name, cudnnBackendAttributeType_t type, int64_t count,
                            const void* values)
{
    const cudnnStatus_t status = api().set_attribute(desc_, name, type, count, values);
    if (status != CUDNN_STATUS_SUCCESS) {
        const std::string call = "cudnnBackendSetAttribute(attribute " + std::to_string(static_cast<int>(name)) + ")";
        throw_cudnn_error(__FILE__, __LINE__, call.c_str(), status);
    }
}

void BackendDescriptor::set(cudnnBackendAttributeName_t name, const BackendDescriptor& value)
{
    const cudnnBackendDescriptor_t raw = value.get();
    set(name, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &raw);
}

void BackendDescriptor::finalize()
{
    RL_CUDNN_CALL(api().finalize(desc_));
}

cudnnStatus_t BackendDescriptor::try_finalize()
{
    return api().finalize(desc_);
}

CudnnHandle::CudnnHandle(cudaStream_t stream)
{
    const cudnnStatus_t created = api().create(&handle_);
    if (cudnn_not_supported(created)) // this GPU or driver is not one the installed cuDNN runs on
        throw Error(RL_STATUS_UNSUPPORTED, "unsupported by cuDNN " + CudnnLibrary::get().version_text()
                                               + ": cudnnCreate: " + cudnn_status_text(created));
    RL_CUDNN_CALL(created);
    const cudnnStatus_t status = api().set_stream(handle_, stream);
    if (status != CUDNN_STATUS_SUCCESS) {
        static_cast<void>(api().destroy(handle_));
        handle_ = nullptr;
        RL_CUDNN_CALL(status);
    }
}

CudnnHandle::~CudnnHandle()
{
    if (handle_)
        static_cast<void>(api().destroy(handle_));
}

CudnnHandle& DeviceContext::cudnn()
{
    if (!cudnn_) {
        const CudnnLibrary& library = CudnnLibrary::get();
        if (!library.available())
            throw Error(RL_STATUS_UNSUPPORTED, library.why_not());
        cudnn_ = std::make_shared<CudnnHandle>(stream_.get());
    }
    return *cudnn_;
}

std::string EnginePlan::describe() const
{
    return "engine " + std::to_string(engine_id) + " (heuristic " + (fallback ? "fallback" : "A") + " #"
           + std::to_string(heuristic_rank) + " of "
           + std::to_string(offered) + (knobs.empty() ? ")" : ", knobs " + knobs + ")");
}

namespace {

EnginePlans plans_of_mode(cudnnHandle_t handle, const BackendDescriptor& graph, int max_plans,
                          cudnnBackendHeurMode_t mode)
{
    const bool fallback = mode == CUDNN_HEUR_MODE_FALLBACK;
    const std::string mode_name = fallback ? "fallback heuristics" : "heuristics A";
    BackendDescriptor heuristic(CUDNN_BACKEND_ENGINEHEUR_DESCRIPTOR);
    heuristic.set(CUDNN_ATTR_ENGINEHEUR_OPERATION_GRAPH, graph);
    heuristic.set(CUDNN_ATTR_ENGINEHEUR_MODE, CUDNN_TYPE_HEUR_MODE, mode);
    EnginePlans result;
    const cudnnStatus_t heur_status = heuristic.try_finalize();
    if (heur_status != CUDNN_STATUS_SUCCESS) {
        result.refusals = mode_name + ": " + cudnn_status_text(heur_status);
        return result;
    }
    int64_t count = 0;
    RL_CUDNN_CALL(api().get_attribute(heuristic.get(), CUDNN_ATTR_ENGINEHEUR_RESULTS, CUDNN_TYPE_BACKEND_DESCRIPTOR, 0,
                                      &count, nullptr));
    DescriptorArray configs_array(CUDNN_BACKEND_ENGINECFG_DESCRIPTOR, count);
    const std::vector<BackendDescriptor>& configs = configs_array.owned;
    int64_t returned = 0;
    if (count > 0)
        RL_CUDNN_CALL(api().get_attribute(heuristic.get(), CUDNN_ATTR_ENGINEHEUR_RESULTS,
                                          CUDNN_TYPE_BACKEND_DESCRIPTOR, count, &returned, configs_array.raw.data()));
    result.offered = static_cast<int>(returned);
    for (int64_t i = 0; i < returned && static_cast<int>(result.plans.size()) < max_plans; ++i) {
        const BackendDescriptor& config = configs[static_cast<size_t>(i)];
        EnginePlan candidate;
        candidate.engine_id = engine_index(config);
        candidate.knobs = knob_text(config);
        candidate.heuristic_rank = static_cast<int>(i + 1);
        candidate.offered = result.offered;
        candidate.fallback = fallback;
        candidate.plan = BackendDescriptor(CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR);
        candidate.plan.set(CUDNN_ATTR_EXECUTION_PLAN_HANDLE, CUDNN_TYPE_HANDLE, handle);
        candidate.plan.set(CUDNN_ATTR_EXECUTION_PLAN_ENGINE_CONFIG, config);
        const cudnnStatus_t status = candidate.plan.try_finalize();
        if (status != CUDNN_STATUS_SUCCESS) {
            result.refusals += (result.refusals.empty() ? mode_name + ": " : std::string("; ")) + "engine "
                               + std::to_string(candidate.engine_id) + ": " + cudnn_status_text(status);
            continue;
        }
        int64_t n = 0;
        RL_CUDNN_CALL(api().get_attribute(candidate.plan.get(), CUDNN_ATTR_EXECUTION_PLAN_WORKSPACE_SIZE,
                                          CUDNN_TYPE_INT64, 1, &n, &candidate.workspace_bytes));
        result.plans.push_back(std::move(candidate));
    }
    if (result.offered == 0 && result.refusals.empty())
        result.refusals = mode_name + " offered no engine";
    return result;
}

} // namespace

EnginePlans engine_plans(cudnnHandle_t handle, const BackendDescriptor& graph, int max_plans)
{
    EnginePlans plans = plans_of_mode(handle, graph, max_plans, CUDNN_HEUR_MODE_A);
    if (!plans.plans.empty())
        return plans;
    EnginePlans fallback = plans_of_mode(handle, graph, max_plans, CUDNN_HEUR_MODE_FALLBACK);
    fallback.refusals = plans.refusals + (fallback.refusals.empty() ? "" : "; " + fallback.refusals);
    fallback.offered += plans.offered;
    return fallback;
}

BackendDescriptor variant_pack(const std::vector<int64_t>& uids, const std::vector<void*>& pointers, void* workspace)
{
    BackendDescriptor pack(CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR);
    pack.set(CUDNN_ATTR_VARIANT_PACK_UNIQUE_IDS, CUDNN_TYPE_INT64, static_cast<int64_t>(uids.size()), uids.data());
    pack.set(CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS, CUDNN_TYPE_VOID_PTR, static_cast<int64_t>(pointers.size()),
             pointers.data());
    pack.set(CUDNN_ATTR_VARIANT_PACK_WORKSPACE, CUDNN_TYPE_VOID_PTR, workspace);
    pack.finalize();
    return pack;
}

} // namespace rl_cuda
