#pragma once

#include "roofline/results/validation.h"

#include "shared/tablemodel.h"

#include <optional>

// The rows of a validation report: predicted against measured, coloured by error band.
class ValidationModel : public TableModel
{
    Q_OBJECT
public:
    enum Column {
        KernelColumn,
        ShapeColumn,
        PrecisionColumn,
        PredictedColumn,
        CalibratedColumn,      // refined on the calibrated profile; empty until one is calibrated (the tab hides it)
        MeasuredColumn,
        ErrorColumn,
        CalibratedErrorColumn, // the calibrated prediction's error, coloured by its own band
        BottleneckColumn,
        NoteColumn, // why a row has no error: it cannot be predicted or was not measured
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        SortRole = Qt::UserRole + 1, // numbers as numbers, so 900 µs sorts before 14339 µs
        BandRole,                    // roofline::Band as int; invalid for rows not compared
        RowIndexRole,                // index into report().rows, stable under sorting
        ComparedRole,
        CalibratedBandRole,          // the calibrated prediction's band; invalid without one or for rows not compared
    };
    Q_ENUM(Role)

    explicit ValidationModel(QObject* parent = nullptr);

    // `calibrated`: the same rows validated on a calibrated profile (row for row), shown beside the report's own
    // predictions; nullopt for none.
    void setReport(roofline::ValidationReport report, std::optional<roofline::ValidationReport> calibrated = std::nullopt);
    void clear();
    const roofline::ValidationReport& report() const { return m_report; }
    const std::optional<roofline::ValidationReport>& calibratedReport() const { return m_calibrated; }

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

private:
    int rows() const override { return static_cast<int>(m_report.rows.size()); }
    QString columnTitle(int column) const override;
    QVariant columnToolTip(int column) const override;
    const roofline::ValidationRow* calibratedRow(int row) const;

    roofline::ValidationReport m_report;
    std::optional<roofline::ValidationReport> m_calibrated;
};
