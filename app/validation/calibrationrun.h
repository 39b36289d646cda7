#pragma once

#include "roofline/model/hardware.h"
#include "roofline/results/measurements.h"

#include <QCoreApplication>
#include <QString>
#include <QStringList>

#include <optional>
#include <string>

// A calibration as the Validation tab keeps it: the fitted profile, what it was fitted to, where it was saved.
struct SavedCalibration {
    roofline::HardwareSpec profile; // its origin is the file it was saved as, as the registry says of it
    std::string baseKey;            // the datasheet profile it started from
    std::string inputJson;          // the measurements it was fitted to: other results drop it
    QString file;                   // where it was saved
    QString ceilingsFile;           // empty: none
    std::size_t rowsUsed = 0;
    std::size_t rowsSkipped = 0;
    QStringList log;
};

// The app's calibration workflow over core's: read the ceilings file, fit (roofline::calibrate) under the
// calibrated key, save as a user profile (roofline::save_user_profile).
class CalibrationRun
{
    Q_DECLARE_TR_FUNCTIONS(CalibrationRun)
public:
    struct Outcome {
        std::optional<SavedCalibration> calibration;
        QString error; // which step failed and why, naming the file; empty on success
        bool ceilingsRead = false; // the ceilings file (if any) was read, whatever happened after
    };
    // `ceilingsFile`: empty for none.
    static Outcome run(const roofline::HardwareSpec& base, const roofline::MeasurementSet& measurements,
                       const QString& ceilingsFile);
    // What a calibration of these rows from `base` will fit and where it will be saved (HTML, for the dialog).
    static QString planHtml(const roofline::HardwareSpec& base, const roofline::MeasurementSet& measurements);
    // The fitted profile, what it was fitted to and where it went (HTML, for the comparison's caption).
    static QString captionHtml(const SavedCalibration& calibration, const std::string& measurementsSource);
};
