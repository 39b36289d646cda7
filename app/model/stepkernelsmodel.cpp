#include "model/stepkernelsmodel.h"

#include "shared/textconv.h"

StepKernelsModel::StepKernelsModel(QObject* parent)
    : TableModel(ColumnCount, parent)
{
}

void StepKernelsModel::setPhase(std::optional<roofline::PhasePrediction> phase)
{
    beginResetModel();
    m_phase = std::move(phase);
    endResetModel();
}

int StepKernelsModel::rows() const
{
    return m_phase ? static_cast<int>(m_phase->kernels.size()) : 0;
}

double StepKernelsModel::share(int row) const
{
    if (!m_phase || row < 0 || row >= rows() || m_phase->step_time_us <= 0)
        return 0;
    return m_phase->kernels[static_cast<std::size_t>(row)].total_us() / m_phase->step_time_us;
}

QVariant StepKernelsModel::data(const QModelIndex& index, int role) const
{
    if (!isCell(index))
        return {};
    const roofline::KernelTime& k = m_phase->kernels[static_cast<std::size_t>(index.row())];
    const roofline::Prediction& p = k.prediction;
    const bool numeric = index.column() == CountColumn || index.column() == TimeColumn || index.column() == StepTimeColumn
        || index.column() == ShareColumn;
    if (role == Qt::TextAlignmentRole)
        return alignment(numeric);
    if (role == SortRole) {
        switch (index.column()) {
        case CountColumn: return static_cast<qlonglong>(k.kernel.count);
        case TimeColumn: return p.predicted_time_us;
        case StepTimeColumn: return k.total_us();
        case ShareColumn: return share(index.row());
        default: return data(index, Qt::DisplayRole);
        }
    }
    if (role == Qt::ToolTipRole && index.column() == TimeColumn)
        return tr("math %1 µs, memory %2 µs, and a launch gap of %3 µs a run")
            .arg(formatSignificant(p.t_math_us), formatSignificant(p.t_mem_us), formatSignificant(k.gap_us));
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case PartColumn: return k.kernel.in_layer ? tr("layer") : tr("head");
    case KernelColumn: return toQString(k.kernel.name);
    case KindColumn: return toQString(roofline::to_string(roofline::kernel_of(k.kernel.shape)));
    case ShapeColumn: return toQString(roofline::format_shape(k.kernel.shape));
    case WeightsColumn: return toQString(k.kernel.format);
    case ComputesColumn: return toQString(roofline::to_string(k.kernel.compute));
    case CountColumn: return QString::number(k.kernel.count);
    case TimeColumn: return formatSignificant(p.predicted_time_us);
    case StepTimeColumn: return formatSignificant(k.total_us());
    case ShareColumn: return formatNumber(100 * share(index.row()), 1);
    case BoundColumn: return toQString(roofline::to_string(p.bottleneck));
    default: return {};
    }
}

QString StepKernelsModel::columnTitle(int column) const
{
    switch (column) {
    case PartColumn: return tr("Part");
    case KernelColumn: return tr("Kernel");
    case KindColumn: return tr("Kind");
    case ShapeColumn: return tr("Shape");
    case WeightsColumn: return tr("Weights");
    case ComputesColumn: return tr("Computes");
    case CountColumn: return tr("Count");
    case TimeColumn: return tr("µs a run");
    case StepTimeColumn: return tr("µs in step");
    case ShareColumn: return tr("Share %");
    case BoundColumn: return tr("Bound");
    default: return {};
    }
}

QVariant StepKernelsModel::columnToolTip(int column) const
{
    switch (column) {
    case PartColumn: return tr("layer: one layer's kernel, run once in every layer that has it; head: embedding, final norm, LM head");
    case CountColumn: return tr("How often the step runs it");
    case StepTimeColumn: return tr("Count × (time + launch gap)");
    case ShareColumn: return tr("Its part of the step's time");
    case WeightsColumn: return tr("The format its weights are stored in");
    default: return {};
    }
}
