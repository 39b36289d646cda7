#pragma once

#include "roofline/model/calculator.h"

#include <QString>

// The refined model's terms as the app shows them: core's list (roofline::model_terms()), translated, with a
// keyboard mnemonic for the Calculator's check boxes.
QString termLabel(const roofline::TermInfo& term, bool withMnemonic);
QString termToolTip(const roofline::TermInfo& term);
// "term_floor", "term_l2", …: object names for tests and style sheets.
QString termObjectName(const roofline::TermInfo& term);
