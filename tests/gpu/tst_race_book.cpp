// The CUDA plugin's algorithm race, its bookkeeping alone (gpu/cuda/race_book.cpp is plain C++): who leaves the
// race and when, when it ends, who wins, and what the algorithm note says. The race on the GPU is exercised by
// tests/gpu (cuda_plugin_check on the device machine).
#include "race_book.h"

#include <QTest>

#include <initializer_list>

using rl_cuda::RaceBook;

class TestRaceBook : public QObject {
    Q_OBJECT

private:
    // One round: a sample for every candidate still racing, in order.
    static bool round(RaceBook& book, std::initializer_list<double> times_us, double wall_s = 0.0, bool stop = false)
    {
        int c = 0;
        for (double t : times_us) {
            while (!book.racing(c))
                ++c;
            book.add_sample(c++, t);
        }
        return book.end_round(wall_s, stop);
    }

private slots:
    void testFarBehindLeavesAfterTheFirstRound()
    {
        RaceBook book(3);
        QVERIFY(!round(book, {10.0, 20.0, 11.0}));
        QVERIFY(book.racing(0));
        QVERIFY(!book.racing(1)); // 2x the best: out at once
        QVERIFY(book.racing(2));
        QCOMPARE(book.samples(1), 1);
    }

    void testCloseCandidateLeavesOnceThereAreMinRounds()
    {
        RaceBook book(2);
        QVERIFY(!round(book, {10.0, 12.0}));
        QVERIFY(!round(book, {10.0, 12.0})); // 20 % behind stays while there are fewer than kMinRounds
        QVERIFY(book.racing(1));
        QVERIFY(round(book, {10.0, 12.0})); // then leaves, and one candidate left ends the race
        QVERIFY(!book.racing(1));
        QCOMPARE(book.rounds(), RaceBook::kMinRounds);
        QCOMPARE(book.winner(), 0);
    }

    void testOneOutlierSampleDoesNotDecide()
    {
        RaceBook book(2);
        QVERIFY(!round(book, {14.0, 10.5})); // candidate 0's first sample is an outlier, within the first cut
        QVERIFY(book.racing(0));
        QCOMPARE(book.winner(), 1);
        QVERIFY(!round(book, {10.0, 10.5}));
        round(book, {10.0, 10.5});
        QCOMPARE(book.median_us(0), 10.0);
        QCOMPARE(book.winner(), 0);
    }

    void testEvenRaceRunsToMaxRounds()
    {
        RaceBook book(2);
        while (!round(book, {10.0, 10.1})) {
        }
        QCOMPARE(book.rounds(), RaceBook::kMaxRounds);
        QCOMPARE(book.samples(1), RaceBook::kMaxRounds);
        QCOMPARE(book.winner(), 0);
    }

    void testBudgetEndsTheRaceOnlyAfterMinRounds()
    {
        RaceBook book(2);
        const double late = 2 * RaceBook::kBudgetS;
        QVERIFY(!round(book, {10.0, 10.1}, late));
        QVERIFY(!round(book, {10.0, 10.1}, late));
        QVERIFY(round(book, {10.0, 10.1}, late));
        QCOMPARE(book.rounds(), RaceBook::kMinRounds);
    }

    void testStopEndsTheRaceWithTheBestSoFar()
    {
        RaceBook book(3);
        QVERIFY(round(book, {10.0, 9.0, 9.5}, 0.0, true));
        QCOMPARE(book.rounds(), 1);
        QCOMPARE(book.winner(), 1);
    }

    void testDescribe()
    {
        QCOMPARE(RaceBook(1).describe(true), std::string("the only candidate"));
        RaceBook book(2);
        round(book, {10.0, 11.0});
        round(book, {10.0, 11.0});
        round(book, {10.0, 11.0});
        QCOMPARE(book.describe(true),
                 std::string("fastest median of 2 raced cold over 3 rounds (10.00 us; next 11.00 us, +10.0%)"));
        RaceBook slow(2);
        round(slow, {250.0, 900.0}, 0.0, true);
        QCOMPARE(slow.describe(false),
                 std::string("fastest median of 2 raced warm over 1 round (250.0 us; next 900.0 us, +260.0%)"));
    }
};

QTEST_APPLESS_MAIN(TestRaceBook)
#include "tst_race_book.moc"
