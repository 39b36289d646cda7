#pragma once

// The core speaks std::string (UTF-8); the widgets speak QString. These are the only crossings.

#include "roofline/results/reports.h"

#include <QString>

#include <cstdint>
#include <string>
#include <string_view>

inline QString toQString(std::string_view text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

inline std::string toStdString(const QString& text)
{
    return text.toStdString();
}

// roofline::format_number as a QString: trailing zeros dropped, the same text the CLI prints.
inline QString formatNumber(double value, int decimals = 3)
{
    return toQString(roofline::format_number(value, decimals));
}

// 1234567 -> "1,234,567": FLOP and byte counts are read by eye, not parsed.
QString formatCount(double value);

// 23.5 GiB, 32 MiB; "—" for 0 (not known).
QString formatBytes(uint64_t bytes);
// "12 s", "3 min 20 s" (at least 1 s): how long a run will take, read at a glance.
QString formatDuration(double seconds);

// "1 case", "9 cases": English plurals without a translation catalogue.
QString countOf(qsizetype n, const QString& one, const QString& many);

// Picks decimals so small and large values both show about four significant digits.
QString formatSignificant(double value);

// The file names of a results source ("dir/a.json, dir/b.json", as merged runs name theirs): "a.json + b.json".
QString sourceName(const std::string& source);

// A path as people read it: the home folder as "~" ("~/.local/share/roofline-lab/hardware/x.json").
QString displayPath(const QString& path);
