#include "roofline/hardware/device_match.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace roofline {

namespace {

std::string upper(const std::string& text)
{
    std::string out;
    for (char c : text)
        out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

// "NVIDIA A100-PCIE-40GB" -> NVIDIA, A100, PCIE, 40GB: model names are matched as whole words, so that "A10" is not
// "A100" or "A10G" and "L4" is not "L40".
std::vector<std::string> words(const std::string& name)
{
    std::vector<std::string> out;
    std::string word;
    for (char c : name) {
        if (std::isalnum(static_cast<unsigned char>(c))) {
            word += c;
        } else if (!word.empty()) {
            out.push_back(word);
            word.clear();
        }
    }
    if (!word.empty())
        out.push_back(word);
    return out;
}

// "RTX 4090" exactly: the board's own name with nothing after the number. A suffix is another board with other SMs
// or bandwidth (4080 SUPER, 3090 Ti, 4090 D, the Laptop GPUs), which no preset describes.
bool is_board(const std::vector<std::string>& w, const char* number)
{
    const auto it = std::find(w.begin(), w.end(), number);
    return it != w.end() && it != w.begin() && *(it - 1) == "RTX" && it + 1 == w.end();
}

std::string guess_one(const std::string& device_name)
{
    const std::string name = upper(device_name);
    const std::vector<std::string> w = words(name);
    auto has = [&name](const char* part) { return name.find(part) != std::string::npos; };
    auto word = [&w](const char* part) { return std::find(w.begin(), w.end(), part) != w.end(); };
    // The profile from public GB10 measurements, not the plan's `b10` (whose figures are the plan's fit, kept exactly).
    if (has("GB10"))
        return "gb10";
    if (has("GB200"))
        return "gb200";
    if (has("B200"))
        return "b200";
    if (has("H200"))
        return "h200";
    if (has("H100"))
        return has("PCIE") ? "h100_pcie" : "h100_sxm"; // "H100 80GB HBM3" is the SXM part
    if (has("A100")) {
        if (!has("PCIE"))
            return "a100_sxm";
        return has("40GB") ? "a100_pcie_40gb" : "a100_pcie"; // "NVIDIA A100-PCIE-40GB", "NVIDIA A100 80GB PCIe"
    }
    if (has("L40S"))
        return "l40s";
    if (word("L4"))
        return "l4";
    if (word("T4"))
        return "t4"; // "Tesla T4"
    if (word("A10"))
        return "a10";
    if (has("RTX PRO 6000"))
        return "rtx_pro_6000";
    if (has("5090"))
        return "rtx_5090";
    if (is_board(w, "4090"))
        return "rtx_4090";
    if (is_board(w, "4080"))
        return "rtx_4080";
    if (is_board(w, "3090"))
        return "rtx_3090";
    return {};
}

} // namespace

std::string guess_hardware_key(const DeviceInfo& device)
{
    if (device.backend == "cpu")
        return "host";
    // llama-bench's gpu_info lists every device it ran on, ", " between them: a preset only when they are all one.
    std::string key;
    std::size_t start = 0;
    while (start <= device.name.size()) {
        const std::size_t end = std::min(device.name.find(',', start), device.name.size());
        const std::string one = guess_one(device.name.substr(start, end - start));
        if (one.empty() || (!key.empty() && one != key))
            return {};
        key = one;
        start = end + 1;
    }
    return key;
}

} // namespace roofline
