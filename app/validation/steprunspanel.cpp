#include "validation/steprunspanel.h"

#include "validation/steprunsmodel.h"
#include "shared/textconv.h"
#include "shared/tokensratechart.h"

#include <QChart>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QSortFilterProxyModel>
#include <QTableView>

StepRunsPanel::StepRunsPanel(QWidget* parent)
    : QGroupBox(tr("Measured model runs"), parent)
    , m_model(new StepRunsModel(this))
    , m_table(new QTableView(this))
    , m_chart(new TokensRateChart(this))
{
    setObjectName(QStringLiteral("stepRuns"));
    auto* proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(m_model);
    proxy->setSortRole(StepRunsModel::SortRole);
    m_table->setObjectName(QStringLiteral("stepRunsTable"));
    m_table->setModel(proxy);
    m_table->setSortingEnabled(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_chart->setObjectName(QStringLiteral("stepRatesChart"));
    auto* layout = new QHBoxLayout(this);
    layout->addWidget(m_table, 3);
    layout->addWidget(m_chart, 2);
    hide();
}

void StepRunsPanel::showReport(const roofline::ValidationReport& report)
{
    m_model->setRows(report.steps);
    setVisible(!report.steps.empty());
    std::vector<TokensRateChart::Measured> points;
    for (const roofline::StepValidationRow& row : report.steps) {
        const roofline::StepMeasurement& m = row.measurement;
        const bool prefill = m.kind == roofline::StepRunKind::Prefill;
        // A decode run at the middle of the depths it ran over.
        points.push_back({static_cast<double>(m.context_depth + (prefill ? 0 : m.prompt_tokens + m.gen_tokens / 2)),
                          row.measured_tokens_per_s,
                          row.predicted ? std::optional<double>(row.predicted->tokens_per_s) : std::nullopt, prefill});
    }
    m_chart->setCurves(tr("Context depth [tokens]"), false, {}, {}, std::nullopt);
    m_chart->setMeasured(std::move(points));
    m_chart->chart()->setTitle(tr("Measured runs on %1").arg(toQString(report.hardware_key)));
    m_table->resizeColumnsToContents();
}
