#include "shared/resultsview.h"

#include "shared/rooflinechart.h"

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

ResultsView::ResultsView(QAbstractItemModel* model, int sortRole, QWidget* parent)
    : QSplitter(Qt::Vertical, parent)
    , m_proxy(new QSortFilterProxyModel(this))
    , m_chart(new RooflineChart)
    , m_table(new QTableView)
    , m_lower(new QWidget)
{
    m_proxy->setSourceModel(model);
    m_proxy->setSortRole(sortRole);
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->horizontalHeader()->setSortIndicator(-1, Qt::AscendingOrder); // the model's order until a header is clicked
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);

    auto* lowerLayout = new QVBoxLayout(m_lower);
    lowerLayout->setContentsMargins(0, 0, 0, 0);
    lowerLayout->addWidget(m_table, 1);
    addWidget(m_chart);
    addWidget(m_lower);
    setStretchFactor(0, 1);
    setStretchFactor(1, 1);
    setChildrenCollapsible(false);
    setSizes({640, 300}); // the chart is what people look at; the table scrolls

    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ResultsView::followSelection);
    connect(m_chart, &RooflineChart::pointActivated, this, &ResultsView::selectModelRow);
}

void ResultsView::setAboveTable(QWidget* widget)
{
    static_cast<QVBoxLayout*>(m_lower->layout())->insertWidget(0, widget);
}

QList<int> ResultsView::selectedModelRows() const
{
    QList<int> rows;
    for (const QModelIndex& index : m_table->selectionModel()->selectedRows())
        rows << m_proxy->mapToSource(index).row();
    return rows;
}

void ResultsView::selectModelRow(int row)
{
    const QModelIndex index = m_proxy->mapFromSource(m_proxy->sourceModel()->index(row, 0));
    if (!index.isValid())
        return;
    m_table->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(index);
}

void ResultsView::followSelection()
{
    const QList<int> rows = selectedModelRows();
    m_chart->setHighlightedIds(QSet<int>(rows.begin(), rows.end()));
    Q_EMIT selectionChanged();
}
