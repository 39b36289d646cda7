#pragma once

#include <QList>
#include <QSplitter>

class QAbstractItemModel;
class QSortFilterProxyModel;
class QTableView;
class RooflineChart;

// Results as a table under the roofline chart. The table sorts through a proxy on the model's sort role; the
// chart's point ids are the model's rows, so selecting rows rings their points and a clicked point selects its row.
class ResultsView : public QSplitter
{
    Q_OBJECT
public:
    // `sortRole`: the role that gives a cell's value as a number, so that 900 µs sorts before 14339 µs.
    ResultsView(QAbstractItemModel* model, int sortRole, QWidget* parent = nullptr);

    RooflineChart* chart() const { return m_chart; }
    QTableView* table() const { return m_table; }
    QSortFilterProxyModel* proxy() const { return m_proxy; }

    // A widget shown between the chart and the table, on the table's side of the handle.
    void setAboveTable(QWidget* widget);
    // The model rows of the selected table rows, in the order they were selected.
    QList<int> selectedModelRows() const;
    void selectModelRow(int row);
    // Rings the selected rows' points (again, after the chart's points changed), then says so.
    void followSelection();

Q_SIGNALS:
    // The selection changed, and the chart's rings already follow it.
    void selectionChanged();

private:
    QSortFilterProxyModel* m_proxy;
    RooflineChart* m_chart; // created before the table: the focus moves down the page
    QTableView* m_table;
    QWidget* m_lower;
};
