#include "validation/calibrationrun.h"

#include "shared/textconv.h"

#include "roofline/calibration/calibration.h"
#include "roofline/calibration/ceilings.h"
#include "roofline/hardware/profile_store.h"

#include <QFileInfo>

CalibrationRun::Outcome CalibrationRun::run(const roofline::HardwareSpec& base, const roofline::MeasurementSet& measurements,
                                            const QString& ceilingsFile)
{
    std::optional<roofline::MeasuredCeilings> ceilings;
    if (!ceilingsFile.isEmpty()) {
        try {
            ceilings = roofline::load_ceilings(ceilingsFile.toStdString());
        } catch (const std::exception& e) {
            return {std::nullopt, tr("The ceilings file cannot be used: %1").arg(toQString(e.what())), false};
        }
    }

    roofline::CalibrationOptions options;
    options.key = roofline::calibrated_key(base.key);
    options.run_label = measurements.source;
    if (!ceilingsFile.isEmpty())
        options.ceilings_label = ceilingsFile.toStdString();
    roofline::CalibrationResult result;
    try {
        result = roofline::calibrate(base, measurements, ceilings ? &*ceilings : nullptr, options);
    } catch (const std::exception& e) {
        return {std::nullopt, tr("Cannot calibrate %1 from %2: %3")
                                  .arg(toQString(base.key), sourceName(measurements.source), toQString(e.what())),
                true};
    }

    std::filesystem::path file;
    try {
        file = roofline::save_user_profile(result.profile);
    } catch (const std::exception& e) {
        return {std::nullopt, tr("Cannot save the calibrated profile as %1: %2")
                                  .arg(toQString(roofline::user_profile_path(result.profile.key).string()), toQString(e.what())),
                true};
    }
    result.profile.origin = file.string(); // what the registry says of a profile loaded from there

    SavedCalibration c;
    c.baseKey = base.key;
    c.inputJson = roofline::measurements_to_json(measurements);
    c.file = toQString(file.string());
    c.ceilingsFile = ceilingsFile;
    c.rowsUsed = result.rows_used;
    c.rowsSkipped = result.rows_skipped;
    for (const std::string& line : result.log)
        c.log << toQString(line);
    c.profile = std::move(result.profile);
    return {std::move(c), {}, true};
}

QString CalibrationRun::planHtml(const roofline::HardwareSpec& base, const roofline::MeasurementSet& measurements)
{
    const std::string key = roofline::calibrated_key(base.key);
    const QString file = toQString(roofline::user_profile_path(key).string());
    return tr("<p>Fits a profile to the %1 of <b>%2</b>, starting from <b>%3</b> [%4]: the L2 efficiency, the DRAM "
              "latency, the GEMM tile, the power throttle and, per kernel × precision, the latency floor, the efficiency factors and the "
              "row-alignment factors. Peaks and bandwidth stay the datasheet's, so ideal mode does not change.</p><p>Saved as the user profile <b>%5</b>%6:<br>%7</p>")
        .arg(countOf(static_cast<qsizetype>(measurements.rows.size()), tr("row"), tr("rows")),
             sourceName(measurements.source).toHtmlEscaped(), toQString(base.name).toHtmlEscaped(),
             toQString(base.key).toHtmlEscaped(), toQString(key).toHtmlEscaped(),
             QFileInfo::exists(file) ? tr(", replacing the one there") : QString(), file.toHtmlEscaped());
}

QString CalibrationRun::captionHtml(const SavedCalibration& c, const std::string& measurementsSource)
{
    const roofline::HardwareSpec& p = c.profile;
    const QString fitted = toQString(roofline::describe_fit(roofline::summarize_fit(p)));
    QString caption = tr("<b>%1</b> [%2], fitted to %3 of %4%5: %6.")
                          .arg(toQString(p.name).toHtmlEscaped(), toQString(p.key).toHtmlEscaped(),
                               countOf(static_cast<qsizetype>(c.rowsUsed), tr("row"), tr("rows")),
                               sourceName(measurementsSource).toHtmlEscaped(),
                               c.ceilingsFile.isEmpty() ? QString()
                                                        : tr(" and %1").arg(QFileInfo(c.ceilingsFile).fileName().toHtmlEscaped()),
                               fitted.toHtmlEscaped());
    if (c.rowsSkipped > 0)
        caption += QLatin1Char(' ') + tr("%1 not usable.").arg(countOf(static_cast<qsizetype>(c.rowsSkipped), tr("row"), tr("rows")));
    caption += QStringLiteral("<br>") + tr("Peaks and bandwidth stay the datasheet's. Saved as a user profile: %1")
                                            .arg(displayPath(c.file).toHtmlEscaped());
    return caption;
}
