#include "shared/rooflinegeometry.h"

#include <algorithm>
#include <cmath>

namespace {

double decadeBelow(double value)
{
    return std::pow(10.0, std::floor(std::log10(value)));
}

double decadeAbove(double value)
{
    return std::pow(10.0, std::ceil(std::log10(value)));
}

} // namespace

double attainable(double ai, double bandwidth_gb_s, double peak_tflops)
{
    return std::min(ai * bandwidth_gb_s / 1000.0, peak_tflops);
}

AxisRanges fitAxisRanges(const std::vector<ChartPoint>& points, const std::vector<QPointF>& knees, double bandwidth_gb_s)
{
    double xLow = INFINITY, xHigh = 0, yLow = INFINITY, yHigh = 0;
    auto takeX = [&](double x) {
        if (x > 0 && std::isfinite(x)) {
            xLow = std::min(xLow, x);
            xHigh = std::max(xHigh, x);
        }
    };
    auto takeY = [&](double y) {
        if (y > 0 && std::isfinite(y)) {
            yLow = std::min(yLow, y);
            yHigh = std::max(yHigh, y);
        }
    };
    for (const ChartPoint& p : points) {
        takeX(p.ai);
        if (p.predicted_tflops)
            takeY(*p.predicted_tflops);
        if (p.measured_tflops)
            takeY(*p.measured_tflops);
        if (p.calibrated_tflops)
            takeY(*p.calibrated_tflops);
    }
    for (const QPointF& knee : knees) {
        takeX(knee.x());
        takeY(knee.y());
    }
    if (xHigh <= 0) {
        xLow = 0.1;
        xHigh = 1000;
    }
    // Whole decades with room around the data, so labels read 0.1, 1, 10 … and no point sits on the frame.
    double xMin = decadeBelow(xLow / 3);
    double xMax = decadeAbove(xHigh * 3);
    while (xMax / xMin < 1e3 - 1) {
        xMin /= 10;
        if (xMax / xMin < 1e3 - 1)
            xMax *= 10;
    }
    if (bandwidth_gb_s > 0)
        takeY(attainable(xMin, bandwidth_gb_s, INFINITY) * 1.5);
    if (yHigh <= 0) {
        yLow = 0.1;
        yHigh = 100;
    }
    double yMax = decadeAbove(yHigh * 1.6);
    double yMin = std::max(decadeBelow(yLow / 1.6), yMax / 1e8);
    if (yMax / yMin < 100)
        yMin = yMax / 100;
    return {xMin, xMax, yMin, yMax};
}
