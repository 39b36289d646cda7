#include "validation/calibrationpanel.h"

#include "validation/calibrationmodel.h"
#include "validation/calibrationrun.h"
#include "shared/resultsview.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QTableView>

#include <algorithm>

CalibrationPanel::CalibrationPanel(QWidget* parent)
    : QGroupBox(tr("Datasheet vs calibrated, on the same rows"), parent)
    , m_model(new CalibrationComparisonModel(this))
    , m_table(new QTableView(this))
    , m_caption(new QLabel(this))
{
    setObjectName(QStringLiteral("comparisonPanel"));
    m_table->setObjectName(QStringLiteral("comparisonTable"));
    m_table->setModel(m_model);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->setFocusPolicy(Qt::NoFocus);
    m_table->setWordWrap(false);
    m_table->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_table->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_table->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    m_table->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    m_caption->setObjectName(QStringLiteral("comparisonCaption"));
    m_caption->setWordWrap(true);
    m_caption->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_caption->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_caption->setMinimumWidth(160);
    auto* layout = new QHBoxLayout(this);
    layout->addWidget(m_table, 0, Qt::AlignTop);
    layout->addWidget(m_caption, 1);
    hide();
}

void CalibrationPanel::showCalibration(const SavedCalibration& calibration, const std::string& measurementsSource,
                                       ResultsView* view)
{
    const bool appearing = isHidden();
    show();
    m_caption->setText(CalibrationRun::captionHtml(calibration, measurementsSource));
    m_caption->setToolTip(calibration.log.join(QLatin1Char('\n')));
    m_table->resizeColumnsToContents();
    m_table->updateGeometry();
    if (appearing)
        makeRoom(view);
}

void CalibrationPanel::makeRoom(ResultsView* view)
{
    // The comparison takes some room from the chart, so that the table keeps about eight rows in view; the chart
    // keeps at least 55 %. (Proportions: before the window is shown the splitter scales them to its height.)
    const QList<int> sizes = view->sizes();
    const int total = std::max(sizes.value(0) + sizes.value(1), 600);
    const QTableView* results = view->table();
    const int wanted = sizeHint().height() + results->horizontalHeader()->sizeHint().height()
        + 8 * results->verticalHeader()->defaultSectionSize() + 12;
    const int lower = std::min(wanted, total * 45 / 100);
    if (sizes.value(1) < lower)
        view->setSizes({total - lower, lower});
}
