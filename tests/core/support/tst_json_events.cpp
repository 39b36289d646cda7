// The results reader's own JSON reader (core/support/src/json_events.cpp) against nlohmann's parser: the same texts
// accepted and refused, the same trees built, whatever the chunks the bytes come in. tests/fuzz/fuzz_json.cpp
// checks the same on inputs libFuzzer makes.
#include "roofline/support/json_stream.h"

#include <QtTest>

#include <string>
#include <vector>

using namespace roofline::detail;
using nlohmann::ordered_json;

namespace {

// What nlohmann's parser makes of the text: the tree, or discarded when it refuses it. A NUL byte, which it takes
// for the end of the text, this project refuses (parse_json_text).
ordered_json nlohmann_tree(const std::string& text)
{
    if (text.find('\0') != std::string::npos)
        return ordered_json(ordered_json::value_t::discarded);
    return ordered_json::parse(text, nullptr, /*allow_exceptions=*/false);
}

// A handler that stops at the first key named "stop".
class StopAtKey : public TreeSax {
public:
    bool key(string_t& name) override { return name != "stop" && TreeSax::key(name); }
};

// Records each element of a list on a tape, as the results reader does with rows.
class ListRecorder : public StreamSax {
public:
    JsonTape tape;
    int depth = 0;
    bool null() override { return put([&] { tape.null(); }); }
    bool boolean(bool v) override { return put([&] { tape.boolean(v); }); }
    bool number_integer(number_integer_t v) override { return put([&] { tape.integer(v); }); }
    bool number_unsigned(number_unsigned_t v) override { return put([&] { tape.unsigned_integer(v); }); }
    bool number_float(number_float_t v, const string_t&) override { return put([&] { tape.floating(v); }); }
    bool string(string_t& v) override { return put([&] { tape.string(v); }); }
    bool binary(binary_t&) override { return false; }
    bool key(string_t& v) override { return put([&] { tape.key(v); }); }
    bool start_object(std::size_t) override { return open([&] { tape.start_object(); }); }
    bool start_array(std::size_t) override { return open([&] { tape.start_array(); }); }
    bool end_object() override { return close(); }
    bool end_array() override { return close(); }

private:
    template <class F> bool put(F f)
    {
        if (depth > 0)
            f();
        return true;
    }
    template <class F> bool open(F f)
    {
        if (depth++ > 0)
            f();
        return true;
    }
    bool close()
    {
        if (--depth > 0)
            tape.end();
        return true;
    }
};

} // namespace

class TestJsonEvents : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void testAgreesWithNlohmann_data()
    {
        QTest::addColumn<QByteArray>("text");
        const std::vector<std::pair<const char*, std::string>> cases = {
            {"empty object", "{}"},
            {"empty list", "[ ]"},
            {"a row", R"({"kernel_type": "gemm", "shape": [4096, 4096, 4096], "precision": "FP16", "measured_time_us": 812.5})"},
            {"numbers", "[0, -0, 1, -1, 0.5, -0.5e3, 1E-2, 1e+2, 123456789012]"},
            {"uint64 max", "18446744073709551615"},
            {"past uint64", "18446744073709551616"},
            {"int64 min", "-9223372036854775808"},
            {"past int64 min", "-9223372036854775809"},
            {"too large for a double", "[1e400]"},
            {"too small for a double", "[1e-400, 4.9e-324, 2.2250738585072014e-308]"},
            {"leading zero", "01"},
            {"bare minus", "-"},
            {"no fraction digits", "1."},
            {"no exponent digits", "1e"},
            {"exponent sign only", "1e+"},
            {"plus sign", "+1"},
            // Not a raw string: moc misreads this one as one.
            {"escapes", "[\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\", \"\\u00e9\\u20ac\", \"\\ud83d\\ude00\", \"\\u0000\"]"},
            {"lone high surrogate", R"("\ud83d")"},
            {"high surrogate then text", R"("\ud83dx")"},
            {"lone low surrogate", R"("\ude00")"},
            {"short unicode escape", R"("\u12")"},
            {"unknown escape", R"("\x")"},
            {"control character", "\"a\x01\""},
            {"UTF-8 two, three and four bytes", "\"\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\""},
            {"overlong UTF-8", "\"\xc0\x80\""},
            {"UTF-8 surrogate", "\"\xed\xa0\x80\""},
            {"past U+10FFFF", "\"\xf4\x90\x80\x80\""},
            {"truncated UTF-8", "\"\xe2\x82\""},
            {"stray continuation byte", "\"\x80\""},
            {"unterminated string", "\"abc"},
            {"literals", "[true, false, null]"},
            {"truncated literal", "tru"},
            {"two values", "true false"},
            {"duplicate keys", R"({"a": 1, "b": [2], "a": {"c": 3}})"},
            {"key without colon", R"({"a" 1})"},
            {"colon without value", R"({"a":})"},
            {"trailing comma in a list", "[1,]"},
            {"trailing comma in an object", R"({"a": 1,})"},
            {"key not a string", "{1: 2}"},
            {"mismatched close", "[1}"},
            {"unclosed list", "[1, 2"},
            {"byte order mark", "\xef\xbb\xbf{\"a\": 1}"},
            {"half a byte order mark", "\xef\xbb{}"},
            {"nothing", ""},
            {"whitespace only", " \t\r\n"},
            {"a comment", "[1] // no"},
            {"NaN", "[NaN]"},
            {"whitespace everywhere", " \n{ \"a\" :\t[ 1 , { } , [ ] ] \r}\n "},
        };
        for (const auto& [name, text] : cases)
            QTest::newRow(name) << QByteArray::fromStdString(text);
        QTest::newRow("NUL after a value") << QByteArray("407\0 garbage", 12);
        QTest::newRow("NUL in a string") << QByteArray("\"a\0b\"", 5);
        // Deep enough to show the reader keeps no stack per level; nlohmann's own comparison and dump recurse.
        QTest::newRow("nesting 2000 deep") << QByteArray(2000, '[') + QByteArray(2000, ']');
        QTest::newRow("nesting 2000 deep, unclosed") << QByteArray(2000, '[') + QByteArray(1999, ']');
    }

    void testAgreesWithNlohmann()
    {
        QFETCH(QByteArray, text);
        const std::string input = text.toStdString();
        const ordered_json expected = nlohmann_tree(input);
        // Every chunk size crosses every token's boundary somewhere: one byte, a few, the whole text.
        for (const std::size_t chunk : {std::size_t(0), std::size_t(1), std::size_t(2), std::size_t(3), std::size_t(7)}) {
            TreeSax tree;
            const JsonEventsEnd end = read_json_events(input, tree, chunk);
            if (expected.is_discarded()) {
                QVERIFY2(end == JsonEventsEnd::NotJson, qPrintable(QStringLiteral("chunk %1: accepted what nlohmann refuses").arg(chunk)));
                continue;
            }
            QVERIFY2(end == JsonEventsEnd::Complete, qPrintable(QStringLiteral("chunk %1: refused what nlohmann accepts").arg(chunk)));
            const ordered_json got = tree.take();
            if (got != expected) {
                QFAIL(qPrintable(QStringLiteral("chunk %1: %2 instead of %3")
                                     .arg(chunk)
                                     .arg(QString::fromStdString(got.dump().substr(0, 200)))
                                     .arg(QString::fromStdString(expected.dump().substr(0, 200)))));
            }
            // The same kind of number, not only the same value: an integer stays an integer.
            if (got.is_array() && !got.empty())
                QCOMPARE(got.front().type(), expected.front().type());
        }
    }

    // The fallback that locates a syntax error refuses the NUL byte too, where it is: nothing after it is lost unsaid.
    void testNulByteLocated()
    {
        const std::string text("{\"benchmarks\": []}\n\0{\"more\": 1}", 31);
        try {
            parse_json_text(text, "nul.json");
            QFAIL("expected InputError");
        } catch (const roofline::InputError& e) {
            QCOMPARE(e.where().line, std::optional<std::size_t>(2));
            QCOMPARE(e.where().column, std::optional<std::size_t>(1));
            QVERIFY2(std::string(e.what()).find("NUL byte") != std::string::npos, e.what());
        }
    }

    void testNumberKinds()
    {
        TreeSax tree;
        QVERIFY(read_json_events("[-1, 1, 18446744073709551615, 1.0, 18446744073709551616]", tree) == JsonEventsEnd::Complete);
        const ordered_json v = tree.take();
        QVERIFY(v[0].is_number_integer() && !v[0].is_number_unsigned());
        QVERIFY(v[1].is_number_unsigned());
        QVERIFY(v[2].is_number_unsigned());
        QVERIFY(v[3].is_number_float());
        QVERIFY(v[4].is_number_float());
    }

    void testHandlerStops()
    {
        StopAtKey sax;
        QVERIFY(read_json_events(R"({"a": 1, "stop": 2})", sax) == JsonEventsEnd::Stopped);
        // A syntax error after the stop is never reached.
        StopAtKey again;
        QVERIFY(read_json_events(R"({"stop": 2, ]})", again) == JsonEventsEnd::Stopped);
    }

    void testTapeReplaysRows()
    {
        const std::string text = R"([{"a": [1, -2, 3.5], "b": "x", "c": null}, true, {"a": {"a": 1}, "a": 2}, "s"])";
        const ordered_json expected = nlohmann_tree(text);

        ListRecorder recorder;
        QVERIFY(read_json_events(text, recorder) == JsonEventsEnd::Complete);
        std::vector<ordered_json> rows;
        recorder.tape.replay([&](ordered_json row) { rows.push_back(std::move(row)); });
        QCOMPARE(rows.size(), expected.size());
        for (std::size_t i = 0; i < rows.size(); ++i) {
            if (rows[i] != expected[i])
                QFAIL(rows[i].dump().c_str());
        }
    }
};

QTEST_APPLESS_MAIN(TestJsonEvents)
#include "tst_json_events.moc"
