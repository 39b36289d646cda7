#pragma once

#include "roofline/model/hardware.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace roofline {

// Reads one hardware profile (preset or user file). A profile may name `"base": "h100_sxm"` and give only the
// fields it changes; `resolve_base` fills the rest from the registry. Throws InputError naming file and field.
HardwareSpec parse_hardware_json(std::string_view text, const std::string& source_name,
                                 const HardwareSpec* base = nullptr);
std::string base_key_of(std::string_view profile_text, const std::string& source_name);
// Every number a profile document sets, as source paths: "peak_bandwidth_gb_s", "peak_tflops.FP16",
// "kernel_efficiency.gemv.FP16". A number with no source in the document is sourced to
// kProfileSourcePrefix + the file.
std::vector<std::string> numeric_field_paths(const nlohmann::ordered_json& doc);
inline constexpr const char* kProfileSourcePrefix = "profile file ";
std::string hardware_to_json(const HardwareSpec& spec, int indent = 2);

// The JSON texts of the presets in resources/hardware/, compiled into the binary.
struct EmbeddedPreset {
    std::string_view file_name;
    std::string_view json;
};
const std::vector<EmbeddedPreset>& embedded_presets();

// Where user and calibrated profiles live: $ROOFLINE_LAB_DATA_DIR, else $XDG_DATA_HOME/roofline-lab, else
// ~/.local/share/roofline-lab. Profiles are in its `hardware/` folder, benchmark runs in `runs/`.
std::filesystem::path user_data_dir();
std::filesystem::path user_hardware_dir();

class HardwareRegistry {
public:
    // The compiled-in presets only.
    static HardwareRegistry presets();
    // Presets, then the user's profiles on top (same key overrides). Problems with user files are collected
    // in `problems()`, never fatal: a broken profile must not stop the app from starting.
    static HardwareRegistry presets_and_user(const std::filesystem::path& dir = user_hardware_dir());

    void add(HardwareSpec spec); // replaces any spec with the same key
    // Loads every *.json in dir; returns how many loaded.
    std::size_t load_directory(const std::filesystem::path& dir);
    // Loads one file; throws InputError.
    const HardwareSpec& load_file(const std::filesystem::path& file);

    const HardwareSpec* find(std::string_view key) const;
    // Like find, but throws InputError listing the known keys.
    const HardwareSpec& get(std::string_view key) const;
    const std::vector<HardwareSpec>& all() const { return specs_; }
    std::vector<std::string> keys() const;
    const std::vector<std::string>& problems() const { return problems_; }

private:
    std::string key_list() const;

    std::vector<HardwareSpec> specs_;
    std::vector<std::string> problems_;
};

} // namespace roofline
