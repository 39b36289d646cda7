#include "shared/chartpoint.h"

#include "shared/chartmarkers.h"

#include "shared/textconv.h"

#include <QCoreApplication>

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("ChartPoint", text);
}

QString header(const roofline::KernelShape& shape, roofline::Precision precision)
{
    return QStringLiteral("<b>") + toQString(roofline::to_string(roofline::kernel_of(shape))).toUpper()
        + QStringLiteral(" ") + toQString(roofline::format_shape(shape)) + QStringLiteral("</b> · ")
        + toQString(roofline::to_string(precision));
}

QString line(const QString& label, const QString& value)
{
    return QStringLiteral("<br>") + label + QStringLiteral(": ") + value;
}

} // namespace

std::optional<ChartPoint> chartPointFor(const roofline::ValidationRow& row, roofline::Mode mode, int id,
                                        const roofline::ValidationRow* calibrated, roofline::Mode calibratedMode)
{
    const roofline::Measurement& m = row.measurement;
    const roofline::Prediction* p = row.prediction.get();
    const roofline::Prediction* cp = calibrated ? calibrated->prediction.get() : nullptr;
    const bool measured = m.status == roofline::RowStatus::Ok && m.measured_time_us > 0;
    if (!p && !cp && !measured)
        return std::nullopt;

    ChartPoint point;
    point.id = id;
    point.precision = m.precision;
    point.ai = p ? p->ai : cp ? cp->ai : m.ai;
    if (point.ai <= 0)
        return std::nullopt; // no place on a log axis
    QString text = header(m.shape, m.precision);
    if (p) {
        point.predicted_tflops = p->predicted_tflops;
        text += line(cp ? tr("Datasheet (%1)").arg(toQString(roofline::to_string(mode))) : tr("Predicted"),
                     formatSignificant(p->predicted_time_us) + QStringLiteral(" µs · ")
                         + formatSignificant(p->predicted_tflops) + QStringLiteral(" TFLOPS"));
    }
    if (cp) {
        point.calibrated_tflops = cp->predicted_tflops;
        QString value = formatSignificant(cp->predicted_time_us) + QStringLiteral(" µs · ")
            + formatSignificant(cp->predicted_tflops) + QStringLiteral(" TFLOPS");
        if (calibrated->compared())
            value += QStringLiteral(" · ") + tr("error %1 %").arg(formatNumber(calibrated->error_pct, 1));
        text += line(tr("Calibrated (%1)").arg(toQString(roofline::to_string(calibratedMode))), value);
    }
    if (measured) {
        point.measured_tflops = m.measured_tflops;
        text += line(tr("Measured"), formatSignificant(m.measured_time_us) + QStringLiteral(" µs · ")
                                         + formatSignificant(m.measured_tflops) + QStringLiteral(" TFLOPS"));
    }
    if (row.compared())
        text += line(cp ? tr("Datasheet error") : tr("Error"), formatNumber(row.error_pct, 1) + QStringLiteral(" %"));
    else
        text += line(tr("Not compared"), toQString(row.reason).toHtmlEscaped());
    text += line(tr("AI"), formatSignificant(point.ai) + QStringLiteral(" FLOP/byte"));
    if (p)
        text += line(tr("Bottleneck"), toQString(roofline::to_string(p->bottleneck)));
    point.tooltip = text;
    return point;
}

ChartPoint chartPointFor(const roofline::KernelShape& shape, roofline::Precision precision,
                         const roofline::Prediction& prediction, int id)
{
    ChartPoint point;
    point.id = id;
    point.precision = precision;
    point.ai = prediction.ai;
    point.predicted_tflops = prediction.predicted_tflops;
    point.tooltip = header(shape, precision)
        + line(tr("Predicted"), formatSignificant(prediction.predicted_time_us) + QStringLiteral(" µs · ")
                                    + formatSignificant(prediction.predicted_tflops) + QStringLiteral(" TFLOPS"))
        + line(tr("AI"), formatSignificant(prediction.ai) + QStringLiteral(" FLOP/byte"))
        + line(tr("Bottleneck"), toQString(roofline::to_string(prediction.bottleneck)))
        + line(tr("Mode"), toQString(roofline::to_string(prediction.mode)));
    return point;
}

double ChartPoint::radius() const
{
    return (small ? kSmallPointRadius : kPointRadius) * scale;
}
