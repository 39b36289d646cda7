#include "validation/validationsummary.h"

#include "shared/htmltable.h"
#include "shared/precisioncolors.h"
#include "shared/textconv.h"

namespace {

QString profileName(const roofline::HardwareSpec& spec)
{
    return toQString(spec.name) + QStringLiteral(" [") + toQString(spec.key) + QStringLiteral("]");
}

} // namespace

QString ValidationSummary::text(const roofline::ValidationReport& r,
                                const std::vector<CalibrationComparisonModel::Entry>& comparison)
{
    const roofline::ErrorSummary& s = r.summary;
    QString text = tr("%1 on %2, %3 mode: %4")
                       .arg(sourceName(r.source), toQString(r.hardware_name), toQString(roofline::to_string(r.mode)),
                            countOf(static_cast<qsizetype>(s.count), tr("row compared"), tr("rows compared")));
    if (s.count > 0)
        text += QStringLiteral("\n")
            + tr("Error |predicted − measured| ÷ measured: mean %1 %, median %2 %, max %3 %")
                  .arg(formatNumber(s.mean_abs_error_pct, 1), formatNumber(s.median_abs_error_pct, 1),
                       formatNumber(s.max_abs_error_pct, 1));
    text += QStringLiteral("\n")
        + tr("Bands: %1 green (< 10 %), %2 yellow (10–25 %), %3 red (> 25 %)").arg(s.green).arg(s.yellow).arg(s.red);
    if (r.not_compared > 0)
        text += QStringLiteral("\n")
            + tr("%1 (see Note)").arg(countOf(static_cast<qsizetype>(r.not_compared), tr("row not compared"), tr("rows not compared")));
    if (!r.steps.empty()) {
        const roofline::ErrorSummary& t = r.step_summary;
        text += QStringLiteral("\n")
            + tr("Model runs: %1 compared, mean |error| %2 %; %3 green, %4 yellow, %5 red")
                  .arg(t.count)
                  .arg(formatNumber(t.mean_abs_error_pct, 1))
                  .arg(t.green)
                  .arg(t.yellow)
                  .arg(t.red);
    }
    // Datasheet against calibrated, one line per model, for the exported image.
    for (const CalibrationComparisonModel::Entry& e : comparison) {
        if (e.summary.count == 0)
            continue;
        text += QStringLiteral("\n")
            + tr("%1: mean %2 %, median %3 %, max %4 %, %5 of %6 green")
                  .arg(e.label, formatNumber(e.summary.mean_abs_error_pct, 1), formatNumber(e.summary.median_abs_error_pct, 1),
                       formatNumber(e.summary.max_abs_error_pct, 1))
                  .arg(e.summary.green)
                  .arg(e.summary.count);
    }
    return text;
}

QString ValidationSummary::html(const roofline::ValidationReport& r, const std::optional<roofline::ValidationReport>& calibrated)
{
    const roofline::ErrorSummary& s = r.summary;
    auto row = [](const QString& name, const QString& value) { return htmlRow(name, value, 8); };
    auto chip = [](std::size_t n, roofline::Band band, const QString& name) -> QString {
        return QStringLiteral("<span style='background-color:") + bandBackground(static_cast<int>(band)).name()
            + QStringLiteral("'>&nbsp;") + QString::number(n) + QLatin1Char(' ') + name + QStringLiteral("&nbsp;</span>");
    };
    QString html = QStringLiteral("<table>");
    html += row(tr("Source"), sourceName(r.source).toHtmlEscaped());
    html += row(tr("Model"), toQString(r.hardware_name).toHtmlEscaped() + QStringLiteral(", ") + toQString(roofline::to_string(r.mode)));
    QString compared = QString::number(s.count);
    if (r.not_compared > 0)
        compared += tr(" (%1 not compared)").arg(r.not_compared);
    html += row(tr("Rows compared"), compared);
    if (s.count > 0) {
        html += row(tr("Mean error"), formatNumber(s.mean_abs_error_pct, 1) + QStringLiteral(" %"));
        html += row(tr("Median error"), formatNumber(s.median_abs_error_pct, 1) + QStringLiteral(" %"));
        html += row(tr("Max error"), formatNumber(s.max_abs_error_pct, 1) + QStringLiteral(" %"));
    }
    html += row(tr("Bands"), chip(s.green, roofline::Band::Green, tr("green")) + QStringLiteral(" ")
                                 + chip(s.yellow, roofline::Band::Yellow, tr("yellow")) + QStringLiteral(" ")
                                 + chip(s.red, roofline::Band::Red, tr("red")));
    if (!r.steps.empty()) {
        const roofline::ErrorSummary& t = r.step_summary;
        QString runs = tr("%1 compared").arg(t.count) + (r.steps_not_compared ? tr(" (%1 not)").arg(r.steps_not_compared) : QString());
        if (t.count > 0)
            runs += tr(": mean %1 %, ").arg(formatNumber(t.mean_abs_error_pct, 1)) + chip(t.green, roofline::Band::Green, tr("green"))
                + QStringLiteral(" ") + chip(t.yellow, roofline::Band::Yellow, tr("yellow")) + QStringLiteral(" ")
                + chip(t.red, roofline::Band::Red, tr("red"));
        html += row(tr("Model runs"), runs);
    }
    if (calibrated && calibrated->summary.count > 0)
        html += row(tr("Calibrated"), tr("%1, refined: mean %2 %, %3 green")
                                          .arg(toQString(calibrated->hardware_key).toHtmlEscaped(),
                                               formatNumber(calibrated->summary.mean_abs_error_pct, 1))
                                          .arg(calibrated->summary.green));
    return html + QStringLiteral("</table>");
}

std::vector<CalibrationComparisonModel::Entry>
ValidationSummary::comparison(const roofline::HardwareSpec& hw, const roofline::HardwareSpec& cal,
                              const roofline::MeasurementSet& rows, const roofline::ModelTerms& terms,
                              const roofline::ValidationReport& report, const roofline::ValidationReport& calibratedRefined)
{
    const QString base = profileName(hw);
    const QString calName = profileName(cal);
    auto datasheet = [&](roofline::Mode mode) {
        return mode == report.mode ? report.summary : roofline::validate(hw, rows, mode, terms).summary;
    };
    return {
        {tr("Datasheet · ideal"), tr("%1, the pure roofline").arg(base), datasheet(roofline::Mode::Ideal)},
        {tr("Datasheet · realistic"), tr("%1, its efficiency factors").arg(base), datasheet(roofline::Mode::Realistic)},
        {tr("Calibrated · realistic"), tr("%1, the fitted single factor per kernel × precision").arg(calName),
         roofline::validate(cal, rows, roofline::Mode::Realistic, terms).summary},
        {tr("Calibrated · refined"), tr("%1, the fitted terms").arg(calName), calibratedRefined.summary},
    };
}
