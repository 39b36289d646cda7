#pragma once

#include "roofline/benchmarking/bench_plan.h"
#include "roofline/benchmarking/bench_runner.h"
#include "roofline/results/measurements.h"

#include "shared/tablemodel.h"

#include <optional>
#include <vector>

// The cases of a benchmark run as it goes: every planned case is listed at once as pending, then marked
// running, then carries its outcome (ok / unsupported / failed …, with the reason).
class BenchmarkResultsModel : public TableModel
{
    Q_OBJECT
public:
    enum Column {
        IndexColumn,
        KernelColumn,
        ShapeColumn,
        PrecisionColumn,
        StatusColumn,
        MedianColumn,
        TflopsColumn,
        BandwidthColumn,
        SamplesColumn,
        NoteColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        SortRole = Qt::UserRole + 1,
        StateRole, // CaseState as int
    };
    Q_ENUM(Role)

    enum class CaseState { Pending, Running, Finished, NotRun };

    explicit BenchmarkResultsModel(QObject* parent = nullptr);

    void setPlan(const roofline::BenchPlan& plan);
    void markStarted(int index);
    void setOutcome(const roofline::CaseOutcome& outcome);
    // Cases that never started (a cancelled run) become "not run".
    void markUnstartedNotRun();
    void clear();

    int finishedCount() const;
    CaseState state(int row) const;
    const roofline::Measurement* measurement(int row) const;

    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;

private:
    int rows() const override { return static_cast<int>(m_rows.size()); }
    QString columnTitle(int column) const override;
    struct Row {
        roofline::BenchCase bench_case;
        CaseState state = CaseState::Pending;
        std::optional<roofline::Measurement> measurement;
    };
    QString statusText(const Row& row) const;
    void rowChanged(int row);

    std::vector<Row> m_rows;
};
