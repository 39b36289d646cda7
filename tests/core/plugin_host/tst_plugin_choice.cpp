// The plugin-choice policy (roofline/plugin_choice.h) over fake plugins named like the real ones: the CUDA plugin
// first, the others as fallback, and a named plugin or file alone.
#include "roofline/plugin_host/plugin_choice.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

namespace fs = std::filesystem;
using namespace roofline;

namespace {

QString fakePlugin(const char* kind)
{
    return QStringLiteral(ROOFLINE_FAKE_PLUGIN_DIR "/libroofline_fake_%1.so").arg(QLatin1String(kind));
}

QStringList fileNames(const std::vector<fs::path>& files)
{
    QStringList names;
    for (const auto& file : files)
        names << QString::fromStdString(file.filename().string());
    return names;
}

} // namespace

class TestPluginChoice : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    // A machine whose CUDA plugin finds no GPU, beside a working plugin that sorts before it and a CPU plugin.
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(QFile::copy(fakePlugin("no_device"), m_dir.filePath(QStringLiteral("libroofline_cuda.so"))));
        QVERIFY(QFile::copy(fakePlugin("good"), m_dir.filePath(QStringLiteral("libroofline_cpu.so"))));
        QVERIFY(QFile::copy(fakePlugin("good"), m_dir.filePath(QStringLiteral("libroofline_accel.so"))));
        qputenv("ROOFLINE_LAB_PLUGIN_DIR", QFile::encodeName(m_dir.path()));
    }

    void cleanupTestCase() { qunsetenv("ROOFLINE_LAB_PLUGIN_DIR"); }

    void testNamesAFile_data()
    {
        QTest::addColumn<QString>("choice");
        QTest::addColumn<bool>("file");
        QTest::newRow("cuda") << "cuda" << false;
        QTest::newRow("cpu") << "cpu" << false;
        QTest::newRow("relative path") << "plugins/libx.so" << true;
        QTest::newRow("bare .so") << "libx.so" << true;
        QTest::newRow("just .so") << ".so" << false;
    }

    void testNamesAFile()
    {
        QFETCH(QString, choice);
        QFETCH(bool, file);
        QCOMPARE(names_plugin_file(choice.toStdString()), file);
    }

    void testCudaFirst()
    {
        const QStringList order = fileNames(plugins_by_preference());
        QVERIFY2(order.size() >= 3, qPrintable(order.join(QStringLiteral(", "))));
        QCOMPARE(order.mid(0, 3), (QStringList{QStringLiteral("libroofline_cuda.so"), QStringLiteral("libroofline_accel.so"),
                                               QStringLiteral("libroofline_cpu.so")}));
    }

    void testNamedChoiceAlone()
    {
        const auto files = plugins_by_preference("cpu");
        QCOMPARE(files.size(), std::size_t(1));
        QCOMPARE(QString::fromStdString(files.front().string()), m_dir.filePath(QStringLiteral("libroofline_cpu.so")));
        QCOMPARE(plugins_by_preference("/elsewhere/libroofline_x.so"), std::vector<fs::path>{"/elsewhere/libroofline_x.so"});
    }

    // No GPU: the CUDA plugin's reason is kept, and the next plugin opens.
    void testFallbackPastNoDevice()
    {
        const DeviceChoice chosen = open_preferred_device("");
        QVERIFY(chosen.device);
        QCOMPARE(QString::fromStdString(chosen.device->plugin_path().filename().string()), QStringLiteral("libroofline_accel.so"));
        QCOMPARE(chosen.failures.size(), std::size_t(1));
        QCOMPARE(int(chosen.failures.front().kind()), int(PluginError::Kind::NoDevice));
        QVERIFY2(QString::fromUtf8(chosen.failures.front().what()).contains(QStringLiteral("no fake device")),
                 chosen.failures.front().what());
    }

    // A choice made by name is not second-guessed: no fallback.
    void testNamedChoiceHasNoFallback()
    {
        const DeviceChoice cuda = open_preferred_device("cuda");
        QVERIFY(!cuda.device);
        QCOMPARE(cuda.failures.size(), std::size_t(1));
        QCOMPARE(int(cuda.failures.front().kind()), int(PluginError::Kind::NoDevice));

        const DeviceChoice missing = open_preferred_device("nope");
        QVERIFY(!missing.device);
        QCOMPARE(missing.failures.size(), std::size_t(1));
        QCOMPARE(int(missing.failures.front().kind()), int(PluginError::Kind::NotFound));
        QVERIFY2(QString::fromUtf8(missing.failures.front().what()).contains(QStringLiteral("libroofline_nope.so not found")),
                 missing.failures.front().what());
    }
};

QTEST_GUILESS_MAIN(TestPluginChoice)
#include "tst_plugin_choice.moc"
