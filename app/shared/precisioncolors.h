#pragma once

#include "roofline/model/precision.h"

#include <QColor>

// One colour per precision, the same in every chart, legend and export.
QColor precisionColor(roofline::Precision precision);

// The colour bands of the validation table (green < 10 %, yellow 10–25 %, red > 25 %), light enough for text on top.
QColor bandBackground(int band);
