#pragma once
// Measured model runs (model_step rows, llama-bench tests) against their predictions, one row a run, coloured by
// error band like the kernel rows.

#include "shared/tablemodel.h"

#include "roofline/results/validation.h"

#include <vector>

class StepRunsModel : public TableModel
{
    Q_OBJECT
public:
    enum Column {
        ModelColumn,
        RunColumn,
        BatchColumn,
        PromptColumn,
        GenColumn,
        DepthColumn,
        WeightsColumn,
        PredictedColumn,
        MeasuredColumn,
        ErrorColumn,
        EngineColumn,
        NoteColumn,
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole + 1 };

    explicit StepRunsModel(QObject* parent = nullptr);
    void setRows(std::vector<roofline::StepValidationRow> rows);
    const std::vector<roofline::StepValidationRow>& runs() const { return m_rows; }

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

protected:
    int rows() const override;
    QString columnTitle(int column) const override;
    QVariant columnToolTip(int column) const override;

private:
    std::vector<roofline::StepValidationRow> m_rows;
};
