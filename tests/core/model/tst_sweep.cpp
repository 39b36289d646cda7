#include "roofline/model/sweep.h"

#include <QtTest>

using roofline::log_spaced_values;

class TestSweep : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void testPowersOfTwo()
    {
        QCOMPARE(log_spaced_values(1, 16384, 15),
                 (std::vector<int64_t>{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384}));
    }

    void testRepeatsAtTheLowEndAreDropped()
    {
        const std::vector<int64_t> values = log_spaced_values(1, 10, 17);
        QCOMPARE(values.front(), int64_t(1));
        QCOMPARE(values.back(), int64_t(10));
        QVERIFY(values.size() < 17);
        QVERIFY(std::adjacent_find(values.begin(), values.end(), std::greater_equal<>()) == values.end());
    }

    void testDegenerateRanges()
    {
        QCOMPARE(log_spaced_values(64, 64, 5), std::vector<int64_t>{64});
        QCOMPARE(log_spaced_values(64, 8, 5), std::vector<int64_t>{64}); // `to` below `from` is raised to it
        QCOMPARE(log_spaced_values(3, 300, 1), std::vector<int64_t>{3});
    }
};

QTEST_APPLESS_MAIN(TestSweep)
#include "tst_sweep.moc"
