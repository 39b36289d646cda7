#pragma once
// A report's measured model runs (model_step rows, llama-bench tests): a table coloured by band and their
// tokens/s, measured beside predicted, over the context depth. Hidden while the report has none.

#include "roofline/results/validation.h"

#include <QGroupBox>

class QTableView;
class StepRunsModel;
class TokensRateChart;

class StepRunsPanel : public QGroupBox
{
    Q_OBJECT
public:
    explicit StepRunsPanel(QWidget* parent = nullptr);

    void showReport(const roofline::ValidationReport& report);

    StepRunsModel* model() const { return m_model; }
    QTableView* table() const { return m_table; }
    TokensRateChart* chart() const { return m_chart; }

private:
    StepRunsModel* m_model;
    QTableView* m_table;
    TokensRateChart* m_chart;
};
