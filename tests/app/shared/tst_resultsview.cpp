#include "shared/resultsview.h"
#include "shared/rooflinechart.h"

#include "testutils.h"

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTableView>
#include <QTest>

namespace {

constexpr int kSortRole = Qt::UserRole + 1;

// Times as text that sorts wrongly ("14339" before "900") and as numbers that sort right.
std::unique_ptr<QStandardItemModel> timesModel()
{
    auto model = std::make_unique<QStandardItemModel>(0, 2);
    for (double time_us : {900.0, 14339.0, 2.5, 203.4, 31.0}) {
        auto* name = new QStandardItem(QStringLiteral("case %1").arg(model->rowCount()));
        auto* time = new QStandardItem(QString::number(time_us));
        time->setData(time_us, kSortRole);
        name->setData(model->rowCount(), kSortRole);
        model->appendRow({name, time});
    }
    return model;
}

} // namespace

class TestResultsView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { testutils::isolateSettings(); }

    void testChartAboveTable()
    {
        auto model = timesModel();
        ResultsView view(model.get(), kSortRole);
        QCOMPARE(view.orientation(), Qt::Vertical);
        QCOMPARE(view.count(), 2);
        QCOMPARE(view.widget(0), static_cast<QWidget*>(view.chart()));
        QVERIFY(view.widget(1)->isAncestorOf(view.table()));
        QVERIFY(!view.childrenCollapsible());
        QCOMPARE(view.table()->model(), static_cast<QAbstractItemModel*>(view.proxy()));
        QCOMPARE(view.proxy()->sourceModel(), static_cast<QAbstractItemModel*>(model.get()));
        QCOMPARE(view.table()->selectionBehavior(), QAbstractItemView::SelectRows);
    }

    // Unsorted until a header is clicked; then by the sort role, numbers as numbers.
    void testSortsByTheSortRole()
    {
        auto model = timesModel();
        ResultsView view(model.get(), kSortRole);
        QCOMPARE(view.proxy()->index(0, 0).data().toString(), QStringLiteral("case 0"));
        view.table()->sortByColumn(1, Qt::AscendingOrder);
        QStringList times;
        for (int row = 0; row < view.proxy()->rowCount(); ++row)
            times << view.proxy()->index(row, 1).data().toString();
        QCOMPARE(times, (QStringList{QStringLiteral("2.5"), QStringLiteral("31"), QStringLiteral("203.4"), QStringLiteral("900"),
                                     QStringLiteral("14339")}));
    }

    // Selected rows ring their points: the point ids are the model's rows, whatever the table's order.
    void testSelectionRingsTheModelRowsPoints()
    {
        auto model = timesModel();
        ResultsView view(model.get(), kSortRole);
        view.table()->sortByColumn(1, Qt::DescendingOrder); // 14339 (model row 1) first
        QSignalSpy changed(&view, &ResultsView::selectionChanged);
        QItemSelectionModel* selection = view.table()->selectionModel();
        selection->select(view.proxy()->index(0, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(view.selectedModelRows(), QList<int>{1});
        QCOMPARE(view.chart()->highlightedIds(), QSet<int>{1});

        selection->select(view.proxy()->index(4, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows); // 2.5: row 2
        QCOMPARE(view.selectedModelRows(), (QList<int>{1, 2})); // in the order they were selected
        QCOMPARE(view.chart()->highlightedIds(), (QSet<int>{1, 2}));

        selection->clearSelection();
        QVERIFY(view.chart()->highlightedIds().isEmpty());
    }

    // A clicked point selects its row (and only it), which then rings that point.
    void testActivatedPointSelectsItsRow()
    {
        auto model = timesModel();
        ResultsView view(model.get(), kSortRole);
        view.table()->sortByColumn(1, Qt::AscendingOrder);
        Q_EMIT view.chart()->pointActivated(3);
        QCOMPARE(view.selectedModelRows(), QList<int>{3});
        const QModelIndexList rows = view.table()->selectionModel()->selectedRows();
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.front().data().toString(), QStringLiteral("case 3"));
        QCOMPARE(view.chart()->highlightedIds(), QSet<int>{3});
        Q_EMIT view.chart()->pointActivated(99); // no such row: the selection stays
        QCOMPARE(view.selectedModelRows(), QList<int>{3});
    }

    // After the chart's points change, followSelection rings the selected rows again.
    void testFollowSelectionAgain()
    {
        auto model = timesModel();
        ResultsView view(model.get(), kSortRole);
        view.selectModelRow(4);
        view.chart()->setHighlightedIds({});
        QSignalSpy changed(&view, &ResultsView::selectionChanged);
        view.followSelection();
        QCOMPARE(changed.count(), 1);
        QCOMPARE(view.chart()->highlightedIds(), QSet<int>{4});
    }

    void testWidgetAboveTheTable()
    {
        auto model = timesModel();
        ResultsView view(model.get(), kSortRole);
        auto* caption = new QLabel(QStringLiteral("a comparison"));
        view.setAboveTable(caption);
        view.resize(600, 800);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QVERIFY(view.widget(1)->isAncestorOf(caption));
        QVERIFY(caption->isVisible());
        QVERIFY(caption->mapTo(&view, QPoint()).y() < view.table()->mapTo(&view, QPoint()).y());
        QVERIFY(view.chart()->mapTo(&view, QPoint()).y() < caption->mapTo(&view, QPoint()).y());
    }
};

QTEST_MAIN(TestResultsView)
#include "tst_resultsview.moc"
