// str_cat: builds a message by appending parts to one string. (It also sidesteps GCC 12's false
// -Wrestrict alarm on `"literal" + std::string&&`, which inserts at the front.)
#pragma once

#include <string>
#include <string_view>

namespace hyv::engine {

template <class... Parts>
std::string str_cat(const Parts&... parts) {
  std::string s;
  (s.append(std::string_view(parts)), ...);
  return s;
}

}  // namespace hyv::engine
