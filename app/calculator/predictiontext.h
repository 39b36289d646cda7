#pragma once

#include "roofline/model/calculator.h"

#include <QCoreApplication>
#include <QString>

#include <string>
#include <vector>

// A kernel and its prediction as the Calculator shows and exports them.
class PredictionText
{
    Q_DECLARE_TR_FUNCTIONS(PredictionText)
public:
    static QString kernelTitle(roofline::KernelType kernel); // "GEMV  (y = W·x)"
    static QString bottleneck(roofline::Bottleneck bottleneck);
    // One term a line: its name and time in bold, then how it was put together; empty without a breakdown.
    static QString breakdownHtml(const roofline::Prediction& p);
    // "×0.808", and why when the factor is not the profile's or is above 1.
    static QString efficiency(const roofline::Prediction& p);

    struct CsvRow {
        roofline::KernelShape shape;
        roofline::Precision precision;
        roofline::Prediction prediction;
        bool sweep; // a sweep point, not the prediction itself
    };
    // Header, then one record per row.
    static std::string csv(const std::string& hardwareKey, const std::vector<CsvRow>& rows);
};
