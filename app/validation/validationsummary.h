#pragma once

#include "validation/calibrationmodel.h"

#include "roofline/model/calculator.h"
#include "roofline/results/validation.h"

#include <QCoreApplication>
#include <QString>

#include <optional>
#include <vector>

// What the Validation tab says of a report: as plain text (under the exported image) and as a small table (the
// Summary box), and the four models a calibration is compared by.
class ValidationSummary
{
    Q_DECLARE_TR_FUNCTIONS(ValidationSummary)
public:
    // The report's source, model, error statistics and bands; then one line per compared model.
    static QString text(const roofline::ValidationReport& report,
                        const std::vector<CalibrationComparisonModel::Entry>& comparison);
    static QString html(const roofline::ValidationReport& report,
                        const std::optional<roofline::ValidationReport>& calibrated);
    // Datasheet (ideal, realistic) against calibrated (realistic, refined) on the same rows. `report` (on
    // `datasheet`) and `calibratedRefined` are already there and are not validated again.
    static std::vector<CalibrationComparisonModel::Entry>
    comparison(const roofline::HardwareSpec& datasheet, const roofline::HardwareSpec& calibrated,
               const roofline::MeasurementSet& rows, const roofline::ModelTerms& terms,
               const roofline::ValidationReport& report, const roofline::ValidationReport& calibratedRefined);
};
