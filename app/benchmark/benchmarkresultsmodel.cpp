#include "benchmark/benchmarkresultsmodel.h"

#include "shared/textconv.h"
#include "roofline/results/measurement_extra.h"

#include <QBrush>
#include <QColor>

#include <algorithm>

BenchmarkResultsModel::BenchmarkResultsModel(QObject* parent)
    : TableModel(ColumnCount, parent)
{
}

void BenchmarkResultsModel::setPlan(const roofline::BenchPlan& plan)
{
    beginResetModel();
    m_rows.clear();
    for (const roofline::BenchCase& c : plan.cases)
        m_rows.push_back({c, CaseState::Pending, std::nullopt});
    endResetModel();
}

void BenchmarkResultsModel::clear()
{
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

void BenchmarkResultsModel::rowChanged(int row)
{
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void BenchmarkResultsModel::markStarted(int row)
{
    if (row < 0 || row >= rowCount())
        return;
    m_rows[static_cast<std::size_t>(row)].state = CaseState::Running;
    rowChanged(row);
}

void BenchmarkResultsModel::setOutcome(const roofline::CaseOutcome& outcome)
{
    const int row = static_cast<int>(outcome.index);
    if (row < 0 || row >= rowCount())
        return;
    Row& r = m_rows[outcome.index];
    r.state = CaseState::Finished;
    r.measurement = outcome.measurement;
    rowChanged(row);
}

void BenchmarkResultsModel::markUnstartedNotRun()
{
    for (int row = 0; row < rowCount(); ++row) {
        Row& r = m_rows[static_cast<std::size_t>(row)];
        if (r.state == CaseState::Pending || r.state == CaseState::Running) {
            r.state = CaseState::NotRun;
            rowChanged(row);
        }
    }
}

int BenchmarkResultsModel::finishedCount() const
{
    return static_cast<int>(std::count_if(m_rows.begin(), m_rows.end(), [](const Row& r) { return r.state == CaseState::Finished; }));
}

BenchmarkResultsModel::CaseState BenchmarkResultsModel::state(int row) const
{
    return m_rows.at(static_cast<std::size_t>(row)).state;
}

const roofline::Measurement* BenchmarkResultsModel::measurement(int row) const
{
    const auto& m = m_rows.at(static_cast<std::size_t>(row)).measurement;
    return m ? &*m : nullptr;
}

QString BenchmarkResultsModel::statusText(const Row& row) const
{
    switch (row.state) {
    case CaseState::Pending: return tr("pending");
    case CaseState::Running: return tr("running…");
    case CaseState::NotRun: return tr("not run");
    case CaseState::Finished: break;
    }
    switch (row.measurement->status) {
    case roofline::RowStatus::Ok: return tr("ok");
    case roofline::RowStatus::Unsupported: return tr("unsupported");
    case roofline::RowStatus::Skipped: return tr("skipped");
    case roofline::RowStatus::Failed: return tr("failed");
    case roofline::RowStatus::WrongResult: return tr("wrong result");
    case roofline::RowStatus::Cancelled: return tr("cancelled");
    }
    return {};
}

QVariant BenchmarkResultsModel::data(const QModelIndex& index, int role) const
{
    if (!isCell(index))
        return {};
    const Row& row = m_rows[static_cast<std::size_t>(index.row())];
    const roofline::Measurement* m = row.measurement ? &*row.measurement : nullptr;
    const bool timed = m && m->measured_time_us > 0;
    const int samples = m ? roofline::extra_field(*m, "samples", 0) : 0;

    switch (role) {
    case StateRole:
        return static_cast<int>(row.state);
    case Qt::TextAlignmentRole:
        switch (index.column()) {
        case IndexColumn:
        case MedianColumn:
        case TflopsColumn:
        case BandwidthColumn:
        case SamplesColumn: return alignment(true);
        default: return alignment(false);
        }
    case Qt::BackgroundRole:
        if (row.state == CaseState::Running)
            return QBrush(QColor(0xd8, 0xe8, 0xff));
        if (m && (m->status == roofline::RowStatus::Failed || m->status == roofline::RowStatus::WrongResult))
            return QBrush(QColor(0xf6, 0xc0, 0xc0));
        return {};
    case Qt::ForegroundRole:
        if (row.state == CaseState::Pending || row.state == CaseState::NotRun
            || (m && (m->status == roofline::RowStatus::Unsupported || m->status == roofline::RowStatus::Skipped)))
            return QBrush(QColor(0x70, 0x70, 0x70));
        return {};
    case Qt::ToolTipRole: {
        // The whole note: a CUDA algorithm note (kernel, tile, the race and its runner-up) outgrows the column.
        if (!m)
            return {};
        const std::string note = !m->reason.empty() ? m->reason : roofline::extra_field(*m, "algorithm", std::string());
        return note.empty() ? QVariant() : QVariant(toQString(note));
    }
    case SortRole:
        switch (index.column()) {
        case IndexColumn: return index.row();
        case MedianColumn: return timed ? m->measured_time_us : -1.0;
        case TflopsColumn: return timed ? m->measured_tflops : -1.0;
        case BandwidthColumn: return timed ? m->measured_bandwidth_gb_s : -1.0;
        case SamplesColumn: return samples;
        default: return data(index, Qt::DisplayRole);
        }
    case Qt::DisplayRole:
        switch (static_cast<Column>(index.column())) {
        case IndexColumn: return index.row() + 1;
        case KernelColumn: return toQString(roofline::to_string(roofline::kernel_of(row.bench_case.shape)));
        case ShapeColumn: return toQString(roofline::format_shape(row.bench_case.shape));
        case PrecisionColumn: return toQString(roofline::to_string(row.bench_case.precision));
        case StatusColumn: return statusText(row);
        case MedianColumn: return timed ? formatSignificant(m->measured_time_us) : QString();
        case TflopsColumn: return timed ? formatSignificant(m->measured_tflops) : QString();
        case BandwidthColumn: return timed ? formatSignificant(m->measured_bandwidth_gb_s) : QString();
        case SamplesColumn: return m && samples > 0 ? QVariant(samples) : QVariant(QString());
        case NoteColumn:
            if (!m)
                return QString();
            if (!m->reason.empty())
                return toQString(m->reason);
            return toQString(roofline::extra_field(*m, "algorithm", std::string()));
        case ColumnCount: break;
        }
        return {};
    default:
        return {};
    }
}

QString BenchmarkResultsModel::columnTitle(int column) const
{
    switch (static_cast<Column>(column)) {
    case IndexColumn: return tr("#");
    case KernelColumn: return tr("Kernel");
    case ShapeColumn: return tr("Shape");
    case PrecisionColumn: return tr("Precision");
    case StatusColumn: return tr("Status");
    case MedianColumn: return tr("Median µs");
    case TflopsColumn: return tr("TFLOPS");
    case BandwidthColumn: return tr("GB/s");
    case SamplesColumn: return tr("Samples");
    case NoteColumn: return tr("Note");
    case ColumnCount: break;
    }
    return {};
}
