#pragma once
// The held-out error of the attention, FFN and elementwise terms (bench_holdout --llm FILE…): the rows of `llm` and
// `layers` plan runs, split by shape, each half calibrated and used to predict the other, per kernel and phase.

#include <string>
#include <vector>

// Prints the tables; returns 0 when the targets (<= 10 % mean |error|, >= 80 % green held out, per kernel and
// phase, both folds) are met, 1 otherwise. `base_key` names the profile calibration starts from (h200).
int attention_ffn_holdout(const std::vector<std::string>& results_files, const std::string& base_key, bool print_rows);
