#pragma once

class QScrollArea;
class QWidget;

// The scrolling column of controls at the left of a tab: as wide as its content wants, never wider than
// max_width, scrolling vertically when the window is short.
QScrollArea* wrapSidePanel(QWidget* panel, int maxWidth, QWidget* parent);
