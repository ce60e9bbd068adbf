// native::file_in_folder, how `hyv generate table -o DIR` names one file per table: defence in
// depth for issue 17's `../escaped` table (the schema parser refuses such names first).
#include "table_output.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

namespace hyv::native {
namespace {

TEST(TableOutput, FileInFolderNeverLeavesTheFolder) {
  EXPECT_EQ(file_in_folder("out", "users", "csv").value(), "out/users.csv");
  EXPECT_EQ(file_in_folder("out", "..users", "jsonl").value(), "out/..users.jsonl");
  for (const std::string& name : std::initializer_list<std::string>{
           "../escaped", "a/b", "/etc/passwd", "..", ".", "", std::string("a\0b", 3)}) {
    auto path = file_in_folder("out", name, "csv");
    ASSERT_FALSE(path.ok()) << name;
    EXPECT_NE(path.status().message().find("-o out: the table name"), std::string::npos)
        << path.status().message();
  }
}

}  // namespace
}  // namespace hyv::native
