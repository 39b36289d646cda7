#pragma once

#include "roofline/validation.h"

#include <QAbstractTableModel>

// The rows of a validation report: predicted against measured, coloured by error band.
class ValidationModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        KernelColumn,
        ShapeColumn,
        PrecisionColumn,
        PredictedColumn,
        MeasuredColumn,
        ErrorColumn,
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
    };
    Q_ENUM(Role)

    explicit ValidationModel(QObject* parent = nullptr);

    void setReport(roofline::ValidationReport report);
    void clear();
    const roofline::ValidationReport& report() const { return m_report; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    roofline::ValidationReport m_report;
};
