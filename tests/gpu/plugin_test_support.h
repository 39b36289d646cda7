#pragma once
// What the host plugins' tests share: a status by its name, a stop callback that never stops.

#include "roofline/abi/plugin_abi.h"

#include <QString>

inline QString statusName(int status)
{
    switch (status) {
    case RL_STATUS_OK: return QStringLiteral("OK");
    case RL_STATUS_UNSUPPORTED: return QStringLiteral("UNSUPPORTED");
    case RL_STATUS_SKIPPED: return QStringLiteral("SKIPPED");
    case RL_STATUS_FAILED: return QStringLiteral("FAILED");
    case RL_STATUS_CANCELLED: return QStringLiteral("CANCELLED");
    case RL_STATUS_NO_DEVICE: return QStringLiteral("NO_DEVICE");
    case RL_STATUS_INVALID_ARGUMENT: return QStringLiteral("INVALID_ARGUMENT");
    case RL_STATUS_WRONG_RESULT: return QStringLiteral("WRONG_RESULT");
    }
    return QStringLiteral("status %1").arg(status);
}

inline const auto kNeverStop = [] { return false; };
