#include "shared/sidepanel.h"

#include <QEvent>
#include <QFrame>
#include <QScrollArea>

#include <algorithm>

namespace {

// Room for the vertical scroll bar beside the content.
constexpr int kScrollBarRoom = 24;

// Keeps the scroll area as wide as the panel wants whenever the panel's layout changes (rows shown or hidden,
// e.g. the Calculator's refined terms), up to the maximum.
class WidthFollower : public QObject {
public:
    WidthFollower(QScrollArea* scroll, QWidget* panel, int maxWidth) : QObject(scroll), m_scroll(scroll), m_panel(panel), m_maxWidth(maxWidth)
    {
        follow();
        panel->installEventFilter(this);
    }

protected:
    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (watched == m_panel && event->type() == QEvent::LayoutRequest)
            follow();
        return false;
    }

private:
    void follow() { m_scroll->setMinimumWidth(std::min(m_panel->sizeHint().width() + kScrollBarRoom, m_maxWidth)); }

    QScrollArea* m_scroll;
    QWidget* m_panel;
    int m_maxWidth;
};

} // namespace

QScrollArea* wrapSidePanel(QWidget* panel, int maxWidth, QWidget* parent)
{
    auto* scroll = new QScrollArea(parent);
    scroll->setWidget(panel);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setMaximumWidth(maxWidth);
    new WidthFollower(scroll, panel, maxWidth);
    return scroll;
}
