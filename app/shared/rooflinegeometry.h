#pragma once

#include "shared/chartpoint.h"

#include <QPointF>

#include <vector>

// Attainable throughput at an arithmetic intensity: min(AI × bandwidth, peak). [TFLOP/s]
double attainable(double ai, double bandwidth_gb_s, double peak_tflops);

// The roofline chart's log axes: whole decades with room around the data, so that labels read 0.1, 1, 10 … and no
// point sits on the frame; at least three decades wide.
struct AxisRanges {
    double xMin, xMax; // [FLOP/byte]
    double yMin, yMax; // [TFLOP/s]
};
// `knees`: each roof's ridge (x: its intensity, y: its peak); `bandwidth_gb_s`: the memory slope's, 0 for none.
AxisRanges fitAxisRanges(const std::vector<ChartPoint>& points, const std::vector<QPointF>& knees, double bandwidth_gb_s);
