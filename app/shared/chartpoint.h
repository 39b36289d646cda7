#pragma once

#include "roofline/model/calculator.h"
#include "roofline/model/precision.h"
#include "roofline/results/validation.h"

#include <QString>

#include <optional>

// One kernel on the roofline chart: a predicted circle and/or a measured triangle at the same arithmetic
// intensity, joined by a thin line when both exist.
struct ChartPoint {
    int id = -1; // the row it belongs to: selecting the row highlights the point
    roofline::Precision precision = roofline::Precision::FP16;
    double ai = 0; // [FLOP/byte]
    std::optional<double> predicted_tflops;
    std::optional<double> measured_tflops;
    // A second prediction of the same kernel (the calibrated profile's); with it the first one is drawn hollow
    // and the line to the measurement starts here.
    std::optional<double> calibrated_tflops;
    bool small = false; // sweep points: many of them, drawn smaller
    double scale = 1;   // marker size against the usual (a model's kernels: by their share of the step), 0.5 to 3

    double radius() const; // [px]
    QString tooltip;    // rich text: kernel, shape, precision, times, error
};

// A validation row as a chart point; nullopt when the row has neither a usable prediction nor a measurement.
// `calibrated`: the same row validated on a calibrated profile, predicted in `calibratedMode`.
std::optional<ChartPoint> chartPointFor(const roofline::ValidationRow& row, roofline::Mode mode, int id,
                                        const roofline::ValidationRow* calibrated = nullptr,
                                        roofline::Mode calibratedMode = roofline::Mode::Refined);

// A calculator prediction as a chart point.
ChartPoint chartPointFor(const roofline::KernelShape& shape, roofline::Precision precision,
                         const roofline::Prediction& prediction, int id);
