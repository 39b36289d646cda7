#include "shared/precisioncolors.h"

#include "roofline/results/validation.h"

QColor precisionColor(roofline::Precision precision)
{
    using roofline::Precision;
    // Tableau-like palette: distinct on white, and the common pairs (FP16/BF16, FP8 E4M3/E5M2) stay apart.
    switch (precision) {
    case Precision::FP64: return QColor(0x4e, 0x4e, 0x4e);
    case Precision::FP32: return QColor(0x1f, 0x77, 0xb4);
    case Precision::TF32: return QColor(0x17, 0xbe, 0xcf);
    case Precision::BF16: return QColor(0x2c, 0xa0, 0x2c);
    case Precision::FP16: return QColor(0xd6, 0x27, 0x28);
    case Precision::FP8_E4M3: return QColor(0x94, 0x67, 0xbd);
    case Precision::FP8_E5M2: return QColor(0xe3, 0x77, 0xc2);
    case Precision::MXFP8: return QColor(0x8c, 0x56, 0x4b);
    case Precision::NVFP4: return QColor(0xbc, 0xbd, 0x22);
    case Precision::MXFP4: return QColor(0x7f, 0x7f, 0x00);
    case Precision::INT8: return QColor(0xff, 0x7f, 0x0e);
    case Precision::INT4: return QColor(0xaa, 0x55, 0x00);
    }
    return Qt::black;
}

QColor bandBackground(int band)
{
    switch (static_cast<roofline::Band>(band)) {
    case roofline::Band::Green: return QColor(0xc8, 0xf0, 0xc8);
    case roofline::Band::Yellow: return QColor(0xfa, 0xec, 0xa0);
    case roofline::Band::Red: return QColor(0xf6, 0xc0, 0xc0);
    }
    return {};
}
