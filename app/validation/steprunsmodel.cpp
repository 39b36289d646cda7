#include "validation/steprunsmodel.h"

#include "shared/precisioncolors.h"
#include "shared/textconv.h"

#include <QBrush>
#include <QColor>

#include <limits>

StepRunsModel::StepRunsModel(QObject* parent)
    : TableModel(ColumnCount, parent)
{
}

void StepRunsModel::setRows(std::vector<roofline::StepValidationRow> rows)
{
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
}

int StepRunsModel::rows() const
{
    return static_cast<int>(m_rows.size());
}

QVariant StepRunsModel::data(const QModelIndex& index, int role) const
{
    if (!isCell(index))
        return {};
    const roofline::StepValidationRow& row = m_rows[static_cast<std::size_t>(index.row())];
    const roofline::StepMeasurement& m = row.measurement;
    const int c = index.column();
    const bool numeric = c >= BatchColumn && c <= ErrorColumn && c != WeightsColumn;
    switch (role) {
    case Qt::TextAlignmentRole: return alignment(numeric);
    case Qt::BackgroundRole:
        return row.compared() ? QBrush(bandBackground(static_cast<int>(row.band))) : QBrush(QColor(0xee, 0xee, 0xee));
    case Qt::ToolTipRole: return toQString(row.compared() ? m.match_note : row.reason);
    case SortRole:
        switch (c) {
        case BatchColumn: return static_cast<qlonglong>(m.batch);
        case PromptColumn: return static_cast<qlonglong>(m.prompt_tokens);
        case GenColumn: return static_cast<qlonglong>(m.gen_tokens);
        case DepthColumn: return static_cast<qlonglong>(m.context_depth);
        case PredictedColumn: return row.predicted ? row.predicted->tokens_per_s : 0.0;
        case MeasuredColumn: return row.measured_tokens_per_s;
        case ErrorColumn: return row.compared() ? row.error_pct : std::numeric_limits<double>::quiet_NaN();
        default: return data(index, Qt::DisplayRole);
        }
    case Qt::DisplayRole:
        switch (c) {
        case ModelColumn: return toQString(row.model_name.empty() ? m.model : row.model_name);
        case RunColumn: return toQString(roofline::to_string(m.kind));
        case BatchColumn: return QString::number(m.batch);
        case PromptColumn: return QString::number(m.prompt_tokens);
        case GenColumn: return QString::number(m.gen_tokens);
        case DepthColumn: return QString::number(m.context_depth);
        case WeightsColumn: return toQString(m.weights);
        case PredictedColumn: return row.predicted ? formatNumber(row.predicted->tokens_per_s, 1) : QStringLiteral("—");
        case MeasuredColumn: return formatNumber(row.measured_tokens_per_s, 1);
        case ErrorColumn: return row.compared() ? formatNumber(row.error_pct, 1) : QStringLiteral("—");
        case EngineColumn: return toQString(m.engine + (m.engine_version.empty() ? "" : " " + m.engine_version));
        case NoteColumn: return toQString(row.compared() ? m.match_note : row.reason);
        default: return {};
        }
    default: return {};
    }
}

QString StepRunsModel::columnTitle(int column) const
{
    switch (column) {
    case ModelColumn: return tr("Model");
    case RunColumn: return tr("Run");
    case BatchColumn: return tr("Batch");
    case PromptColumn: return tr("Prompt");
    case GenColumn: return tr("Generated");
    case DepthColumn: return tr("Depth");
    case WeightsColumn: return tr("Weights");
    case PredictedColumn: return tr("Predicted tok/s");
    case MeasuredColumn: return tr("Measured tok/s");
    case ErrorColumn: return tr("Error %");
    case EngineColumn: return tr("Engine");
    case NoteColumn: return tr("Note");
    default: return {};
    }
}

QVariant StepRunsModel::columnToolTip(int column) const
{
    switch (column) {
    case DepthColumn: return tr("Tokens cached before the run");
    case ErrorColumn: return tr("(predicted − measured) time of the run ÷ measured; > 0: the model predicts slower");
    case NoteColumn: return tr("How the model was found, or why the run is not compared");
    default: return {};
    }
}
