#pragma once

#include "roofline/results/validation.h"

#include "shared/tablemodel.h"

#include <QString>

#include <vector>

// Datasheet against calibrated, one model per row (datasheet ideal, datasheet realistic, calibrated realistic,
// calibrated refined), with the error summary of each over the same measured rows.
class CalibrationComparisonModel : public TableModel
{
    Q_OBJECT
public:
    enum Column {
        ModelColumn,
        RowsColumn,
        MeanColumn,
        MedianColumn,
        MaxColumn,
        GreenColumn,
        YellowColumn,
        RedColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        ValueRole = Qt::UserRole + 1, // the number behind a cell (double or count), for tests and sorting
        BestRole,                     // true on the row with the lowest mean |error|
    };
    Q_ENUM(Role)

    struct Entry {
        QString label;   // "Datasheet · ideal"
        QString tooltip; // which profile and mode
        roofline::ErrorSummary summary;
    };

    explicit CalibrationComparisonModel(QObject* parent = nullptr);

    void setEntries(std::vector<Entry> entries);
    void clear();
    const std::vector<Entry>& entries() const { return m_entries; }
    // The row with the lowest mean |error| among those that compared any row; -1 when none did.
    int bestRow() const;

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

private:
    int rows() const override { return static_cast<int>(m_entries.size()); }
    QString columnTitle(int column) const override;
    QVariant columnToolTip(int column) const override;

    std::vector<Entry> m_entries;
};
