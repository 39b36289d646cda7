#pragma once
// The kernels of one model step as a table: those of one layer (each run once a layer) and those of the head,
// with their time in the step and their share of it.

#include "shared/tablemodel.h"

#include "roofline/workloads/step_prediction.h"

#include <optional>

class StepKernelsModel : public TableModel
{
    Q_OBJECT
public:
    enum Column {
        PartColumn,
        KernelColumn,
        KindColumn,
        ShapeColumn,
        WeightsColumn,
        ComputesColumn,
        CountColumn,
        TimeColumn,
        StepTimeColumn,
        ShareColumn,
        BoundColumn,
        ColumnCount
    };
    enum Role { SortRole = Qt::UserRole + 1 };

    explicit StepKernelsModel(QObject* parent = nullptr);

    void setPhase(std::optional<roofline::PhasePrediction> phase);
    const std::optional<roofline::PhasePrediction>& phase() const { return m_phase; }
    // [0, 1] a kernel's part of the step: count · (time + gap) / step time.
    double share(int row) const;

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

protected:
    int rows() const override;
    QString columnTitle(int column) const override;
    QVariant columnToolTip(int column) const override;

private:
    std::optional<roofline::PhasePrediction> m_phase;
};
