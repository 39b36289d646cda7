#pragma once

#include <QString>

// One row of a two-column HTML table of facts (name, then value), as the side panels show them. `valueHtml` is
// HTML already; `gapPx` is the room between the columns.
inline QString htmlRow(const QString& name, const QString& valueHtml, int gapPx)
{
    return QStringLiteral("<tr><td style='padding-right:%1px'>").arg(gapPx) + name + QStringLiteral("</td><td>")
        + valueHtml + QStringLiteral("</td></tr>");
}
