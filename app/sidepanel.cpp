#include "sidepanel.h"

#include <QFrame>
#include <QScrollArea>

QScrollArea* wrapSidePanel(QWidget* panel, int maxWidth, QWidget* parent)
{
    auto* scroll = new QScrollArea(parent);
    scroll->setWidget(panel);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // Room for the vertical scroll bar beside the content.
    scroll->setMinimumWidth(panel->sizeHint().width() + 24);
    scroll->setMaximumWidth(maxWidth);
    return scroll;
}
