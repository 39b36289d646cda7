#include "validation/validationmodel.h"

#include "shared/precisioncolors.h"
#include "shared/textconv.h"

#include <QBrush>
#include <QColor>

namespace {

// The terms of a refined prediction in one line, for a cell's tooltip (bulk validation keeps no breakdown text).
QString breakdownText(const roofline::Prediction& p)
{
    QString text = ValidationModel::tr("math %1 µs, memory %2 µs").arg(formatSignificant(p.t_math_us), formatSignificant(p.t_mem_us));
    if (p.l2_resident)
        text += ValidationModel::tr(" (from L2)");
    if (p.wave_efficiency < 1)
        text += ValidationModel::tr(", wave efficiency %1").arg(formatNumber(p.wave_efficiency, 2));
    if (p.launch_us > 0)
        text += ValidationModel::tr(", + launch floor %1 µs").arg(formatSignificant(p.launch_us));
    return text + ValidationModel::tr(" → %1 µs").arg(formatSignificant(p.predicted_time_us));
}

} // namespace

ValidationModel::ValidationModel(QObject* parent)
    : TableModel(ColumnCount, parent)
{
}

void ValidationModel::setReport(roofline::ValidationReport report, std::optional<roofline::ValidationReport> calibrated)
{
    beginResetModel();
    m_report = std::move(report);
    // Row for row or not at all: a calibrated report of other rows would pair the wrong predictions.
    if (calibrated && calibrated->rows.size() == m_report.rows.size())
        m_calibrated = std::move(calibrated);
    else
        m_calibrated.reset();
    endResetModel();
}

const roofline::ValidationRow* ValidationModel::calibratedRow(int row) const
{
    if (!m_calibrated || row < 0 || row >= static_cast<int>(m_calibrated->rows.size()))
        return nullptr;
    return &m_calibrated->rows[static_cast<std::size_t>(row)];
}

void ValidationModel::clear()
{
    setReport({});
}

QVariant ValidationModel::data(const QModelIndex& index, int role) const
{
    if (!isCell(index))
        return {};
    const roofline::ValidationRow& row = m_report.rows[static_cast<std::size_t>(index.row())];
    const roofline::Measurement& m = row.measurement;
    const roofline::Prediction* p = row.prediction.get();
    const bool measured = m.measured_time_us > 0;
    const roofline::ValidationRow* cal = calibratedRow(index.row());
    const roofline::Prediction* cp = cal ? cal->prediction.get() : nullptr;
    const bool calColumn = index.column() == CalibratedColumn || index.column() == CalibratedErrorColumn;

    switch (role) {
    case RowIndexRole:
        return index.row();
    case ComparedRole:
        return row.compared();
    case BandRole:
        return row.compared() ? QVariant(static_cast<int>(row.band)) : QVariant();
    case CalibratedBandRole:
        return cal && cal->compared() ? QVariant(static_cast<int>(cal->band)) : QVariant();
    case Qt::BackgroundRole:
        // The calibrated cells take the band of the calibrated error: the row shows both models' colours.
        if (calColumn && cal)
            return cal->compared() ? QBrush(bandBackground(static_cast<int>(cal->band))) : QBrush(QColor(0xee, 0xee, 0xee));
        return row.compared() ? QBrush(bandBackground(static_cast<int>(row.band))) : QBrush(QColor(0xee, 0xee, 0xee));
    case Qt::ForegroundRole:
        // The band colours are light, so dark text reads on them whatever the palette.
        if (calColumn && cal)
            return cal->compared() ? QBrush(Qt::black) : QBrush(QColor(0x60, 0x60, 0x60));
        return row.compared() ? QBrush(Qt::black) : QBrush(QColor(0x60, 0x60, 0x60));
    case Qt::TextAlignmentRole:
        switch (index.column()) {
        case PredictedColumn:
        case CalibratedColumn:
        case MeasuredColumn:
        case ErrorColumn:
        case CalibratedErrorColumn: return alignment(true);
        default: return alignment(false);
        }
    case Qt::ToolTipRole:
        if (calColumn && cal && !cal->compared())
            return toQString(cal->reason);
        if (calColumn && cp)
            return tr("Refined on %1: %2").arg(toQString(m_calibrated->hardware_name), breakdownText(*cp));
        if (!row.compared())
            return toQString(row.reason);
        if (p && p->faster_than_roofline)
            return tr("The efficiency factor is above 1: this kernel was measured faster than the DRAM/peak roofline.");
        return {};
    case SortRole:
        switch (index.column()) {
        case PredictedColumn: return p ? QVariant(p->predicted_time_us) : QVariant(-1.0);
        case CalibratedColumn: return cp ? QVariant(cp->predicted_time_us) : QVariant(-1.0);
        case CalibratedErrorColumn: return cal && cal->compared() ? QVariant(cal->abs_error_pct) : QVariant(-1.0);
        case MeasuredColumn: return measured ? QVariant(m.measured_time_us) : QVariant(-1.0);
        case ErrorColumn: return row.compared() ? QVariant(row.abs_error_pct) : QVariant(-1.0);
        case ShapeColumn: {
            // By size of the work, not alphabetically: 8192 after 4096.
            double size = 1;
            for (int64_t d : roofline::dims_of(m.shape))
                size *= static_cast<double>(d);
            return size;
        }
        default: return data(index, Qt::DisplayRole);
        }
    case Qt::DisplayRole:
        switch (static_cast<Column>(index.column())) {
        case KernelColumn: return toQString(roofline::to_string(m.kernel()));
        case ShapeColumn: return toQString(roofline::format_shape(m.shape));
        case PrecisionColumn: return toQString(roofline::to_string(m.precision));
        case PredictedColumn: return p ? formatSignificant(p->predicted_time_us) : QStringLiteral("—");
        case CalibratedColumn: return cp ? formatSignificant(cp->predicted_time_us) : QStringLiteral("—");
        case CalibratedErrorColumn:
            return cal && cal->compared() ? QString::asprintf("%+.1f", cal->error_pct) : QStringLiteral("—");
        case MeasuredColumn: return measured ? formatSignificant(m.measured_time_us) : QStringLiteral("—");
        case ErrorColumn:
            // Always one decimal and a sign: a column of errors is read by comparing widths.
            return row.compared() ? QString::asprintf("%+.1f", row.error_pct) : QStringLiteral("—");
        case BottleneckColumn: return p ? toQString(roofline::to_string(p->bottleneck)) : QStringLiteral("—");
        case NoteColumn:
            if (!row.compared())
                return toQString(row.reason);
            return p && p->faster_than_roofline ? tr("efficiency above 1") : QString();
        case ColumnCount: break;
        }
        return {};
    default:
        return {};
    }
}

QVariant ValidationModel::columnToolTip(int column) const
{
    switch (column) {
    case PredictedColumn:
        return tr("%1, %2 mode").arg(toQString(m_report.hardware_name), toQString(roofline::to_string(m_report.mode)));
    case CalibratedColumn:
        return m_calibrated ? tr("%1, %2 mode").arg(toQString(m_calibrated->hardware_name),
                                                    toQString(roofline::to_string(m_calibrated->mode)))
                            : QVariant();
    case ErrorColumn:
        return tr("(predicted − measured) ÷ measured × 100; sorts by its size. Green < 10 %, yellow 10–25 %, red > 25 %");
    case CalibratedErrorColumn:
        return tr("(calibrated − measured) ÷ measured × 100, coloured by its own band");
    default: return {};
    }
}

QString ValidationModel::columnTitle(int column) const
{
    switch (static_cast<Column>(column)) {
    case KernelColumn: return tr("Kernel");
    case ShapeColumn: return tr("Shape");
    case PrecisionColumn: return tr("Precision");
    // Beside a calibrated profile, "predicted" would not say which one; two lines keep the ten columns in view.
    case PredictedColumn: return m_calibrated ? tr("Datasheet\nµs") : tr("Predicted µs");
    case CalibratedColumn: return tr("Calibrated\nµs");
    case MeasuredColumn: return m_calibrated ? tr("Measured\nµs") : tr("Measured µs");
    case ErrorColumn: return m_calibrated ? tr("Datasheet\nerror %") : tr("Error %");
    case CalibratedErrorColumn: return tr("Calibrated\nerror %");
    case BottleneckColumn: return tr("Bottleneck");
    case NoteColumn: return tr("Note");
    case ColumnCount: break;
    }
    return {};
}
