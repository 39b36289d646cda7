#include "validationmodel.h"

#include "precisioncolors.h"
#include "textconv.h"

#include <QBrush>
#include <QColor>

ValidationModel::ValidationModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void ValidationModel::setReport(roofline::ValidationReport report)
{
    beginResetModel();
    m_report = std::move(report);
    endResetModel();
}

void ValidationModel::clear()
{
    setReport({});
}

int ValidationModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_report.rows.size());
}

int ValidationModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ValidationModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const roofline::ValidationRow& row = m_report.rows[static_cast<std::size_t>(index.row())];
    const roofline::Measurement& m = row.measurement;
    const roofline::Prediction* p = row.prediction(m_report.mode);
    const bool measured = m.measured_time_us > 0;

    switch (role) {
    case RowIndexRole:
        return index.row();
    case ComparedRole:
        return row.compared();
    case BandRole:
        return row.compared() ? QVariant(static_cast<int>(row.band)) : QVariant();
    case Qt::BackgroundRole:
        return row.compared() ? QBrush(bandBackground(static_cast<int>(row.band))) : QBrush(QColor(0xee, 0xee, 0xee));
    case Qt::ForegroundRole:
        // The band colours are light, so dark text reads on them whatever the palette.
        return row.compared() ? QBrush(Qt::black) : QBrush(QColor(0x60, 0x60, 0x60));
    case Qt::TextAlignmentRole:
        if (index.column() == PredictedColumn || index.column() == MeasuredColumn || index.column() == ErrorColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ToolTipRole:
        if (!row.compared())
            return toQString(row.reason);
        if (p && p->faster_than_roofline)
            return tr("The efficiency factor is above 1: this kernel was measured faster than the DRAM/peak roofline.");
        return {};
    case SortRole:
        switch (index.column()) {
        case PredictedColumn: return p ? QVariant(p->predicted_time_us) : QVariant(-1.0);
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

QVariant ValidationModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::ToolTipRole && section == ErrorColumn)
        return tr("(predicted − measured) ÷ measured × 100; sorts by its size. Green < 10 %, yellow 10–25 %, red > 25 %");
    if (role != Qt::DisplayRole)
        return {};
    switch (static_cast<Column>(section)) {
    case KernelColumn: return tr("Kernel");
    case ShapeColumn: return tr("Shape");
    case PrecisionColumn: return tr("Precision");
    case PredictedColumn: return tr("Predicted µs");
    case MeasuredColumn: return tr("Measured µs");
    case ErrorColumn: return tr("Error %");
    case BottleneckColumn: return tr("Bottleneck");
    case NoteColumn: return tr("Note");
    case ColumnCount: break;
    }
    return {};
}
