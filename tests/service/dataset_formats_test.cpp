// Downloads (CSV / JSON / JSONL / TXT) and row pages from canonical JSONL.
#include "hyv/service/dataset_formats.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "hyv/synth/csv_table.h"

namespace hyv::service {
namespace {

const std::vector<std::string> kColumns = {"index", "prompt", "text"};
const std::string kJsonl =
    "{\"index\":0,\"prompt\":\"a,b\",\"text\":\"say \\\"hi\\\"\\nbye\"}\n"
    "{\"index\":1,\"prompt\":\"\",\"text\":null}\n"
    "{\"index\":2,\"prompt\":\"x\",\"text\":\"caf\\u00e9 1.5\"}\n";

std::string convert(DownloadFormat f, const std::string& jsonl = kJsonl,
                    const std::vector<std::string>& columns = kColumns) {
  auto out = convert_table(f, columns, jsonl);
  EXPECT_TRUE(out.ok()) << out.status().message();
  return out.ok() ? out.value() : "";
}

TEST(DatasetFormats, CsvQuotesPerRfc4180AndKeepsNullApartFromEmpty) {
  EXPECT_EQ(convert(DownloadFormat::kCsv),
            "index,prompt,text\r\n"
            "0,\"a,b\",\"say \"\"hi\"\"\nbye\"\r\n"
            "1,\"\",\r\n"
            "2,x,caf\xc3\xa9 1.5\r\n");
}

TEST(DatasetFormats, CsvReadsBackWithAnIndependentReader) {
  std::string csv = convert(DownloadFormat::kCsv);
  auto table = synth::parse_csv_table(csv);
  ASSERT_TRUE(table.ok()) << table.status().message();
  ASSERT_EQ(table.value().rows(), 3u);
  EXPECT_EQ(table.value().columns[1].cell(0), "a,b");
  EXPECT_EQ(table.value().columns[2].cell(0), "say \"hi\"\nbye");
}

TEST(DatasetFormats, CsvOfTypedValues) {
  std::string jsonl = "{\"n\":-3,\"x\":0.1,\"b\":true,\"big\":18446744073709551615}\n";
  EXPECT_EQ(convert(DownloadFormat::kCsv, jsonl, {"n", "x", "b", "big", "missing"}),
            "n,x,b,big,missing\r\n-3,0.1,true,18446744073709551615,\r\n");
}

TEST(DatasetFormats, JsonIsOneValidArrayOfTheRows) {
  std::string json = convert(DownloadFormat::kJson);
  rapidjson::Document d;
  d.Parse(json.c_str());
  ASSERT_FALSE(d.HasParseError()) << json;
  ASSERT_TRUE(d.IsArray());
  ASSERT_EQ(d.Size(), 3u);
  EXPECT_STREQ(d[0]["text"].GetString(), "say \"hi\"\nbye");
  EXPECT_TRUE(d[1]["text"].IsNull());
  EXPECT_EQ(d[2]["index"].GetInt(), 2);
  EXPECT_EQ(convert(DownloadFormat::kJson, ""), "[]\n");
}

TEST(DatasetFormats, JsonlIsTheCanonicalBytes) {
  EXPECT_EQ(convert(DownloadFormat::kJsonl), kJsonl);
}

TEST(DatasetFormats, TxtEndsEachSampleWithEndOfText) {
  EXPECT_EQ(convert(DownloadFormat::kTxt),
            "say \"hi\"\nbye\n<|endoftext|>\n\n<|endoftext|>\ncaf\xc3\xa9 1.5\n<|endoftext|>\n");
  auto refused = convert_table(DownloadFormat::kTxt, std::vector<std::string>{"a"}, "{\"a\":1}\n");
  EXPECT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
}

TEST(DatasetFormats, ChunkingDoesNotChangeTheOutput) {
  for (DownloadFormat f : {DownloadFormat::kCsv, DownloadFormat::kJson, DownloadFormat::kTxt}) {
    std::string out;
    auto c = FormatConverter::create(f, kColumns, [&](std::string_view b) {
      out.append(b);
      return Status::Ok();
    });
    ASSERT_TRUE(c.ok());
    for (char ch : kJsonl) ASSERT_TRUE(c.value()->feed(std::string_view(&ch, 1)).ok());
    ASSERT_TRUE(c.value()->finish().ok());
    EXPECT_EQ(out, convert(f)) << download_extension(f);
  }
}

TEST(DatasetFormats, ALastLineWithoutNewlineStillCounts) {
  std::string jsonl = kJsonl.substr(0, kJsonl.size() - 1);
  EXPECT_EQ(convert(DownloadFormat::kCsv, jsonl), convert(DownloadFormat::kCsv));
}

TEST(DatasetFormats, ADamagedLineIsAnError) {
  auto out = convert_table(DownloadFormat::kCsv, kColumns, "{\"index\":0}\n{oops\n");
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("line 2"), std::string::npos) << out.status().message();
}

TEST(DatasetFormats, NamesAndTypes) {
  EXPECT_EQ(parse_download_format("csv").value(), DownloadFormat::kCsv);
  EXPECT_EQ(parse_download_format("txt").value(), DownloadFormat::kTxt);
  EXPECT_FALSE(parse_download_format("xlsx").ok());
  EXPECT_EQ(parse_download_format("xlsx").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(download_file_name("ds-1", "samples", true, DownloadFormat::kCsv), "ds-1.csv");
  EXPECT_EQ(download_file_name("ds-1", "orders", false, DownloadFormat::kJson), "ds-1-orders.json");
  EXPECT_EQ(download_content_type(DownloadFormat::kCsv), "text/csv; charset=utf-8");
}

std::string page(uint64_t offset, uint64_t limit, size_t chunk = 5) {
  auto p = RowPager::create(kColumns, offset, limit);
  EXPECT_TRUE(p.ok());
  for (size_t i = 0; i < kJsonl.size(); i += chunk) {
    auto more = p.value().feed(std::string_view(kJsonl).substr(i, chunk));
    EXPECT_TRUE(more.ok());
    if (!more.value()) break;
  }
  auto json = p.value().finish_json("samples", 3);
  EXPECT_TRUE(json.ok()) << json.status().message();
  return json.value();
}

TEST(RowPager, PagesAreArraysInColumnOrder) {
  EXPECT_EQ(page(1, 2),
            "{\"table\":\"samples\",\"columns\":[\"index\",\"prompt\",\"text\"],"
            "\"rows\":[[1,\"\",null],[2,\"x\",\"caf\xc3\xa9 1.5\"]],\"offset\":1,\"total\":3}");
  EXPECT_EQ(page(0, 1, 1), page(0, 1, 1000));
  EXPECT_NE(page(0, 1).find("\"rows\":[[0,\"a,b\",\"say \\\"hi\\\"\\nbye\"]]"), std::string::npos);
  EXPECT_NE(page(3, 10).find("\"rows\":[]"), std::string::npos);
}

TEST(RowPager, StopsAskingOnceThePageIsFull) {
  auto p = RowPager::create(kColumns, 0, 1);
  ASSERT_TRUE(p.ok());
  auto more = p.value().feed(kJsonl);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(more.value());
}

TEST(RowPager, LimitIsBounded) {
  EXPECT_FALSE(RowPager::create(kColumns, 0, 0).ok());
  EXPECT_FALSE(RowPager::create(kColumns, 0, kMaxPageRows + 1).ok());
  EXPECT_EQ(RowPager::create(kColumns, 0, 0).status().message(),
            "limit: must be in [1, 100000] (got 0)");
  EXPECT_TRUE(RowPager::create(kColumns, 0, kMaxPageRows).ok());
}

}  // namespace
}  // namespace hyv::service
