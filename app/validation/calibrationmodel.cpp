#include "validation/calibrationmodel.h"

#include "shared/precisioncolors.h"
#include "shared/textconv.h"

#include <QBrush>
#include <QFont>

CalibrationComparisonModel::CalibrationComparisonModel(QObject* parent)
    : TableModel(ColumnCount, parent)
{
}

void CalibrationComparisonModel::setEntries(std::vector<Entry> entries)
{
    beginResetModel();
    m_entries = std::move(entries);
    endResetModel();
}

void CalibrationComparisonModel::clear()
{
    setEntries({});
}

int CalibrationComparisonModel::bestRow() const
{
    int best = -1;
    for (int i = 0; i < static_cast<int>(m_entries.size()); ++i) {
        const roofline::ErrorSummary& s = m_entries[static_cast<std::size_t>(i)].summary;
        if (s.count > 0
            && (best < 0 || s.mean_abs_error_pct < m_entries[static_cast<std::size_t>(best)].summary.mean_abs_error_pct))
            best = i;
    }
    return best;
}

QVariant CalibrationComparisonModel::data(const QModelIndex& index, int role) const
{
    if (!isCell(index))
        return {};
    const Entry& e = m_entries[static_cast<std::size_t>(index.row())];
    const roofline::ErrorSummary& s = e.summary;
    const bool any = s.count > 0;
    const auto column = static_cast<Column>(index.column());

    switch (role) {
    case ValueRole:
        switch (column) {
        case ModelColumn: return e.label;
        case RowsColumn: return static_cast<qulonglong>(s.count);
        case MeanColumn: return any ? QVariant(s.mean_abs_error_pct) : QVariant();
        case MedianColumn: return any ? QVariant(s.median_abs_error_pct) : QVariant();
        case MaxColumn: return any ? QVariant(s.max_abs_error_pct) : QVariant();
        case GreenColumn: return static_cast<qulonglong>(s.green);
        case YellowColumn: return static_cast<qulonglong>(s.yellow);
        case RedColumn: return static_cast<qulonglong>(s.red);
        case ColumnCount: break;
        }
        return {};
    case BestRole:
        return index.row() == bestRow();
    case Qt::DisplayRole:
        switch (column) {
        case ModelColumn: return e.label;
        case RowsColumn: return QString::number(s.count);
        case MeanColumn: return any ? formatNumber(s.mean_abs_error_pct, 1) : QStringLiteral("—");
        case MedianColumn: return any ? formatNumber(s.median_abs_error_pct, 1) : QStringLiteral("—");
        case MaxColumn: return any ? formatNumber(s.max_abs_error_pct, 1) : QStringLiteral("—");
        case GreenColumn: return QString::number(s.green);
        case YellowColumn: return QString::number(s.yellow);
        case RedColumn: return QString::number(s.red);
        case ColumnCount: break;
        }
        return {};
    case Qt::ToolTipRole:
        return e.tooltip;
    case Qt::TextAlignmentRole:
        return alignment(column != ModelColumn);
    case Qt::BackgroundRole:
        switch (column) {
        case GreenColumn: return QBrush(bandBackground(static_cast<int>(roofline::Band::Green)));
        case YellowColumn: return QBrush(bandBackground(static_cast<int>(roofline::Band::Yellow)));
        case RedColumn: return QBrush(bandBackground(static_cast<int>(roofline::Band::Red)));
        default: return {};
        }
    case Qt::ForegroundRole:
        // Dark text on the light band colours, whatever the palette.
        return column >= GreenColumn ? QVariant(QBrush(Qt::black)) : QVariant();
    case Qt::FontRole:
        if (index.row() == bestRow()) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    default:
        return {};
    }
}

QVariant CalibrationComparisonModel::columnToolTip(int column) const
{
    switch (static_cast<Column>(column)) {
    case RowsColumn: return tr("Rows compared: measured rows that the profile could predict");
    case MeanColumn:
    case MedianColumn:
    case MaxColumn: return tr("|predicted − measured| ÷ measured × 100, over the rows compared");
    case GreenColumn: return tr("Rows within 10 %");
    case YellowColumn: return tr("Rows off by 10–25 %");
    case RedColumn: return tr("Rows off by more than 25 %");
    default: return {};
    }
}

QString CalibrationComparisonModel::columnTitle(int column) const
{
    switch (static_cast<Column>(column)) {
    case ModelColumn: return tr("Model");
    case RowsColumn: return tr("Rows");
    case MeanColumn: return tr("Mean |error| %");
    case MedianColumn: return tr("Median %");
    case MaxColumn: return tr("Max %");
    case GreenColumn: return tr("Green");
    case YellowColumn: return tr("Yellow");
    case RedColumn: return tr("Red");
    case ColumnCount: break;
    }
    return {};
}
